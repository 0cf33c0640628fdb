import { describe, expect, it } from "vitest";
import { loadPlan } from "../../../src/core/plan/load-plan.ts";
import { formatProblem } from "../../../src/core/plan/problem.ts";
import { AGENT_A, FILE, loadOk, loadProblems, problemAt, yaml } from "./helpers.ts";

describe("loadPlan: YAML syntax", () => {
  it("reports every syntax error with its line and column", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "phases:", // 2
        "  - id: a", // 3
        "   agents: [x]", // 4: bad indentation
        "  - id: b", // 5
        '    name: "unterminated', // 6
      ),
    );
    expect(problems.length).toBeGreaterThanOrEqual(2);
    for (const problem of problems) {
      expect(problem.file).toBe(FILE);
      expect(problem.message).toMatch(/^YAML syntax: /);
    }
    expect(problems.map((problem) => problem.line)).toContain(4);
    expect(problems.some((problem) => (problem.line ?? 0) >= 6)).toBe(true);
  });

  it("reports a duplicate key as a syntax error at the second key", () => {
    const problems = loadProblems(yaml("version: 1", "name: a", "name: b"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 3, column: 1 });
    expect(problems[0]!.message).toMatch(/unique/);
  });

  it("reports an empty document and a document that is not a mapping", () => {
    expect(loadProblems("# nothing here\n")[0]).toMatchObject({
      line: 1,
      column: 1,
      message: "the plan is empty",
    });
    const problem = loadProblems(yaml("- version: 1"))[0]!;
    expect(problem).toMatchObject({ line: 1, column: 1, path: "" });
    expect(problem.message).toBe("expected a mapping, got a list");
  });

  it("never throws: an alias bomb becomes a problem", () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (const [name, prev] of [
      ["b", "a"],
      ["c", "b"],
      ["d", "c"],
      ["e", "d"],
    ] as const) {
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(",")}]`);
    }
    const result = loadPlan(yaml(...lines), { file: FILE });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.message).toMatch(/^could not load the plan: /);
  });
});

describe("loadPlan: unknown keys", () => {
  it("reports each unknown key at its position, with a did-you-mean from that object's keys", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "phase: []", // 2
        "policy:", // 3
        "  retry:", // 4
        "    max_attempt: 2", // 5
        ...AGENT_A, // 6-8
        "    rol: architect", // 9
        "phases:", // 10
        "  - id: p", // 11
        "    agents: [a]", // 12
        "    gatee: {}", // 13
        "    zzz: 1", // 14
      ),
    );
    expect(problemAt(problems, "phase")).toMatchObject({
      line: 2,
      column: 1,
      message: 'unknown key "phase"',
      hint: 'did you mean "phases"?',
    });
    expect(problemAt(problems, "policy.retry.max_attempt")).toMatchObject({
      line: 5,
      column: 5,
      hint: 'did you mean "max_attempts"?',
    });
    expect(problemAt(problems, "agents.a.rol")).toMatchObject({
      line: 9,
      column: 5,
      hint: 'did you mean "role"?',
    });
    expect(problemAt(problems, "phases[0].gatee")).toMatchObject({
      line: 13,
      column: 5,
      hint: 'did you mean "gate"?',
    });
    const far = problemAt(problems, "phases[0].zzz");
    expect(far).toMatchObject({ line: 14, column: 5, message: 'unknown key "zzz"' });
    expect(far.hint).toMatch(/^allowed keys: id, name, description, needs, agents/);
    expect(problems).toHaveLength(5);
  });
});

describe("loadPlan: types and ranges", () => {
  it("says what was expected and what was found, at the value", () => {
    const problems = loadProblems(
      yaml(
        "version: 2", // 1
        "policy:", // 2
        "  max_concurrency: 0", // 3
        "  cancellation: cascadng", // 4
        "  budget: { usd: -1 }", // 5
        "agents:", // 6
        "  a:", // 7
        "    run: 42", // 8
        "    max_concurrency: 1.5", // 9
        "phases:", // 10
        "  - id: p", // 11
        "    agents: a", // 12
        '    parallel: "yes"', // 13
        "    gate: { min_approvals: 0 }", // 14
      ),
    );
    expect(problemAt(problems, "version")).toMatchObject({
      line: 1,
      column: 10,
      message: "must be 1, got 2",
    });
    expect(problemAt(problems, "policy.max_concurrency")).toMatchObject({
      line: 3,
      column: 20,
      message: "must be at least 1, got 0",
    });
    expect(problemAt(problems, "policy.cancellation")).toMatchObject({
      line: 4,
      column: 17,
      message: 'must be one of "isolated", "cascading", got "cascadng"',
      hint: 'did you mean "cascading"?',
    });
    expect(problemAt(problems, "policy.budget.usd")).toMatchObject({
      line: 5,
      column: 18,
      message: "must be greater than 0, got -1",
    });
    expect(problemAt(problems, "agents.a.run")).toMatchObject({
      line: 8,
      column: 10,
      message: "expected a string, got 42",
    });
    expect(problemAt(problems, "agents.a.max_concurrency")).toMatchObject({
      line: 9,
      column: 22,
      message: "expected a whole number, got 1.5",
    });
    expect(problemAt(problems, "phases[0].agents")).toMatchObject({
      line: 12,
      column: 13,
      message: 'expected a list, got "a"',
    });
    expect(problemAt(problems, "phases[0].parallel")).toMatchObject({
      line: 13,
      column: 15,
      message: 'expected true or false, got "yes"',
    });
    expect(problemAt(problems, "phases[0].gate.min_approvals")).toMatchObject({
      line: 14,
      column: 28,
      message: "must be at least 1, got 0",
    });
    expect(problems).toHaveLength(9);
  });

  it("reports invalid durations and max_interval below initial_interval", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "policy:", // 2
        "  retry: { initial_interval: 10s, max_interval: 1s, backoff: expo }", // 3
        "  timeout: { task: -5, execution: true }", // 4
        ...AGENT_A, // 5-7
        "    estimate: soon", // 8
      ),
    );
    expect(problemAt(problems, "policy.retry.max_interval")).toMatchObject({
      line: 3,
      column: 49,
      message: "max_interval is below initial_interval; raise max_interval or lower initial_interval",
    });
    expect(problemAt(problems, "policy.retry.backoff")).toMatchObject({ line: 3, column: 62 });
    expect(problemAt(problems, "policy.timeout.task")).toMatchObject({
      line: 4,
      column: 20,
      message: "must be at least 0, got -5",
    });
    expect(problemAt(problems, "policy.timeout.execution")).toMatchObject({
      line: 4,
      column: 35,
      message: "expected a string or a number, got true",
    });
    const estimate = problemAt(problems, "agents.a.estimate");
    expect(estimate).toMatchObject({ line: 8, column: 15 });
    expect(estimate.message).toBe(
      'expected a duration such as "500ms", "30s", "10m", "2h", "1d" or a number of seconds; got "soon"',
    );
  });

  it("refuses time limits, gate SLAs and circuit cooldowns of 0: 0 is not 'no limit'", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "policy:", // 2
        '  timeout: { task: 0, phase: "0s", execution: 0.0001 }', // 3
        "  circuit_breaker: { cooldown: 0m }", // 4
        ...AGENT_A, // 5-7
        "phases:", // 8
        "  - id: p", // 9
        "    agents: [a]", // 10
        '    gate: { sla: "0.0h" }', // 11
        "    policy: { timeout: { task: 0ms } }", // 12
      ),
    );
    const limit = {
      message: expect.stringMatching(
        /^must be longer than 0: a time limit of 0 runs out at once, it does not mean "no limit"; got /,
      ),
      hint: 'to allow a long time, write a long duration such as "7d"; leave the key out for its default',
    };
    expect(problemAt(problems, "policy.timeout.task")).toMatchObject({ line: 3, column: 20, ...limit });
    expect(problemAt(problems, "policy.timeout.task").message).toMatch(/; got 0$/);
    expect(problemAt(problems, "policy.timeout.phase")).toMatchObject({ line: 3, column: 30, ...limit });
    // A number of seconds that rounds to 0 ms is 0 too.
    expect(problemAt(problems, "policy.timeout.execution")).toMatchObject({ line: 3, column: 47, ...limit });
    expect(problemAt(problems, "policy.circuit_breaker.cooldown")).toMatchObject({
      line: 4,
      message:
        'must be longer than 0: a cooldown of 0 would let an agent that keeps failing run again at once; got "0m"',
      hint: "to fail its tasks at once instead, set on_open: fail; to open the circuit later, raise failures",
    });
    expect(problemAt(problems, "phases[0].gate.sla")).toMatchObject({ line: 11, ...limit });
    expect(problemAt(problems, "phases[0].policy.timeout.task")).toMatchObject({ line: 12, ...limit });
    expect(problems).toHaveLength(6);
  });

  it("allows a retry delay and an estimate of 0, and limits just above 0", () => {
    const plan = loadOk(
      yaml(
        "version: 1",
        "policy:",
        "  retry: { initial_interval: 0, max_interval: 0s }",
        "  timeout: { task: 1ms, execution: 0.5 }",
        ...AGENT_A,
        "    estimate: 0",
        "phases:",
        "  - { id: p, agents: [a], gate: { sla: 0.5s } }",
      ),
    );
    expect(plan.policy.retry).toMatchObject({ initial_interval: 0, max_interval: 0 });
    expect(plan.policy.timeout).toEqual({ task: 1, execution: 500 });
    expect(plan.agents["a"]!.estimate).toBe(0);
    expect(plan.phases[0]!.gate!.sla).toBe(500);
  });

  it("puts a missing key at the position of the mapping that lacks it", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "agents:", // 2
        "  a:", // 3
        "    role: builder", // 4
        "phases:", // 5
        "  - id: p", // 6
        "    needs: []", // 7
        "  - agents: [a]", // 8
      ),
    );
    expect(problemAt(problems, "agents.a.run")).toMatchObject({
      line: 4,
      column: 5,
      message: 'missing required key "run"',
    });
    expect(problemAt(problems, "phases[0].agents")).toMatchObject({ line: 6, column: 5 });
    expect(problemAt(problems, "phases[1].id")).toMatchObject({
      line: 8,
      column: 5,
      message: 'missing required key "id"',
    });
    expect(loadProblems(yaml("name: x"))[0]).toMatchObject({ path: "version", line: 1, column: 1 });
  });

  it("rejects ids and matrix entries that are not id-safe", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "agents:", // 2
        "  bad id: { run: x }", // 3
        "  a: { run: x }", // 4
        "phases:", // 5
        "  - id: p/q", // 6
        "    agents: [a]", // 7
        "    matrix:", // 8
        '      module: [backend, "front end", backend]', // 9
        "      os/arch: [x]", // 10
      ),
    );
    const badId = problemAt(problems, 'agents["bad id"]');
    expect(badId).toMatchObject({ line: 3, column: 3 });
    expect(badId.message).toMatch(/^invalid key "bad id": ids use letters, digits/);
    expect(problemAt(problems, "phases[0].id")).toMatchObject({ line: 6, column: 9 });
    expect(problemAt(problems, "phases[0].matrix.module[1]")).toMatchObject({ line: 9, column: 25 });
    expect(problemAt(problems, "phases[0].matrix.module[1]").message).toMatch(/^matrix values use letters/);
    expect(problemAt(problems, "phases[0].matrix.module[2]")).toMatchObject({
      line: 9,
      column: 38,
      message: 'matrix value "backend" is listed twice',
    });
    expect(problemAt(problems, 'phases[0].matrix["os/arch"]')).toMatchObject({ line: 10, column: 7 });
  });

  it("rejects matrix values that would make invalid git branch names (task branches carry them)", () => {
    const problems = loadProblems(
      yaml(
        "version: 1",
        ...AGENT_A,
        "phases:",
        '  - { id: p, agents: [a], matrix: { v: ["1..2", "v3.", x.lock, "v1.2"] } }',
      ),
    );
    for (const i of [0, 1, 2])
      expect(problemAt(problems, `phases[0].matrix.v[${i}]`).message).toMatch(
        /cannot contain '\.\.' or end with/,
      );
    expect(problems.filter((p) => p.path === "phases[0].matrix.v[3]")).toEqual([]);
  });
});

describe("loadPlan: a valid plan", () => {
  it("applies defaults and parses durations", () => {
    const plan = loadOk(
      yaml("version: 1", ...AGENT_A, "    estimate: 90s", "phases:", "  - { id: p, agents: [a] }"),
    );
    expect(plan.policy.max_concurrency).toBe(4);
    expect(plan.policy.retry.initial_interval).toBe(1000);
    expect(plan.agents["a"]!.estimate).toBe(90_000);
    expect(plan.phases[0]).toMatchObject({ id: "p", needs: [], parallel: true });
  });

  it("formats problems as file:line:col: path: message (hint)", () => {
    const [problem] = loadProblems(yaml("version: 1", "phasez: []"));
    expect(formatProblem(problem!)).toBe(
      `${FILE}:2:1: phasez: unknown key "phasez" (hint: did you mean "phases"?)`,
    );
  });
});
