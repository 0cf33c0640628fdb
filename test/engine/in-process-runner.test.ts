import { describe, expect, it } from "vitest";
import { executeGraph, executeParallel } from "../../src/engine/execute-graph.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { node } from "./helpers.ts";

const once = { retry: { max_attempts: 1 } };

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
