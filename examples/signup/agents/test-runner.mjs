// Runs node:test files with coverage in a folder and parses what the runner prints: TAP on stdout for
// the results, an lcov file for exact per-file line, branch and function counts.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** Runs `files` (relative to `cwd`) with `node --test` and coverage; lcov.info is written into `cwd`. */
export function runNodeTests(cwd, files) {
  const lcovPath = join(cwd, "lcov.info");
  const args = [
    "--test",
    "--experimental-test-coverage",
    "--test-reporter=tap",
    "--test-reporter-destination=stdout",
    "--test-reporter=lcov",
    "--test-reporter-destination=lcov.info",
    ...files,
  ];
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_V8_COVERAGE;
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: "utf8", timeout: 60_000 });
  return { status: result.status ?? 1, tap: result.stdout ?? "", stderr: result.stderr ?? "", lcovPath };
}

/** Counts and top-level results of a TAP stream: `{ tests, pass, fail, results: [[ok, name]] }`. */
export function parseTap(tap) {
  const count = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, "m"))?.[1] ?? 0);
  const results = [...tap.matchAll(/^(not )?ok \d+ - (.+?)(?: # .*)?$/gm)].map((m) => [!m[1], m[2]]);
  return { tests: count("tests"), pass: count("pass"), fail: count("fail"), results };
}

/** Per-file records of an lcov report: `{ file, LF, LH, BRF, BRH, FNF, FNH }`. */
export function parseLcov(text) {
  const records = [];
  let current = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("SF:"))
      current = { file: line.slice(3), LF: 0, LH: 0, BRF: 0, BRH: 0, FNF: 0, FNH: 0 };
    const field = line.match(/^(LF|LH|BRF|BRH|FNF|FNH):(\d+)$/);
    if (field && current) current[field[1]] = Number(field[2]);
    if (line === "end_of_record" && current) {
      records.push(current);
      current = null;
    }
  }
  return records;
}
