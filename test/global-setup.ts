import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Tests spawn the real CLI from dist/: build it once before any test runs. Every temporary file
 * the tests (and the processes they start) make goes under one folder of this run, removed when
 * the run ends, so repeated runs leave nothing behind in the system's temporary folder.
 */
export default function setup(): () => void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), "orchestrate-tests-"));
  // Test workers and the processes they start inherit it; `os.tmpdir()` reads it on each call.
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
