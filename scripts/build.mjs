// Bundles the CLI, the library and the Action with esbuild into dist/.
// dist/ is committed: .ci/check-dist fails when it differs from a fresh build.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const banner = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  banner: { js: banner },
  define: { ORCHESTRATE_VERSION: JSON.stringify(pkg.version) },
  legalComments: "none",
  logLevel: "warning",
  sourcemap: false,
  minify: true,
};

await Promise.all([
  build({ ...common, entryPoints: ["src/cli/index.ts"], outfile: "dist/cli/index.js" }),
  build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/lib/index.js", packages: "external" }),
  // The Action runs from the repository as it is checked out: every dependency is bundled.
  build({ ...common, entryPoints: ["src/action/index.ts"], outfile: "dist/action/index.js" }),
  build({ ...common, entryPoints: ["src/app/index.ts"], outfile: "dist/app/index.js", packages: "external" }),
]);

// The library's type declarations (package.json `types`): emitted by tsc from src/index.ts, with
// the sources' `.ts` import specifiers turned into the `.js` a consumer's TypeScript resolves.
rmSync("dist/types", { recursive: true, force: true });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.types.json"], {
  stdio: "inherit",
});
for (const entry of readdirSync("dist/types", { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
  const path = join(entry.parentPath, entry.name);
  const text = readFileSync(path, "utf8");
  writeFileSync(
    path,
    text.replace(/((?:from|import)\s*\(?\s*["'](?:\.{1,2}\/)[^"']*?)\.ts(["'])/g, "$1.js$2"),
  );
}
