// Planner (plan). Reads the sample project next to the plan (package.json, src/*.mjs, the test files)
// and the request: finds the functions the tests call but no module exports, and turns them into
// tasks with acceptance criteria (the tests that call them). Writes plan.json and plan.md and puts
// `plan.tasks` into the shared context for the builder and the reviewer.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, main, sampleDir } from "./lib.mjs";

await main((self) => {
  if (self.phase !== "plan") throw new ConfigError(`the planner has no work in phase "${self.phase}"`);
  const root = sampleDir();
  if (!existsSync(join(root, "package.json"))) throw new ConfigError(`no sample project at ${root}`);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const testCommand = pkg.scripts?.test ?? "";
  const testFiles = testCommand.split(/\s+/).filter((part) => /\.m?js$/.test(part));
  if (testFiles.length === 0)
    throw new ConfigError("the sample's package.json names no test file in scripts.test");
  const modules = readdirSync(join(root, "src"))
    .filter((f) => f.endsWith(".mjs"))
    .sort()
    .map((f) => `src/${f}`);
  const exported = new Map(modules.map((m) => [m, exportsOf(readFileSync(join(root, m), "utf8"))]));
  const todos = modules.flatMap((m) =>
    [...readFileSync(join(root, m), "utf8").matchAll(/\/\/ TODO: (.+)/g)].map((t) => [m, t[1]]),
  );
  const tests = testFiles.flatMap((file) => testsOf(readFileSync(join(root, file), "utf8")));
  const known = new Set([...exported.values()].flat());
  const requested = self.request.requirements.flatMap((r) => [...r.matchAll(/(\w+)\(\)/g)].map((m) => m[1]));
  const missing = [...new Set([...tests.flatMap((t) => t.calls), ...requested])].filter(
    (fn) => !known.has(fn),
  );
  const homeOf = (fn) => todos.find(([, text]) => text.includes(`${fn}(`))?.[0] ?? modules[0];
  const tasks = missing.map((fn, i) => ({
    id: `T${i + 1}`,
    kind: "implement",
    title: `Implement ${fn}() in ${homeOf(fn)}`,
    function: fn,
    file: homeOf(fn),
    acceptance: tests.filter((t) => t.calls.includes(fn)).map((t) => t.name),
  }));
  tasks.push({
    id: `T${tasks.length + 1}`,
    kind: "verify",
    title: "Run the whole test suite",
    command: testCommand,
    acceptance: [`all ${tests.length} tests pass`, "no test file is changed"],
  });
  tasks.push({
    id: `T${tasks.length + 1}`,
    kind: "document",
    title: `Document ${missing.map((fn) => `${fn}()`).join(", ") || "the change"} in the README and the changelog`,
    files: ["README.md", "CHANGELOG.md"],
    acceptance: ["usage examples show real outputs", "the changelog has an Unreleased entry"],
  });
  const risks = [];
  if (/unicode/i.test(self.request.text)) {
    risks.push(
      "Unicode: removing accents (NFKD + dropping marks) must not damage scripts whose marks carry meaning.",
    );
    risks.push("Unicode: output should be NFC so that equal slugs compare equal.");
  }
  risks.push("Tests must not be edited to pass; the reviewer rejects changes to test files.");
  const plan = {
    project: self.request.project,
    requirements: self.request.requirements,
    modules,
    tests: tests.length,
    tasks,
    risks,
  };
  self.writeJson("plan.json", plan);
  self.write("plan.md", render(plan, todos));
  self.share({ plan: { tasks } });
  self.done(
    `Planned ${tasks.length} tasks; ${missing.length} missing function(s): ${missing.join(", ") || "none"}`,
  );
});

function exportsOf(source) {
  return [...source.matchAll(/^export (?:async )?function (\w+)/gm)].map((m) => m[1]);
}

/** Each `test("name", …)` with the namespace calls (`strings.slugify(`) in its body. */
function testsOf(source) {
  const namespace = source.match(/import \* as (\w+) from/)?.[1];
  const parts = source.split(/^test\(/m).slice(1);
  return parts.map((part) => ({
    name: part.match(/^"(.+?)",/)?.[1] ?? "(unnamed)",
    calls: namespace
      ? [...new Set([...part.matchAll(new RegExp(`\\b${namespace}\\.(\\w+)\\(`, "g"))].map((m) => m[1]))]
      : [],
  }));
}

function render(plan, todos) {
  const lines = [
    `# Plan: ${plan.project}`,
    "",
    "## Request",
    "",
    ...plan.requirements.map((r) => `- ${r}`),
    "",
  ];
  lines.push(
    "## Findings",
    "",
    `- Modules: ${plan.modules.map((m) => `\`${m}\``).join(", ")}; ${plan.tests} tests.`,
  );
  for (const [file, text] of todos) lines.push(`- TODO in \`${file}\`: ${text}`);
  lines.push("", "## Tasks", "");
  for (const task of plan.tasks) {
    lines.push(
      `### ${task.id}. ${task.title}`,
      "",
      "Acceptance criteria:",
      "",
      ...task.acceptance.map((a) => `- [ ] ${a}`),
      "",
    );
  }
  lines.push("## Risks", "", ...plan.risks.map((r) => `- ${r}`));
  return lines.join("\n");
}
