// Builder (build). Copies the sample project into its artifacts (project/), implements each function the
// plan asks for in place of its TODO, runs the project's tests for real and writes test-results.json,
// changes.diff and summary.md. Fails when a test fails. Shares examples of the new functions' output.
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { unifiedDiff } from "./diff.mjs";
import { ConfigError, main, runTests, sampleDir } from "./lib.mjs";

/** The snippet this builder writes for `fn` (agents/snippets/<fn>.mjs, header comment dropped), or undefined. */
function implementation(fn) {
  const path = join(import.meta.dirname, "snippets", `${fn}.mjs`);
  if (!/^\w+$/.test(fn) || !existsSync(path)) return undefined;
  return readFileSync(path, "utf8")
    .replace(/^(\/\/.*\n)+/, "")
    .trimEnd();
}

const EXAMPLES = {
  slugify: ["Hello World", "Crème Brûlée à la carte", "Привет, мир!", "회원 가입 2024", "  --Trim me!--  "],
};

await main(async (self) => {
  if (self.phase !== "build") throw new ConfigError(`the builder has no work in phase "${self.phase}"`);
  const tasks = planTasks(self);
  const project = join(self.artifacts, "project");
  cpSync(sampleDir(), project, { recursive: true });
  const diffs = [];
  const added = [];
  for (const task of tasks.filter((t) => t.kind === "implement")) {
    const code = implementation(task.function);
    if (!code) throw new Error(`${task.id}: no implementation known for ${task.function}()`);
    const path = join(project, task.file);
    const before = readFileSync(path, "utf8");
    const todo = new RegExp(`^// TODO: ${task.function}\\(.*$`, "m");
    const after = todo.test(before) ? before.replace(todo, () => code) : `${before.trimEnd()}\n\n${code}\n`;
    writeFileSync(path, after);
    diffs.push(unifiedDiff(task.file, before, after));
    added.push(task);
  }
  const testFiles = JSON.parse(readFileSync(join(project, "package.json"), "utf8"))
    .scripts.test.split(/\s+/)
    .filter((part) => /\.m?js$/.test(part));
  const run = runTests(project, testFiles);
  self.writeJson("test-results.json", { command: `node --test ${testFiles.join(" ")}`, ...run });
  self.write("changes.diff", diffs.join(""));
  const examples = [];
  for (const task of added) {
    const mod = await import(pathToFileURL(join(project, task.file)).href);
    for (const input of EXAMPLES[task.function] ?? [])
      examples.push([task.function, input, mod[task.function](input)]);
  }
  self.write(
    "summary.md",
    [
      "# Build summary",
      "",
      ...added.map((t) => `- ${t.id}: implemented \`${t.function}()\` in \`${t.file}\`.`),
      `- Tests: ${run.pass} of ${run.tests} pass (\`node --test ${testFiles.join(" ")}\`).`,
      "",
      "## Examples",
      "",
      "```js",
      ...examples.map(
        ([fn, input, output]) => `${fn}(${JSON.stringify(input)}); // ${JSON.stringify(output)}`,
      ),
      "```",
      "",
      "The changed project is in `project/`; the change itself is `changes.diff`.",
    ].join("\n"),
  );
  self.share({
    build: {
      added: added.map((t) => t.function),
      files: added.map((t) => t.file),
      examples,
      tests: { tests: run.tests, pass: run.pass, fail: run.fail },
    },
  });
  if (run.status !== 0 || run.fail > 0 || run.tests === 0) {
    const failed = run.results.filter((r) => !r.ok).map((r) => r.name);
    throw new Error(`${run.fail} of ${run.tests} tests fail: ${failed.join("; ")}`);
  }
  self.done(
    `Implemented ${added.map((t) => `${t.function}()`).join(", ")}; ${run.pass}/${run.tests} tests pass`,
  );
});

/** The plan's tasks: from the shared context, else from the planner's plan.json among the inputs. */
function planTasks(self) {
  if (Array.isArray(self.context.plan?.tasks)) return self.context.plan.tasks;
  const file = self.input("plan.json", "planner");
  if (file) return JSON.parse(readFileSync(file, "utf8")).tasks;
  throw new ConfigError("no plan: neither plan.tasks in the shared context nor plan.json among the inputs");
}
