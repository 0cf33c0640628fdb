// Bundles the CLI, the library and the Action with esbuild into dist/.
// dist/ is committed: .ci/check-dist fails when it differs from a fresh build.
import { readFileSync } from "node:fs";
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
