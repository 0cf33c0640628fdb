import { describe, expect, it } from "vitest";
import { formatProblem } from "../../../src/core/plan/problem.ts";
import { AGENT_A, FILE, loadOk, loadProblems, problemAt, yaml } from "./helpers.ts";

/** A plan with agent `a` and one phase `p`, plus the lines given for that phase. */
function phase(...lines: string[]): string {
  return yaml("version: 1", ...AGENT_A, "phases:", "  - id: p", "    agents: [a]", ...lines);
}

describe("loadPlan: text YAML reads as something else", () => {
  it("says an unquoted ! condition was read as a tag, and how to quote it", () => {
    const problems = loadProblems(phase("    when: !request.simple_crud")); // line 8
    expect(problems).toEqual([
      {
        file: FILE,
        line: 8,
        column: 11,
        path: "phases[0].when",
        message: "YAML read !request.simple_crud as a tag",
        hint: 'quote the condition: when: "!request.simple_crud"',
      },
    ]);
    expect(formatProblem(problems[0]!)).toBe(
      `${FILE}:8:11: phases[0].when: YAML read !request.simple_crud as a tag` +
        ' (hint: quote the condition: when: "!request.simple_crud")',
    );
  });

  it("quotes the whole condition written after the tag, which YAML had cut short", () => {
    // YAML reads `&&` as an anchor here: the value it keeps is only "repo.has_code".
    const problems = loadProblems(phase("    when: !request.simple_crud && repo.has_code"));
    expect(problemAt(problems, "phases[0].when").hint).toBe(
      'quote the condition: when: "!request.simple_crud && repo.has_code"',
    );
    expect(problems).toHaveLength(1);
  });

  it("reports a tag on an agent's condition and on any other value, with the rest of the plan's problems", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "name: !important plan", // 2
        "agents:", // 3
        "  a:", // 4
        "    run: ./a.sh", // 5
        "    when: !request.uses_orm", // 6
        "    params: !custom { x: 1 }", // 7
        "phases:", // 8
        "  - { id: p, agents: [b] }", // 9
      ),
    );
    expect(problems.map((problem) => [problem.line, problem.path, problem.message, problem.hint])).toEqual([
      [2, "name", "YAML read !important as a tag", 'quote the value: name: "!important plan"'],
      [
        6,
        "agents.a.when",
        "YAML read !request.uses_orm as a tag",
        'quote the condition: when: "!request.uses_orm"',
      ],
      [7, "agents.a.params", "YAML read !custom as a tag", "remove the tag: a plan gives tags no meaning"],
      [9, "phases[0].agents[0]", 'unknown agent "b"', 'did you mean "a"?'],
    ]);
  });

  it("reports a standard tag YAML cannot apply", () => {
    const problems = loadProblems(phase("    name: !!int abc"));
    const problem = problemAt(problems, "phases[0].name");
    expect(problem).toMatchObject({ line: 8, column: 11 });
    expect(problem.message).toMatch(/^YAML: Unresolved tag: tag:yaml.org,2002:int/);
    expect(problem.hint).toBe("remove the tag: a plan gives tags no meaning");
  });

  it("reports a tag on a key where it is, without taking the path of a value tagged later", () => {
    const problems = loadProblems(
      yaml("version: 1", "!x name: n", ...AGENT_A, "phases:", "  - id: p", "    agents: [a]", "    when: !y"),
    );
    expect(problems.map((problem) => [problem.line, problem.path, problem.message])).toEqual([
      [2, "", "YAML read !x as a tag"],
      [9, "phases[0].when", "YAML read !y as a tag"],
    ]);
  });

  it("reports a tag in a template in the template's file", () => {
    const template = yaml(
      "version: 1",
      ...AGENT_A,
      "phases:",
      "  - { id: p, agents: [a], when: !repo.has_code }",
    );
    const problems = loadProblems(yaml("version: 1", "extends: t"), { t: template });
    expect(problems).toEqual([
      expect.objectContaining({ file: "templates/t.yml", line: 6, column: 33, path: "phases[0].when" }),
    ]);
  });

  it("suggests quoting an unquoted true, false or number where text is expected, as written", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "name: 1.10", // 2
        ...AGENT_A, // 3-5
        "    when: false", // 6
        "phases:", // 7
        "  - id: p", // 8
        "    agents: [a]", // 9
        "    when: true", // 10
        "    matrix: { v: [1, x] }", // 11
      ),
    );
    expect(problemAt(problems, "phases[0].when")).toMatchObject({
      line: 10,
      message: "expected a string, got true",
      hint: 'YAML reads an unquoted true as a boolean; quote it: when: "true"',
    });
    expect(problemAt(problems, "agents.a.when").hint).toBe(
      'YAML reads an unquoted false as a boolean; quote it: when: "false"',
    );
    expect(problemAt(problems, "name").hint).toBe(
      'YAML reads an unquoted 1.10 as a number; quote it: name: "1.10"',
    );
    expect(problemAt(problems, "phases[0].matrix.v[0]").hint).toBe(
      'YAML reads an unquoted 1 as a number; quote it: "1"',
    );
  });

  it("loads quoted conditions, and a plan after a warning that changes nothing", () => {
    const plan = loadOk(
      yaml(
        "%ORCHESTRATE 1", // an unknown directive: YAML warns and ignores it
        "---",
        "version: 1",
        ...AGENT_A,
        "phases:",
        "  - id: p",
        '    when: "!request.simple_crud"',
        "    agents: [a]",
      ),
    );
    expect(plan.phases[0]).toMatchObject({ when: "!request.simple_crud", agents: ["a"] });
  });
});

describe("loadPlan: a key named __proto__", () => {
  it("is a problem wherever it is, at its line, with a hint to rename it", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "agents:", // 2
        "  __proto__: { run: ./deploy.sh }", // 3
        "  a:", // 4
        "    run: ./a.sh", // 5
        "    outputs: { __proto__: { path: x.md } }", // 6
        "    params: { __proto__: 1 }", // 7
        "phases:", // 8
        "  - { id: p, agents: [__proto__, a], matrix: { __proto__: [x] } }", // 9
      ),
    );
    const hint = 'JavaScript takes "__proto__" for an object\'s prototype, not for a name: rename it';
    const message = 'a key may not be named "__proto__"';
    expect(problems).toEqual([
      { file: FILE, line: 3, column: 3, path: "agents.__proto__", message, hint },
      { file: FILE, line: 6, column: 16, path: "agents.a.outputs.__proto__", message, hint },
      { file: FILE, line: 7, column: 15, path: "agents.a.params.__proto__", message, hint },
      { file: FILE, line: 9, column: 48, path: "phases[0].matrix.__proto__", message, hint },
    ]);
  });

  it("as a value, is a name like any other", () => {
    loadOk(
      yaml(
        "version: 1",
        "agents:",
        "  a: { run: __proto__, params: { x: __proto__ } }",
        "phases:",
        "  - { id: p, agents: [a] }",
      ),
    );
  });
});
