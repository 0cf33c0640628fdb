import { describe, expect, it } from "vitest";
import { BUILTIN_TEMPLATES } from "../../../src/core/plan/builtin-templates.ts";
import { parseYaml } from "../../../src/core/plan/yaml-origins.ts";
import { FILE, loadOk, loadProblems, problemAt, yaml } from "./helpers.ts";

const BASE = yaml(
  "version: 1", // 1
  "name: Base", // 2
  "policy:", // 3
  "  max_concurrency: 2", // 4
  "  retry: { max_attempts: 5, jitter: false }", // 5
  "agents:", // 6
  "  planner: { role: planner, run: ./plan.sh, estimate: 5m, params: { depth: 2 } }", // 7
  "  builder: { role: developer, run: ./build.sh, estimate: 1h }", // 8
  "phases:", // 9
  "  - { id: plan, agents: [planner] }", // 10
  "  - { id: build, needs: [plan], agents: [builder], gate: {} }", // 11
);

describe("extends: built-in templates", () => {
  it.each(Object.keys(BUILTIN_TEMPLATES))("`version: 1` + `extends: %s` alone is a valid plan", (name) => {
    const plan = loadOk(yaml("version: 1", `extends: ${name}`));
    expect(plan.extends).toBe(name);
    expect(plan.phases.length).toBeGreaterThanOrEqual(4);
    for (const [id, agent] of Object.entries(plan.agents)) {
      expect(agent.role, id).toBeTruthy();
      expect(agent.estimate, id).toBeGreaterThan(0);
      expect(agent.run, id).toContain(`set agents.${id}.run in .github/orchestrate.yml`);
      expect(agent.run.trim().endsWith("exit 78"), id).toBe(true);
    }
  });

  it.each(Object.entries(BUILTIN_TEMPLATES))(
    "template %s is complete, schema-linked and extends nothing",
    (_, text) => {
      expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/orchestrate.schema.json");
      const { data, problems } = parseYaml(text, "template");
      expect(problems).toEqual([]);
      expect(data).toMatchObject({ version: 1 });
      expect(data).not.toHaveProperty("extends");
    },
  );

  it("full-delivery has the seven phases in order, with the documented skip rules", () => {
    const plan = loadOk(yaml("version: 1", "extends: full-delivery"));
    expect(plan.phases.map((phase) => phase.id)).toEqual([
      "analysis",
      "discovery",
      "specification",
      "design",
      "development",
      "testing",
      "delivery",
    ]);
    const byId = Object.fromEntries(plan.phases.map((phase) => [phase.id, phase]));
    expect(byId["analysis"]!.when).toBe("repo.has_code");
    expect(byId["design"]).toMatchObject({ when: "!request.simple_crud", parallel: false });
    expect(byId["design"]!.gate).toBeDefined();
    expect(byId["specification"]!.gate).toBeDefined();
    expect(byId["development"]!.matrix).toEqual({ module: ["backend", "frontend"] });
    expect(plan.agents["database"]!.when).toBe("!request.uses_orm");
    expect(plan.agents["security-auditor"]!.when).toBe("request.needs_auth");
    expect(plan.agents["qa"]!.params).toEqual({ coverage_min: 80 });
    expect(plan.agents["qa"]!.run).toMatch(/coverage/);
  });

  it("reports an unknown template with the available ones", () => {
    const problems = loadProblems(yaml("version: 1", "extends: full-delivry"));
    expect(problems).toEqual([
      {
        file: FILE,
        line: 2,
        column: 10,
        path: "extends",
        message: 'unknown template "full-delivry"',
        hint: 'did you mean "full-delivery"? (available templates: full-delivery, pipeline, tiers)',
      },
    ]);
    expect(problemAt(loadProblems(yaml("version: 1", "extends: kanban")), "extends").hint).toBe(
      "available templates: full-delivery, pipeline, tiers",
    );
  });
});

describe("extends: merge rules", () => {
  it("replaces only the fields an agent override names", () => {
    const plan = loadOk(
      yaml("version: 1", "extends: full-delivery", "agents:", "  architect: { run: ./my.sh }"),
    );
    expect(plan.agents["architect"]).toMatchObject({
      run: "./my.sh",
      role: "architect",
      estimate: 20 * 60_000,
    });
    expect(plan.agents["architect"]!.outputs["architecture"]).toBeDefined();
  });

  it("deep-merges policy, merges agents by id and phases by id, appending new phases", () => {
    const plan = loadOk(
      yaml(
        "version: 1",
        "extends: base",
        "name: Mine",
        "policy:",
        "  retry: { backoff: fixed }",
        "agents:",
        "  planner: { params: { depth: 3 } }",
        "  reviewer: { run: ./review.sh }",
        "phases:",
        "  - { id: build, gate: { min_approvals: 2 } }",
        "  - { id: review, needs: [build], agents: [reviewer] }",
      ),
      { base: BASE },
    );
    expect(plan.name).toBe("Mine");
    expect(plan.policy.max_concurrency).toBe(2);
    expect(plan.policy.retry).toMatchObject({ max_attempts: 5, jitter: false, backoff: "fixed" });
    expect(plan.agents["planner"]).toMatchObject({ role: "planner", run: "./plan.sh", params: { depth: 3 } });
    expect(Object.keys(plan.agents)).toEqual(["planner", "builder", "reviewer"]);
    expect(plan.phases.map((phase) => phase.id)).toEqual(["plan", "build", "review"]);
    expect(plan.phases[1]).toMatchObject({
      needs: ["plan"],
      agents: ["builder"],
      gate: { min_approvals: 2 },
    });
  });

  it("takes version from the plan itself", () => {
    expect(problemAt(loadProblems(yaml("extends: pipeline")), "version")).toMatchObject({
      file: FILE,
      message: 'missing required key "version"',
    });
  });

  it("points problems at the file that wrote the value", () => {
    const broken = BASE.replace("estimate: 1h", "estimate: later");
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "extends: base", // 2
        "phases:", // 3
        "  - id: build", // 4
        "    needs: [plna]", // 5
      ),
      { base: broken },
    );
    expect(problemAt(problems, "agents.builder.estimate")).toMatchObject({
      file: "templates/base.yml",
      line: 8,
    });
    expect(problemAt(problems, "phases[0].needs[0]")).toMatchObject({
      file: FILE,
      line: 5,
      column: 13,
      hint: 'did you mean "plan"?',
    });
    expect(problems[0]!.file).toBe(FILE);
  });

  it("puts a missing key of a new phase at the user's phase", () => {
    const problems = loadProblems(yaml("version: 1", "extends: base", "phases:", "  - id: extra"), {
      base: BASE,
    });
    expect(problemAt(problems, "phases[0].agents")).toMatchObject({ file: FILE, line: 4, column: 5 });
  });

  it("rejects a template that extends another, and reports a template's syntax errors in the template", () => {
    const nested = loadProblems(yaml("version: 1", "extends: t"), { t: yaml("version: 1", "extends: base") });
    expect(nested).toEqual([
      {
        file: "templates/t.yml",
        line: 2,
        column: 10,
        path: "extends",
        message: "a template may not extend another",
      },
    ]);
    const syntax = loadProblems(yaml("version: 1", "extends: t"), { t: yaml("version: 1", "phases: [") });
    expect(syntax[0]!.file).toBe("templates/t.yml");
    expect(syntax[0]!.message).toMatch(/^YAML syntax: /);
  });
});

describe("extends: problems name the place in the file that wrote the value", () => {
  it("gives a phase the user wrote its index in the user's file, and a template's its index there", () => {
    const broken = BASE.replace("agents: [builder], gate: {}", "agents: [builder], gate: {}, estimate: soon");
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "extends: base", // 2
        "phases:", // 3
        "  - id: build", // 4: merged into the template's second phase
        "    gate: { min_approvals: 0 }", // 5
        "  - id: review", // 6: appended after the template's phases
        "    agents: [zz]", // 7
      ),
      { base: broken },
    );
    expect(problemAt(problems, "phases[0].gate.min_approvals")).toMatchObject({ file: FILE, line: 5 });
    expect(problemAt(problems, "phases[1].agents[0]")).toMatchObject({
      file: FILE,
      line: 7,
      column: 14,
      message: 'unknown agent "zz"',
    });
    // The template's own value keeps the template's index, although the user's file overrides that phase.
    expect(problemAt(problems, "phases[1].estimate")).toMatchObject({ file: "templates/base.yml", line: 11 });
    expect(problems.map((problem) => problem.path)).not.toContain("phases[2].agents[0]");
    expect(problems).toHaveLength(3);
  });

  it("names the first of two phases with one id at its place in the user's file", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "extends: base", // 2
        "phases:", // 3
        "  - { id: build, name: Build }", // 4
        "  - { id: build, agents: [builder] }", // 5
      ),
      { base: BASE },
    );
    expect(problemAt(problems, "phases[1].id")).toMatchObject({
      file: FILE,
      line: 5,
      message: 'duplicate phase id "build" (first at phases[0])',
    });
  });

  it("points a missing key of a phase the user adds at that phase, under its own index", () => {
    const problems = loadProblems(
      yaml("version: 1", "extends: base", "phases:", "  - { id: build, name: B }", "  - id: extra"),
      { base: BASE },
    );
    expect(problemAt(problems, "phases[1].agents")).toMatchObject({
      file: FILE,
      line: 5,
      column: 5,
      message: 'missing required key "agents"',
    });
  });
});

describe("extends: a template that cannot be read", () => {
  it("still checks the file itself and reports every problem at once", () => {
    const problems = loadProblems(
      yaml(
        "version: 2", // 1
        "extends: full", // 2
        "agents:", // 3
        "  mine: { run: ./mine.sh, estimat: 5m }", // 4
        "phases:", // 5
        "  - id: extra", // 6
        "    agents: [mine, zz]", // 7
        '    when: "request.needs_auth &&"', // 8
      ),
    );
    expect(problems.map((problem) => [problem.line, problem.path, problem.message])).toEqual([
      [1, "version", "must be 1, got 2"],
      [2, "extends", 'unknown template "full"'],
      [4, "agents.mine.estimat", 'unknown key "estimat"'],
      [7, "phases[0].agents[1]", 'unknown agent "zz"'],
      [8, "phases[0].when", expect.stringMatching(/^invalid condition: /)],
    ]);
    expect(problemAt(problems, "extends").hint).toBe("available templates: full-delivery, pipeline, tiers");
  });

  it("lets the file leave to the template what some template defines, and nothing else", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        "extends: ful-delivery", // 2
        "agents:", // 3
        "  architect: { estimate: 5m }", // 4: full-delivery defines it
        "  mine: { estimate: 5m }", // 5: no template does
        "phases:", // 6
        "  - { id: design, when: 'false' }", // 7: a template phase, overridden
        "  - { id: extra, needs: [testing] }", // 8: a new phase without agents
        "  - { id: more, needs: [nowhere], agents: [architect, mine] }", // 9
        "delivery: { revise_phase: testng }", // 10
      ),
    );
    expect(problems.map((problem) => [problem.line, problem.path, problem.message])).toEqual([
      [2, "extends", 'unknown template "ful-delivery"'],
      [5, "agents.mine.run", 'missing required key "run"'],
      [8, "phases[1].agents", 'missing required key "agents"'],
      [9, "phases[2].needs[0]", 'unknown phase "nowhere"'],
      [10, "delivery.revise_phase", 'unknown phase "testng"'],
    ]);
    expect(problemAt(problems, "extends").hint).toMatch(/^did you mean "full-delivery"\?/);
    expect(problemAt(problems, "agents.mine.run").hint).toBe(
      'no template defines an agent "mine" to take it from',
    );
    expect(problemAt(problems, "delivery.revise_phase").hint).toBe('did you mean "testing"?');
  });

  it("finds cycles, duplicates and self-needs among the file's own phases", () => {
    const problems = loadProblems(
      yaml(
        "version: 1",
        "extends: nope",
        "phases:",
        "  - { id: plan, needs: [build] }",
        "  - { id: build, needs: [plan] }",
        "  - { id: review, needs: [review] }",
        "  - { id: plan }",
      ),
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      'unknown template "nope"',
      "cycle among phases: plan → build → plan",
      'phase "review" needs itself',
      'duplicate phase id "plan" (first at phases[0])',
    ]);
  });

  it("checks the file when extends is not a string, or the template is broken", () => {
    const numeric = loadProblems(yaml("version: 1", "extends: 5", "agents:", "  architect: { estimate: x }"));
    expect(numeric.map((problem) => [problem.path, problem.message])).toEqual([
      ["extends", "expected a string, got 5"],
      ["agents.architect.estimate", expect.stringMatching(/^expected a duration/)],
    ]);
    const nested = loadProblems(yaml("version: 3", "extends: t"), { t: yaml("version: 1", "extends: base") });
    expect(nested.map((problem) => [problem.file, problem.path])).toEqual([
      [FILE, "version"],
      ["templates/t.yml", "extends"],
    ]);
  });
});
