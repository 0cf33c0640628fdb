import { describe, expect, it } from "vitest";
import { buildGraph } from "../../../src/core/graph/build-graph.ts";
import type { TaskGraph } from "../../../src/core/graph/types.ts";
import { EMPTY_REPO, type Facts, factsOf } from "../../../src/core/plan/facts.ts";
import { type PlanInput, PlanSchema } from "../../../src/core/plan/schema.ts";
import { parseRequest } from "../../../src/core/request/parse-request.ts";

const FACTS: Facts = factsOf(parseRequest({ body: "Project: shop, Stack: Express" }, { now: 0 }), EMPTY_REPO);

function graphOf(input: Omit<PlanInput, "version">, facts: Facts = FACTS): TaskGraph {
  const result = buildGraph(PlanSchema.parse({ version: 1, ...input }), facts);
  if (!result.ok) expect.fail(JSON.stringify(result.problems, null, 2));
  return result.graph;
}

const needsOf = (graph: TaskGraph, id: string): string[] => graph.tasks.find((task) => task.id === id)!.needs;

const AGENTS = {
  a: { run: "x", estimate: "1m" },
  b: { run: "x", estimate: "2m" },
  c: { run: "x", estimate: "3m" },
};

describe("buildGraph: expansion", () => {
  it("expands agents × matrix combinations, agents outer, keys in order", () => {
    const graph = graphOf({
      agents: AGENTS,
      phases: [{ id: "dev", agents: ["a", "b"], matrix: { module: ["api", "web"], os: ["linux", "mac"] } }],
    });
    expect(graph.tasks.map((task) => task.id)).toEqual([
      "dev/a@api-linux",
      "dev/a@api-mac",
      "dev/a@web-linux",
      "dev/a@web-mac",
      "dev/b@api-linux",
      "dev/b@api-mac",
      "dev/b@web-linux",
      "dev/b@web-mac",
    ]);
    expect(graph.tasks[1]).toMatchObject({
      agent: "a",
      phase: "dev",
      matrix: { module: "api", os: "mac" },
      needs: [],
    });
    expect(graph.phases[0]!.tasks).toHaveLength(8);
    expect(graph.levels).toEqual([graph.tasks.map((task) => task.id)]);
  });

  it("takes the agent's estimate, else the phase's, else one minute, and passes params", () => {
    const graph = graphOf({
      agents: { a: { run: "x", estimate: "5m", params: { depth: 2 } }, b: { run: "x" } },
      phases: [
        { id: "p", agents: ["a", "b"], estimate: "10s" },
        { id: "q", agents: ["b"] },
      ],
    });
    expect(graph.tasks.map((task) => task.estimate_ms)).toEqual([300_000, 10_000, 60_000]);
    expect(graph.tasks[0]!.params).toEqual({ depth: 2 });
    expect(graph.tasks[1]!.params).toBeUndefined();
  });

  it("makes every task of a phase need every task of the phases it needs", () => {
    const graph = graphOf({
      agents: AGENTS,
      phases: [
        { id: "one", agents: ["a", "b"] },
        { id: "two", needs: ["one"], agents: ["c"], matrix: { m: ["x", "y"] } },
      ],
    });
    expect(needsOf(graph, "two/c@x")).toEqual(["one/a", "one/b"]);
    expect(needsOf(graph, "two/c@y")).toEqual(["one/a", "one/b"]);
    expect(graph.levels).toEqual([
      ["one/a", "one/b"],
      ["two/c@x", "two/c@y"],
    ]);
  });

  it("chains the tasks of a phase with parallel: false, in listed order", () => {
    const graph = graphOf({
      agents: AGENTS,
      phases: [
        { id: "first", agents: ["a"] },
        { id: "seq", needs: ["first"], parallel: false, agents: ["c", "b", "a"] },
      ],
    });
    expect(needsOf(graph, "seq/c")).toEqual(["first/a"]);
    expect(needsOf(graph, "seq/b")).toEqual(["first/a", "seq/c"]);
    expect(needsOf(graph, "seq/a")).toEqual(["first/a", "seq/b"]);
    expect(graph.levels).toEqual([["first/a"], ["seq/c"], ["seq/b"], ["seq/a"]]);
    expect(graph.phases[1]).toMatchObject({ parallel: false, level: 1 });
  });
});

describe("buildGraph: skipping", () => {
  const CHAIN = {
    agents: AGENTS,
    phases: [
      { id: "one", agents: ["a"] },
      { id: "two", needs: ["one"], agents: ["b"], when: "repo.has_code" },
      { id: "three", needs: ["two"], agents: ["c"], when: "request.needs_auth" },
      { id: "four", needs: ["three"], agents: ["a"] },
    ],
  };

  it("skips a phase whose condition is false, with the reason, and bridges its dependents", () => {
    const graph = graphOf(CHAIN);
    expect(graph.phases[1]).toMatchObject({ id: "two", skipped: "repo.has_code is false", tasks: [] });
    expect(graph.phases[2]).toMatchObject({ skipped: "request.needs_auth is false", tasks: [] });
    expect(graph.tasks.map((task) => task.id)).toEqual(["one/a", "four/a"]);
    expect(needsOf(graph, "four/a")).toEqual(["one/a"]);
    expect(graph.phases.map((phase) => phase.level)).toEqual([0, 1, 2, 3]);
  });

  it("runs the phases whose conditions hold", () => {
    const facts = { ...FACTS, "repo.has_code": true };
    const graph = graphOf(CHAIN, facts);
    expect(graph.phases[1]!.skipped).toBeUndefined();
    expect(needsOf(graph, "four/a")).toEqual(["two/b"]);
  });

  it("leaves out tasks whose agent's condition is false, and skips a phase left empty", () => {
    const graph = graphOf({
      agents: {
        ...AGENTS,
        db: { run: "x", when: "!request.uses_orm" },
        sec: { run: "x", when: "request.needs_auth" },
      },
      phases: [
        { id: "design", agents: ["a", "db", "sec"], matrix: { m: ["x"] } },
        { id: "audit", needs: ["design"], agents: ["sec"] },
        { id: "after", needs: ["audit"], agents: ["b"] },
      ],
    });
    expect(graph.phases[0]!.tasks).toEqual(["design/a@x", "design/db@x"]);
    expect(graph.phases[0]!.skipped_tasks).toEqual({ "design/sec@x": "request.needs_auth is false" });
    expect(graph.phases[1]).toMatchObject({
      skipped: "no agent runs: request.needs_auth is false",
      tasks: [],
    });
    expect(needsOf(graph, "after/b")).toEqual(["design/a@x", "design/db@x"]);
  });
});

describe("buildGraph: levels and critical path", () => {
  it("follows the longest chain by estimate; ties go to the task listed first", () => {
    const graph = graphOf({
      agents: AGENTS,
      phases: [
        { id: "p1", agents: ["b", "a"] },
        { id: "p2", needs: ["p1"], agents: ["c", "a"] },
        { id: "side", agents: ["a"] },
      ],
    });
    expect(graph.critical_path).toEqual({ tasks: ["p1/b", "p2/c"], duration_ms: 300_000 });
    const tie = graphOf({
      agents: AGENTS,
      phases: [
        { id: "x", agents: ["c"] },
        { id: "y", agents: ["c"] },
      ],
    });
    expect(tie.critical_path).toEqual({ tasks: ["x/c"], duration_ms: 180_000 });
    expect(graph.levels).toEqual([
      ["p1/b", "p1/a", "side/a"],
      ["p2/c", "p2/a"],
    ]);
  });

  it("gives phase levels even when a phase needs one listed later", () => {
    const graph = graphOf({
      agents: AGENTS,
      phases: [
        { id: "late", needs: ["early"], agents: ["a"] },
        { id: "early", agents: ["b"] },
      ],
    });
    expect(graph.phases.map((phase) => [phase.id, phase.level])).toEqual([
      ["late", 1],
      ["early", 0],
    ]);
    expect(graph.levels).toEqual([["early/b"], ["late/a"]]);
  });
});

describe("buildGraph: problems", () => {
  it("names a cycle among phases", () => {
    const plan = PlanSchema.parse({
      version: 1,
      agents: AGENTS,
      phases: [
        { id: "design", needs: ["development"], agents: ["a"] },
        { id: "development", needs: ["design"], agents: ["b"] },
      ],
    });
    const result = buildGraph(plan, FACTS);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((problem) => problem.message)).toEqual([
        "cycle among phases: design → development → design",
      ]);
    }
  });

  it("reports duplicate task ids from matrix values that join to the same id", () => {
    const plan = PlanSchema.parse({
      version: 1,
      agents: AGENTS,
      phases: [{ id: "p", agents: ["a"], matrix: { x: ["a-b", "a"], y: ["c", "b-c"] } }],
    });
    const result = buildGraph(plan, FACTS);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]!.message).toMatch(/^duplicate task id "p\/a@a-b-c"/);
    }
  });

  it("reports an agent named as a property every object has as unknown, without throwing", () => {
    for (const name of ["__proto__", "constructor", "toString"]) {
      const plan = PlanSchema.parse({ version: 1, agents: AGENTS, phases: [{ id: "p", agents: ["a"] }] });
      plan.phases[0]!.agents = [name];
      const result = buildGraph(plan, FACTS);
      expect(result).toEqual({
        ok: false,
        problems: [{ file: "", path: "phases[0].agents", message: `unknown agent "${name}"` }],
      });
    }
  });

  it("reports unknown agents, unknown phases and invalid conditions of a plan that was not loaded", () => {
    const plan = PlanSchema.parse({
      version: 1,
      agents: AGENTS,
      phases: [{ id: "p", needs: ["nope"], agents: ["zz"], when: "repo.has_cod" }],
    });
    const result = buildGraph(plan, FACTS);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((problem) => problem.path)).toEqual([
        "phases[0].needs[0]",
        "phases[0].agents",
        "phases[0].when",
      ]);
    }
  });
});
