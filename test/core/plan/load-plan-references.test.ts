import { describe, expect, it } from "vitest";
import { loadPlan } from "../../../src/core/plan/load-plan.ts";
import { AGENT_A, loadOk, loadProblems, problemAt, yaml } from "./helpers.ts";

const AGENTS = ["agents:", "  architect: { run: x }", "  developer: { run: x }"]; // lines 2-4 after version

describe("loadPlan: references between phases and agents", () => {
  it("reports duplicate phase ids, unknown agents and needs, and a phase needing itself", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        ...AGENTS, // 2-4
        "phases:", // 5
        "  - id: design", // 6
        "    agents: [architec, architect, architect]", // 7
        "  - id: design", // 8
        "    agents: [developer]", // 9
        "  - id: build", // 10
        "    needs: [desgn, build, zzz]", // 11
        "    agents: [developer]", // 12
      ),
    );
    expect(problemAt(problems, "phases[1].id")).toMatchObject({
      line: 8,
      column: 9,
      message: 'duplicate phase id "design" (first at phases[0])',
    });
    expect(problemAt(problems, "phases[0].agents[0]")).toMatchObject({
      line: 7,
      column: 14,
      message: 'unknown agent "architec"',
      hint: 'did you mean "architect"?',
    });
    expect(problemAt(problems, "phases[0].agents[2]")).toMatchObject({
      line: 7,
      column: 35,
      message: 'agent "architect" is listed twice in this phase',
    });
    expect(problemAt(problems, "phases[2].needs[0]")).toMatchObject({
      line: 11,
      column: 13,
      message: 'unknown phase "desgn"',
      hint: 'did you mean "design"?',
    });
    expect(problemAt(problems, "phases[2].needs[1]")).toMatchObject({
      line: 11,
      column: 20,
      message: 'phase "build" needs itself',
    });
    expect(problemAt(problems, "phases[2].needs[2]")).toMatchObject({
      line: 11,
      column: 27,
      hint: "phases: design, build",
    });
    expect(problems).toHaveLength(6);
  });

  it("lists the defined agents when nothing is close", () => {
    const problems = loadProblems(yaml("version: 1", ...AGENTS, "phases:", "  - { id: p, agents: [qa] }"));
    expect(problemAt(problems, "phases[0].agents[0]").hint).toBe("agents: architect, developer");
  });

  it("names each cycle once, in order, at the need that closes it", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        ...AGENT_A, // 2-4
        "phases:", // 5
        "  - { id: design, needs: [development], agents: [a] }", // 6
        "  - { id: development, needs: [design], agents: [a] }", // 7
        "  - { id: x, needs: [z], agents: [a] }", // 8
        "  - { id: y, needs: [x], agents: [a] }", // 9
        "  - { id: z, needs: [y], agents: [a] }", // 10
        "  - { id: ok, needs: [design, x], agents: [a] }", // 11
      ),
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      "cycle among phases: design → development → design",
      "cycle among phases: x → z → y → x",
    ]);
    expect(problems[0]).toMatchObject({ path: "phases[0].needs[0]", line: 6, column: 27 });
    expect(problems[1]).toMatchObject({ path: "phases[2].needs[0]", line: 8, column: 22 });
    expect(problems[0]!.hint).toMatch(/remove one of these needs/);
  });
});

describe("loadPlan: matrix task ids", () => {
  it("reports combinations whose values join into one task id, at the matrix, as graph and run would refuse them", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        ...AGENT_A, // 2-4
        "phases:", // 5
        "  - id: p", // 6
        "    agents: [a]", // 7
        "    matrix:", // 8
        "      m: [x-y, x]", // 9
        "      n: [z, y-z]", // 10
      ),
    );
    expect(problems).toHaveLength(1);
    expect(problemAt(problems, "phases[0].matrix")).toMatchObject({
      line: 8,
      column: 5,
      message: 'matrix combinations { m: x-y, n: z } and { m: x, n: y-z } make the same task id "p/a@x-y-z"',
      hint: 'task ids join matrix values with "-", so a "-" inside a value can make two combinations one id; use "_" or "." inside values instead',
    });
  });

  it("accepts values with '-' that give distinct ids, and leaves a value listed twice to its own problem", () => {
    loadOk(
      yaml(
        "version: 1",
        ...AGENT_A,
        "phases:",
        "  - { id: p, agents: [a], matrix: { m: [x-y, x], n: [z, w] } }",
      ),
    );
    const problems = loadProblems(
      yaml("version: 1", ...AGENT_A, "phases:", "  - { id: p, agents: [a], matrix: { m: [x-y, x-y] } }"),
    );
    expect(problems.map((p) => p.message)).toEqual(['matrix value "x-y" is listed twice']);
  });
});

describe("loadPlan: output paths", () => {
  const withOutput = (path: string): string =>
    yaml("version: 1", ...AGENT_A, "    outputs:", `      report: { path: ${JSON.stringify(path)} }`);

  it.each([
    ["../secrets.txt", "leaves the artifacts folder"],
    ["docs/../../x.md", "leaves the artifacts folder"],
    ["docs\\..\\..\\x.md", "leaves the artifacts folder"],
    ["/etc/passwd", "is absolute"],
    ["\\\\server\\share", "is absolute"],
    ["C:\\Windows\\x", "names a drive"],
    ["c:/x", "names a drive"],
    ["./", "names the artifacts folder itself"],
  ])("rejects %s", (path, message) => {
    const problem = problemAt(loadProblems(withOutput(path)), "agents.a.outputs.report.path");
    expect(problem.message).toContain(message);
    expect(problem).toMatchObject({ line: 6, column: 23 });
  });

  it("normalizes empty and '.' segments", () => {
    const plan = loadOk(withOutput("./reports//final/./report.md"));
    expect(plan.agents["a"]!.outputs["report"]!.path).toBe("reports/final/report.md");
  });
});

describe("loadPlan: when conditions", () => {
  it("points into a plain scalar at the offending identifier", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        ...AGENT_A, // 2-4
        "    when: repo.has_code && request.neds_auth", // 5
        "phases:", // 6
        "  - id: p", // 7
        "    agents: [a]", // 8
        '    when: "!request.simple_crudd"', // 9
        "  - id: q", // 10
        "    agents: [a]", // 11
        "    when: repo.has_code &&", // 12
      ),
    );
    const agent = problemAt(problems, "agents.a.when");
    expect(agent).toMatchObject({ line: 5, column: 28 });
    expect(agent.message).toBe(
      'invalid condition: unknown identifier "request.neds_auth" (did you mean "request.needs_auth"?)',
    );
    expect(problemAt(problems, "phases[0].when")).toMatchObject({ line: 9, column: 13 });
    const incomplete = problemAt(problems, "phases[1].when");
    expect(incomplete).toMatchObject({ line: 12, column: 27 });
    expect(incomplete.message).toMatch(/^invalid condition: /);
  });

  it("points at the value of a block scalar", () => {
    const problems = loadProblems(
      yaml("version: 1", ...AGENT_A, "phases:", "  - id: p", "    agents: [a]", "    when: >-", "      nope"),
    );
    expect(problemAt(problems, "phases[0].when")).toMatchObject({ line: 8, column: 11 });
  });
});

describe("loadPlan: every problem at once", () => {
  it("reports schema, reference, cycle, path and condition problems together, in file order", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "policy: { max_concurrency: 0 }", // 2
        "agents:", // 3
        "  a:", // 4
        "    run: x", // 5
        "    outputs: { o: { path: /abs } }", // 6
        "phases:", // 7
        "  - id: p", // 8
        "    needs: [q]", // 9
        "    agents: [b]", // 10
        "    when: repo.nope", // 11
        "  - id: q", // 12
        "    needs: [p]", // 13
        "    agents: [a]", // 14
        "    parallel: maybe", // 15
      ),
    );
    expect(problems.map((problem) => [problem.line, problem.path])).toEqual([
      [2, "policy.max_concurrency"],
      [6, "agents.a.outputs.o.path"],
      [9, "phases[0].needs[0]"],
      [10, "phases[0].agents[0]"],
      [11, "phases[0].when"],
      [15, "phases[1].parallel"],
    ]);
    expect(problems[2]!.message).toBe("cycle among phases: p → q → p");
  });
});

describe("delivery settings", () => {
  it("checks that revise_phase names a phase", () => {
    const result = loadPlan(
      "version: 1\nagents: { a: { run: x } }\nphases: [{ id: testing, agents: [a] }]\ndelivery: { revise_phase: testng, environments: [staging] }\n",
      { file: "p.yml" },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 4,
        path: "delivery.revise_phase",
        message: 'unknown phase "testng"',
        hint: 'did you mean "testing"?',
      }),
    ]);
  });
});
