// Reviewer (review, gated). Checks the builder's output against the plan: the tests passed, every
// acceptance test passed, only planned files changed (never a test file), and the new functions behave
// (idempotent, NFC, accents removed) when loaded from the built project. Writes review.md with each
// finding marked blocking or not, and fails when a blocking finding fails.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { diffStats } from "./diff.mjs";
import { ConfigError, main } from "./lib.mjs";

await main(async (self) => {
  if (self.phase !== "review") throw new ConfigError(`the reviewer has no work in phase "${self.phase}"`);
  const resultsPath = self.input("test-results.json", "builder");
  const diffPath = self.input("changes.diff", "builder");
  if (!resultsPath || !diffPath)
    throw new Error("the build output (test-results.json, changes.diff) is not among the inputs");
  const results = JSON.parse(readFileSync(resultsPath, "utf8"));
  const stats = diffStats(readFileSync(diffPath, "utf8"));
  const tasks = self.context.plan?.tasks ?? [];
  const implement = tasks.filter((t) => t.kind === "implement");
  const planned = new Set(implement.map((t) => t.file));
  const passed = new Set(results.results.filter((r) => r.ok).map((r) => r.name));
  const findings = [];
  const check = (blocking, title, ok, detail) => findings.push({ blocking, title, ok, detail });

  check(
    true,
    "The test suite passes",
    results.fail === 0 && results.tests > 0,
    `${results.pass} of ${results.tests} tests pass`,
  );
  for (const task of implement) {
    const missing = task.acceptance.filter((name) => !passed.has(name));
    check(
      true,
      `${task.id} acceptance tests pass`,
      missing.length === 0,
      missing.length ? `not passing: ${missing.join("; ")}` : `${task.acceptance.length} tests`,
    );
  }
  const tests = stats.files.filter((f) => /(^|\/)test\/|\.test\.m?js$/.test(f));
  check(true, "No test file changed", tests.length === 0, tests.length ? tests.join(", ") : "none changed");
  const unplanned = stats.files.filter((f) => tasks.length > 0 && !planned.has(f));
  check(
    false,
    "Only planned files changed",
    unplanned.length === 0,
    unplanned.length ? `also changed: ${unplanned.join(", ")}` : stats.files.join(", "),
  );
  check(
    false,
    "The change is small",
    stats.added + stats.removed <= 60,
    `+${stats.added} −${stats.removed} lines in ${stats.files.length} file(s)`,
  );

  for (const task of implement) {
    const path = self.input(`project/${task.file}`, "builder");
    if (!path) {
      check(
        false,
        `${task.function}() loads from the built project`,
        false,
        `project/${task.file} is not among the inputs`,
      );
      continue;
    }
    const source = readFileSync(path, "utf8");
    check(
      false,
      `${task.function}() is documented`,
      new RegExp(`\\*/\\nexport function ${task.function}\\(`).test(source),
      "JSDoc comment above the export",
    );
    if (task.function === "slugify") behaviour((await import(pathToFileURL(path).href)).slugify, check);
  }

  const blocking = findings.filter((f) => f.blocking && !f.ok);
  const verdict = blocking.length === 0 ? "approve" : "request changes";
  const mark = (f) => `${f.ok ? "pass" : "**fail**"} | ${f.blocking ? "blocking" : "non-blocking"}`;
  self.write(
    "review.md",
    [
      `# Review: ${self.request.project}`,
      "",
      `Verdict: **${verdict}**. Diff: +${stats.added} −${stats.removed} lines in ${stats.files.map((f) => `\`${f}\``).join(", ") || "no files"}.`,
      "",
      "| Result | Kind | Finding | Detail |",
      "| --- | --- | --- | --- |",
      ...findings.map((f) => `| ${mark(f)} | ${f.title} | ${f.detail.replaceAll("|", "\\|")} |`),
    ].join("\n"),
  );
  self.share({ review: { verdict, findings: findings.length, blocking: blocking.length } });
  if (blocking.length > 0)
    throw new Error(`review requests changes: ${blocking.map((f) => `${f.title} (${f.detail})`).join("; ")}`);
  self.done(
    `Approved: ${findings.filter((f) => f.ok).length} of ${findings.length} findings pass, none blocking`,
  );
});

/** Behavioural checks of slugify beyond the project's own tests. */
function behaviour(slugify, check) {
  const samples = ["Ünïcödé Straße", "Ça va? Très bien!", "東京 タワー", "ﬁle №5", "a---b"];
  const outputs = samples.map((s) => slugify(s));
  check(
    true,
    "slugify() is idempotent",
    outputs.every((o) => slugify(o) === o),
    outputs.map((o) => JSON.stringify(o)).join(", "),
  );
  check(
    true,
    "slugify() output is NFC",
    outputs.every((o) => o === o.normalize("NFC")),
    "normalized form C",
  );
  check(
    true,
    "slugify() removes Latin accents",
    slugify("Ça va? Très bien!") === "ca-va-tres-bien",
    JSON.stringify(slugify("Ça va? Très bien!")),
  );
}
