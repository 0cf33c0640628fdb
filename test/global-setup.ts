import { execFileSync } from "node:child_process";

/** Tests spawn the real CLI from dist/: build it once before any test runs. */
export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
