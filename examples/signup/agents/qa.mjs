// QA. Development (one task per matrix module): writes the module's node:test file against the design's
// module contract, and its test plan (qa-report.md). Testing: copies every module and its tests from the
// inputs into workspace/, runs them for real with coverage, writes qa-report.md + results.json, and fails
// when a test fails or line coverage is below params.coverage_min.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  blueprint,
  ConfigError,
  main,
  renderBlueprint,
  requirementIds,
  table,
  unknownPhase,
} from "./lib.mjs";
import { parseLcov, parseTap, runNodeTests } from "./test-runner.mjs";

const MODULES = {
  backend: { module: "auth.mjs", tests: "auth.test.mjs", blueprint: "auth.tests.mjs" },
  frontend: { module: "signup-form.mjs", tests: "signup-form.test.mjs", blueprint: "signup-form.tests.mjs" },
};

await main((self) => {
  const min = Number(self.params.coverage_min ?? 80);
  if (!Number.isFinite(min) || min < 0 || min > 100)
    throw new ConfigError("params.coverage_min must be a number from 0 to 100");
  if (self.phase === "development") return plan(self, min);
  if (self.phase === "testing") return testing(self, min);
  throw unknownPhase(self);
});

function plan(self, min) {
  const spec = MODULES[self.matrix.module];
  if (!spec) throw new ConfigError(`matrix.module must be one of ${Object.keys(MODULES).join(", ")}`);
  const source = blueprint(spec.blueprint);
  const header = [
    `${spec.tests}: tests of ${spec.module} for "${self.request.project}" (node:test).`,
    `Written by the qa agent from the design's module contract. Run: node --test ${spec.tests}`,
  ];
  self.write(spec.tests, renderBlueprint(source, self.features, header));
  const reqOf = Object.fromEntries(requirementIds(self.request).map((r) => [r.feature, r.id]));
  let feature = null;
  const cases = [];
  for (const line of source.split("\n")) {
    const start = line.match(/^\/\/ @feature (\w+)/);
    if (start) feature = start[1];
    else if (line.startsWith("// @end")) feature = null;
    const name = line.match(/^test\("(.+?)",/);
    if (name && (feature === null || self.features[feature]))
      cases.push([name[1], feature ?? "core", reqOf[feature] ?? "baseline"]);
  }
  self.write(
    "qa-report.md",
    [
      `# Test plan: ${self.matrix.module} (${spec.module})`,
      "",
      `${cases.length} automated tests in \`${spec.tests}\`, written against the module contract while the module`,
      `is being built. The testing phase runs them with coverage; it fails below ${min}% line coverage.`,
      "",
      table(
        ["#", "Test", "Area", "Requirement"],
        cases.map((c, i) => [i + 1, ...c]),
      ),
    ].join("\n"),
  );
  self.done(`Planned ${cases.length} tests for ${spec.module}`);
}

function testing(self, min) {
  const workspace = join(self.artifacts, "workspace");
  const runs = [];
  for (const [name, spec] of Object.entries(MODULES)) {
    const module = self.input(spec.module, { agent: "dev", phase: "development", module: name });
    const tests = self.input(spec.tests, { agent: "qa", phase: "development", module: name });
    if (!module && !tests) continue;
    if (!module || !tests)
      throw new Error(
        `${name}: found ${module ? spec.module : spec.tests} but not ${module ? spec.tests : spec.module} among the inputs`,
      );
    mkdirSync(join(workspace, name), { recursive: true });
    copyFileSync(module, join(workspace, name, spec.module));
    copyFileSync(tests, join(workspace, name, spec.tests));
    runs.push({ name, ...spec });
  }
  if (runs.length === 0)
    throw new Error("no module and tests found among the inputs (development/dev@*, development/qa@*)");
  const run = runNodeTests(
    workspace,
    runs.map((r) => `${r.name}/${r.tests}`),
  );
  writeFileSync(join(workspace, "test-output.tap"), run.tap.replace(/^.*duration_ms.*\n/gm, ""));
  const tap = parseTap(run.tap);
  if (!existsSync(run.lcovPath))
    throw new Error(`no coverage report: node --test failed to start (${run.stderr.trim().split("\n")[0]})`);
  const files = parseLcov(readFileSync(run.lcovPath, "utf8")).filter((f) =>
    runs.some((r) => f.file.split(/[\\/]/).pop() === r.module),
  );
  const sum = (key) => files.reduce((n, f) => n + f[key], 0);
  const pct = (hit, found) => (found === 0 ? 100 : Math.round((hit / found) * 10000) / 100);
  const coverage = {
    lines: pct(sum("LH"), sum("LF")),
    branches: pct(sum("BRH"), sum("BRF")),
    functions: pct(sum("FNH"), sum("FNF")),
    files: Object.fromEntries(files.map((f) => [f.file.split(/[\\/]/).slice(-2).join("/"), pct(f.LH, f.LF)])),
  };
  const passed = tap.fail === 0 && run.status === 0 && tap.tests > 0;
  const covered = coverage.lines >= min;
  const rows = files.map((f) => [
    f.file.split(/[\\/]/).slice(-2).join("/"),
    pct(f.LH, f.LF),
    pct(f.BRH, f.BRF),
    pct(f.FNH, f.FNF),
  ]);
  self.writeJson("results.json", {
    tests: tap.tests,
    pass: tap.pass,
    fail: tap.fail,
    coverage,
    coverage_min: min,
    passed,
    covered,
  });
  self.write(
    "qa-report.md",
    [
      `# Test report: ${self.request.project}`,
      "",
      `Ran \`node --test --experimental-test-coverage\` on ${runs.length} modules: ${tap.pass} of ${tap.tests} tests pass.`,
      `Line coverage ${coverage.lines}% (minimum ${min}%): ${covered ? "met" : "**not met**"}.`,
      "",
      "## Coverage of the modules under test",
      "",
      table(
        ["File", "Lines %", "Branches %", "Functions %"],
        [...rows, ["**all**", coverage.lines, coverage.branches, coverage.functions]],
      ),
      "",
      "## Tests",
      "",
      table(
        ["Result", "Test"],
        tap.results.map(([ok, name]) => [ok ? "pass" : "**FAIL**", name]),
      ),
    ].join("\n"),
  );
  self.share({ qa: { tests: tap.tests, pass: tap.pass, fail: tap.fail, line_coverage: coverage.lines } });
  if (!passed)
    throw new Error(`${tap.fail} of ${tap.tests} tests failed (exit ${run.status}); see qa-report.md`);
  if (!covered) {
    const each = rows.map((r) => `${r[0]} ${r[1]}%`).join(", ");
    throw new Error(`line coverage ${coverage.lines}% is below coverage_min ${min}% (${each})`);
  }
  self.done(`${tap.pass}/${tap.tests} tests pass; line coverage ${coverage.lines}% (minimum ${min}%)`);
}
