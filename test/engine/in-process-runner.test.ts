import { describe, expect, it } from "vitest";
import { executeGraph, executeParallel } from "../../src/engine/execute-graph.ts";
import type { TaskOutput } from "../../src/engine/in-process-runner.ts";
import { checkOutput } from "../../src/engine/task-output.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { node, simulate } from "./helpers.ts";

const once = { retry: { max_attempts: 1 } };

/** Runs one task that returns `out`; the result's task. */
async function returning(out: unknown) {
  const result = await executeParallel([{ id: "x", agent: "a", prompt: "" }], once, {
    clock: new VirtualClock(),
    run: async () => out as TaskOutput,
  });
  return result.tasks[0]!;
}

describe("in-process runner: task outputs", () => {
  it("fails an attempt whose cost is not an amount (kind output_invalid, the field named)", async () => {
    const cases: [unknown, string][] = [
      [{ usd: Number.NaN }, "cost.usd: Invalid input: expected number, received NaN"],
      [{ usd: -10 }, "cost.usd: Too small: expected number to be >=0"],
      [{ usd: "2" }, "cost.usd: Invalid input: expected number, received string"],
      [{ usd: Number.POSITIVE_INFINITY }, "cost.usd: Invalid input: expected number, received Infinity"],
      [{ tokens: 2e12 }, "cost.tokens: Too big: expected number to be <=1000000000000"],
      [{ dollars: 1 }, 'cost: Unrecognized key: "dollars"'],
    ];
    for (const [cost, message] of cases) {
      const task = await returning({ summary: "done", cost });
      expect(task.status).toBe("failed");
      expect(task.errors.map((e) => [e.kind, e.message])).toEqual([
        [
          "output_invalid",
          `invalid task output: ${message} (cost is { usd, tokens }, each a number from 0 (usd up to 1000000, tokens up to 1000000000000))`,
        ],
      ]);
      expect(task.cost).toEqual({ usd: 0, tokens: 0 });
    }
  });

  it("keeps the budget: a cost that is not a number no longer lets every task run", async () => {
    const tasks = Array.from({ length: 5 }, (_, i) => node(`t${i}`, i > 0 ? [`t${i - 1}`] : []));
    for (const bad of [{ usd: Number.NaN }, { usd: -10 }]) {
      const { result, trace } = await simulate(tasks, { budget: { usd: 1.5 }, ...once }, (id) => ({
        ms: 10,
        out: { cost: (id === "t0" ? bad : { usd: 1 }) as TaskOutput["cost"] },
      }));
      expect(trace.starts.map((s) => s.id)).toEqual(["t0"]);
      expect(result.status).toBe("failed");
      expect(result.tasks[0]!.errors[0]!.kind).toBe("output_invalid");
    }
  });

  it("resolves (does not reject) for a cost given as a string", async () => {
    const result = await executeGraph({ tasks: [node("a")] }, once, {
      clock: new VirtualClock(),
      run: async () => ({ cost: { usd: "2" } }) as unknown as TaskOutput,
    });
    expect(result.status).toBe("failed");
    expect(result.metrics.cost_estimate).toEqual({ usd: 0, tokens: 0 });
  });

  it("names a wrong artifact, summary, context or return value, and says what to return", async () => {
    const artifacts = "(artifacts is a list of { name, path, sha256?, bytes? })";
    const context = "(return the keys to merge into the shared context as a plain object)";
    const cases: [unknown, string][] = [
      [
        { artifacts: [{ name: "a", path: 3 }] },
        `artifacts[0].path: Invalid input: expected string, received number ${artifacts}`,
      ],
      [
        { artifacts: { name: "a", path: "p" } },
        `artifacts: Invalid input: expected array, received object ${artifacts}`,
      ],
      [{ summary: 42 }, "summary: expected a string, got the number 42"],
      [{ context: ["a"] }, `context: expected an object of keys to values, got a list ${context}`],
      [
        { context: new Map() },
        `context: expected an object of keys to values, got an object of class Map ${context}`,
      ],
    ];
    for (const [out, message] of cases) {
      const task = await returning(out);
      expect(task.status).toBe("failed");
      expect(task.errors.map((e) => [e.kind, e.message])).toEqual([
        ["output_invalid", `invalid task output: ${message}`],
      ]);
    }
    const text = await returning("done");
    expect(text.errors[0]!.message).toBe(
      "invalid task output: the task function returned a string (return an object { summary?, artifacts?, cost?, context? } or nothing)",
    );
  });

  it("fails the attempt when reading the output throws", async () => {
    const out = {
      get summary(): string {
        throw new Error("lazy summary broke");
      },
    };
    const task = await returning(out);
    expect(task.errors.map((e) => [e.kind, e.message])).toEqual([
      ["output_invalid", "invalid task output: reading it threw: lazy summary broke"],
    ]);
  });

  it("takes a valid output as it is, with missing amounts 0", () => {
    expect(checkOutput(undefined)).toEqual({ ok: true });
    expect(checkOutput(null)).toEqual({ ok: true });
    expect(
      checkOutput({
        summary: "s",
        cost: { usd: 0.5 },
        artifacts: [{ name: "report", path: "out/report.md", bytes: 10 }],
        context: { k: 1 },
      }),
    ).toEqual({
      ok: true,
      summary: "s",
      cost: { usd: 0.5, tokens: 0 },
      artifacts: [{ name: "report", path: "out/report.md", bytes: 10 }],
      context: { k: 1 },
    });
  });
});

describe("in-process runner: thrown values and cancelled attempts", () => {
  it("fails at once, with a stand-in message, for a thrown value that cannot become text", async () => {
    const values = [
      Object.create(null),
      {
        toString() {
          throw new Error("no text");
        },
      },
      Object.defineProperty({}, "kind", {
        get() {
          throw new Error("no kind");
        },
      }),
    ];
    for (const value of values) {
      const clock = new VirtualClock();
      const result = await executeParallel([{ id: "x", agent: "a", prompt: "" }], once, {
        clock,
        run: async () => {
          throw value;
        },
      });
      expect(result.tasks[0]!.errors.map((e) => [e.kind, e.message, e.at])).toEqual([
        ["error", expect.any(String), 0],
      ]);
      expect(clock.now()).toBe(0);
    }
    const bare = await executeParallel([{ id: "x", agent: "a", prompt: "" }], once, {
      clock: new VirtualClock(),
      run: async () => {
        throw Object.create(null);
      },
    });
    expect(bare.tasks[0]!.errors[0]!.message).toBe("the task threw a value that cannot be shown as text");
  });

  it("does not call run for an attempt cancelled in the turn that started it", async () => {
    const clock = new VirtualClock();
    const calls: string[] = [];
    // At 10 ms x succeeds (y is dispatched) and z fails: the cascade cancels y before it runs.
    const result = await executeGraph(
      {
        tasks: [
          node("x", [], { agent: "a" }),
          node("z", [], { agent: "b" }),
          node("y", ["x"], { agent: "c" }),
        ],
      },
      { ...once, cancellation: "cascading" },
      {
        clock,
        run: async (task, ctx) => {
          calls.push(`${task.id} aborted=${ctx.signal.aborted}`);
          await clock.sleep(10, ctx.signal);
          if (task.id === "z") throw new Error("z broke");
          return {};
        },
      },
    );
    expect(calls).toEqual(["x aborted=false", "z aborted=false"]);
    expect(result.tasks.map((t) => [t.id, t.status])).toEqual([
      ["x", "succeeded"],
      ["z", "failed"],
      ["y", "cancelled"],
    ]);
  });
});
