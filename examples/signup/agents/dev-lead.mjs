// Dev lead (analysis). Maps the working directory: manifests, build and test commands, test files,
// tool configuration (codebase.md). Reads only manifest files it names; never secrets.
import { existsSync, readFileSync } from "node:fs";
import { main, table, unknownPhase } from "./lib.mjs";
import { groupBy, languageOf, scanWorkingDir } from "./scan.mjs";

const MANIFESTS = [
  "package.json",
  "pyproject.toml",
  "requirements.txt",
  "go.mod",
  "Cargo.toml",
  "pom.xml",
  "Gemfile",
];
const TOOLS = [
  "biome.json",
  "tsconfig.json",
  "eslint.config.js",
  ".eslintrc.json",
  "ruff.toml",
  ".prettierrc",
  "Makefile",
  "Dockerfile",
];
const TEST_FILE = /(^|\/)(tests?|__tests__|spec)\/|\.(test|spec)\.[a-z]+$|(^|\/)test_[^/]+\.py$/;

await main((self) => {
  if (self.phase !== "analysis") throw unknownPhase(self);
  const { files } = scanWorkingDir();
  const top = new Set(files.filter((f) => !f.path.includes("/")).map((f) => f.name));
  const manifests = MANIFESTS.filter((m) => top.has(m));
  const tools = TOOLS.filter((t) => top.has(t));
  const tests = files.filter((f) => TEST_FILE.test(f.path));
  const commands = [
    ...npmScripts(),
    ...(top.has("pyproject.toml") ? [["python", "pytest", "run the Python tests"]] : []),
  ];
  const modules = groupBy(
    files.filter((f) => languageOf(f.ext) && f.path.includes("/") && !TEST_FILE.test(f.path)),
    (f) => f.path.split("/").slice(0, -1).slice(0, 2).join("/"),
  ).slice(0, 12);
  self.write(
    "codebase.md",
    [
      "# Codebase map",
      "",
      `Manifests: ${manifests.join(", ") || "none"}. Tool configuration: ${tools.join(", ") || "none"}.`,
      "",
      "## Build and test commands",
      "",
      commands.length ? table(["Tool", "Command", "Purpose"], commands) : "No commands declared.",
      "",
      "## Source modules",
      "",
      modules.length ? table(["Folder", "Source files", "Bytes"], modules) : "No source folders found.",
      "",
      "## Tests",
      "",
      `${tests.length} test files${
        tests.length
          ? `, e.g. ${tests
              .slice(0, 5)
              .map((t) => `\`${t.path}\``)
              .join(", ")}`
          : ""
      }.`,
      "",
      "## Conventions to follow",
      "",
      `- ${kebabShare(files)}% of source file names are kebab-case or single words.`,
      "- New modules get their tests next to the existing ones and run with the commands above.",
    ].join("\n"),
  );
  self.done(
    `Mapped ${modules.length} source folders, ${tests.length} test files, ${commands.length} commands`,
  );
});

function npmScripts() {
  if (!existsSync("package.json")) return [];
  try {
    const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts ?? {};
    return Object.entries(scripts)
      .filter(([name]) => /^(build|test|lint|typecheck|format|start|dev)$/.test(name))
      .map(([name, command]) => ["npm", `npm run ${name}`, String(command).slice(0, 80)]);
  } catch {
    return [];
  }
}

function kebabShare(files) {
  const code = files.filter((f) => languageOf(f.ext));
  if (code.length === 0) return 0;
  const kebab = code.filter((f) => /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)+$/.test(f.name)).length;
  return Math.round((kebab / code.length) * 100);
}
