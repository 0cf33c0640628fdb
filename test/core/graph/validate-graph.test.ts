import { describe, expect, it } from "vitest";
import { findCycles } from "../../../src/core/graph/find-cycles.ts";
import type { TaskNode } from "../../../src/core/graph/types.ts";
import {
  DEFAULT_ESTIMATE_MS,
  graphProblems,
  PROBLEM_LIMIT,
  validateGraph,
} from "../../../src/core/graph/validate-graph.ts";

const node = (id: string, needs: string[] = [], estimate_ms?: number): TaskNode =>
  estimate_ms === undefined ? { id, agent: "a", needs } : { id, agent: "a", needs, estimate_ms };

describe("validateGraph", () => {
  it("computes levels and the critical path of a graph without phases", () => {
    const result = validateGraph([
      node("fetch", [], 1000),
      node("lint", [], 500),
      node("build", ["fetch"], 4000),
      node("test", ["build", "lint"], 2000),
      node("docs", ["fetch"]),
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.graph.phases).toEqual([]);
    expect(result.graph.levels).toEqual([["fetch", "lint"], ["build", "docs"], ["test"]]);
    expect(result.graph.critical_path).toEqual({
      tasks: ["fetch", "docs"],
      duration_ms: 1000 + DEFAULT_ESTIMATE_MS,
    });
  });

  it("returns an empty graph for no tasks", () => {
    expect(validateGraph([])).toEqual({
      ok: true,
      graph: { tasks: [], phases: [], levels: [], critical_path: { tasks: [], duration_ms: 0 } },
    });
  });

  it("reports duplicate ids and unknown needs", () => {
    const result = validateGraph([node("a"), node("b", ["a", "c"]), node("a")]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => [problem.path, problem.message])).toEqual([
      ["tasks[2]", 'duplicate task id "a" (also tasks[0])'],
      ["tasks[1].needs[1]", 'needs unknown task "c"'],
    ]);
  });

  it("graphProblems reports what validateGraph reports, and nothing for a valid graph", () => {
    const cases: TaskNode[][] = [
      [node("a"), node("b", ["a"]), node("c", ["a", "b"])],
      [node("a"), node("a"), node("b", ["zz"])],
      [node("a", ["c"]), node("b", ["a"]), node("c", ["b"]), node("d", ["d"])],
      [],
    ];
    for (const tasks of cases) {
      const full = validateGraph(tasks);
      expect(graphProblems(tasks)).toEqual(full.ok ? [] : full.problems);
    }
  });

  it("names each cycle in order", () => {
    const result = validateGraph([
      node("a", ["c"]),
      node("b", ["a"]),
      node("c", ["b"]),
      node("d", ["d"]),
      node("e"),
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.message)).toEqual([
      "dependency cycle: a → c → b → a",
      "dependency cycle: d → d",
    ]);
    expect(result.problems[0]!.path).toBe("tasks[0]");
  });

  it("handles 10,000 tasks and names a cycle among them", () => {
    const count = 10_000;
    const tasks: TaskNode[] = [];
    for (let i = 0; i < count; i++) {
      const needs = i === 0 ? [] : [`t${i - 1}`];
      if (i >= 100) needs.push(`t${i - 100}`);
      tasks.push(node(`t${i}`, needs, 10));
    }
    const started = performance.now();
    const result = validateGraph(tasks);
    // A guard against quadratic work (minutes at this size), not a speed goal: those are benchmarks.
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.graph.levels).toHaveLength(count);
    expect(result.graph.critical_path.tasks).toHaveLength(count);
    expect(result.graph.critical_path.duration_ms).toBe(count * 10);

    tasks[0] = node("t0", ["t9999"]);
    const cyclic = validateGraph(tasks);
    expect(cyclic.ok).toBe(false);
    if (cyclic.ok) return;
    expect(cyclic.problems.length).toBeGreaterThanOrEqual(1);
    expect(cyclic.problems[0]!.message).toMatch(/^dependency cycle of \d+ tasks: t0 → t9999 → .* → t0$/);
  });

  it("handles a wide fan-in of 10,000 tasks", () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => node(`w${i}`, [], i === 42 ? 5 : 1));
    tasks.push(
      node(
        "join",
        tasks.map((task) => task.id),
        1,
      ),
    );
    const result = validateGraph(tasks);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.graph.levels.map((level) => level.length)).toEqual([10_000, 1]);
    expect(result.graph.critical_path).toEqual({ tasks: ["w42", "join"], duration_ms: 6 });
  });
});

describe("validateGraph: task shapes and long reports", () => {
  const problemsOf = (tasks: unknown[]) => graphProblems(tasks as TaskNode[]).map((p) => [p.path, p.message]);

  it("names each field of the wrong shape instead of throwing", () => {
    expect(problemsOf([{ id: "a", agent: "x" }])).toEqual([
      ["tasks[0].needs", "expected a list of task ids, got nothing"],
    ]);
    expect(
      problemsOf([
        { agent: "x", needs: [] },
        { id: "", agent: 3, needs: "b" },
      ]),
    ).toEqual([
      ["tasks[0].id", "expected a non-empty string, got nothing"],
      ["tasks[1].id", "expected a non-empty string, got an empty string"],
      ["tasks[1].agent", "expected a non-empty string, got the number 3"],
      ["tasks[1].needs", 'expected a list of task ids, got the string "b"'],
    ]);
    expect(problemsOf([{ id: "a", needs: [] }])).toEqual([
      ["tasks[0].agent", "expected a non-empty string, got nothing"],
    ]);
    expect(problemsOf([null, "a"])).toEqual([
      ["tasks[0]", "expected a task object, got null"],
      ["tasks[1]", 'expected a task object, got the string "a"'],
    ]);
    expect(
      problemsOf([
        { id: "a", agent: "x", needs: [1], estimate_ms: -1000, prompt: 2, params: [], matrix: { m: 1 } },
      ]),
    ).toEqual([
      ["tasks[0].needs[0]", "expected a task id (a string), got the number 1"],
      ["tasks[0].estimate_ms", "expected a duration in ms (a finite number ≥ 0), got the number -1000"],
      ["tasks[0].prompt", "expected a string, got the number 2"],
      ["tasks[0].params", "expected an object, got a list"],
      ["tasks[0].matrix", "expected an object of matrix keys to string values"],
    ]);
  });

  it("refuses __proto__ as a task id, an agent or a phase (state records could not hold it)", () => {
    expect(problemsOf([{ id: "__proto__", agent: "x", needs: [] }])).toEqual([
      ["tasks[0].id", '"__proto__" cannot be a task id'],
    ]);
    expect(problemsOf([{ id: "a", agent: "__proto__", phase: "__proto__", needs: [] }])).toEqual([
      ["tasks[0].agent", '"__proto__" cannot be an agent name'],
      ["tasks[0].phase", '"__proto__" cannot be a phase id'],
    ]);
    // Other inherited names are stored as own keys and work.
    expect(problemsOf([node("constructor"), node("toString", ["constructor"])])).toEqual([]);
  });

  it("lists at most PROBLEM_LIMIT problems and counts the others", () => {
    const problems = graphProblems(Array.from({ length: 3000 }, (_, i) => node(`u${i}`, [`nope${i}`])));
    expect(problems).toHaveLength(PROBLEM_LIMIT + 1);
    expect(problems[0]!.message).toBe('needs unknown task "nope0"');
    expect(problems.at(-1)!.message).toBe(`${3000 - PROBLEM_LIMIT} more problem(s) not listed`);
  });

  it("shows a long cycle by its ends and a count, and cuts long ids", () => {
    const count = 20_000;
    const tasks = Array.from({ length: count }, (_, i) => node(`c${i}`, [`c${(i + 1) % count}`]));
    const problems = graphProblems(tasks);
    expect(problems.map((p) => p.message)).toEqual([
      `dependency cycle of ${count} tasks: c0 → c1 → c2 → c3 → c4 → c5 → … (${count - 8} more) → c19998 → c19999 → c0`,
    ]);
    const long = "x".repeat(10_000);
    const [dup] = graphProblems([node(long), node(long)]);
    expect(dup!.message).toBe(`duplicate task id "${"x".repeat(79)}…" (also tasks[0])`);
  });
});

describe("findCycles", () => {
  it("returns each cycle once, rotated to its smallest index", () => {
    expect(findCycles([[1], [2], [0]])).toEqual([[0, 1, 2]]);
    expect(findCycles([[1], [0, 2], [1]])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(findCycles([[1], [2], []])).toEqual([]);
    expect(findCycles([[0]])).toEqual([[0]]);
  });

  it("stops at the limit", () => {
    const edges = Array.from({ length: 100 }, (_, i) => [i]);
    expect(findCycles(edges, 5)).toHaveLength(5);
  });
});
