import { describe, expect, it, vi } from "vitest";
import { defaultPolicy } from "../../src/core/plan/schema.ts";
import type { ExecutionEvent } from "../../src/core/state/index.ts";
import { Engine } from "../../src/engine/engine.ts";
import { executeParallel } from "../../src/engine/execute-graph.ts";
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import type { NewEvent } from "../../src/ports/engine-ports.ts";

/** One task, `a` of agent `w`, with the default policy. */
const START: NewEvent = {
  type: "execution_started",
  execution: "x",
  tasks: [{ id: "a", agent: "w", needs: [] }],
  phases: [],
  policy: defaultPolicy(),
  agent_limits: {},
  seed: 1,
  context: {},
  meta: {},
};

function engine(mode: "copy" | "in-place") {
  const stored: string[] = [];
  const started: string[] = [];
  const e = new Engine({
    clock: new VirtualClock(),
    random: seededRandom(3),
    mode,
    runner: { start: (task) => started.push(`${task.id}#${task.attempt}`), cancel: () => {} },
    store: { append: (event: ExecutionEvent) => stored.push(`${event.id}:${event.type}`) },
  });
  return { e, stored, started };
}

describe("Engine", () => {
  for (const mode of ["copy", "in-place"] as const) {
    it(`applies and stores an event id once (${mode})`, () => {
      const { e, stored, started } = engine(mode);
      e.send({ id: "start", ...START });
      e.send({ id: "s1", type: "task_started", task: "a", attempt: 1 });
      e.send({ id: "s1", type: "task_started", task: "a", attempt: 1 });
      e.send({ id: "start", type: "cancel_requested" });
      expect(stored).toEqual(["start:execution_started", "s1:task_started"]);
      expect(started).toEqual(["a#1"]);
      expect(e.state?.seq).toBe(2);
      expect(e.state?.tasks.a?.status).toBe("in_progress");
      e.send({ type: "task_succeeded", task: "a", attempt: 1, artifacts: [] });
      expect(e.state?.status).toBe("succeeded");
      expect(stored).toHaveLength(3);
    });
  }

  for (const mode of ["copy", "in-place"] as const) {
    it(`after a failed store write, takes no event and starts nothing more (${mode})`, async () => {
      const stored: string[] = [];
      const started: string[] = [];
      let full = false;
      const onIdle = vi.fn();
      const e = new Engine({
        clock: new VirtualClock(),
        random: seededRandom(3),
        mode,
        onIdle,
        runner: { start: (task) => started.push(`${task.id}#${task.attempt}`), cancel: () => {} },
        store: {
          append: (event: ExecutionEvent) => {
            if (full) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
            stored.push(`${event.id}:${event.type}`);
          },
        },
      });
      e.send({ id: "start", ...START });
      e.send({ id: "s1", type: "task_started", task: "a", attempt: 1 });
      const before = structuredClone(e.state!);
      onIdle.mockClear();
      full = true;
      e.send({ id: "f1", type: "task_failed", task: "a", attempt: 1, error: { kind: "exit", message: "1" } });
      await expect(e.done).rejects.toThrow("ENOSPC");
      expect(e.failed).toBe(true);
      expect(onIdle).not.toHaveBeenCalled();
      // The agent of a retry, or any later report, is not taken: nothing is stored, nothing starts.
      full = false;
      e.send({ id: "s2", type: "task_started", task: "a", attempt: 2 });
      e.send({ id: "c1", type: "cancel_requested" });
      expect(e.receive({ id: "c2", at: 1, type: "cancel_requested" })).toEqual({
        ok: false,
        error: "the engine stopped: ENOSPC: no space left on device",
      });
      expect(stored).toEqual(["start:execution_started", "s1:task_started"]);
      expect(started).toEqual(["a#1"]);
      // `copy` keeps the state the store holds; `in-place` changed its one object already.
      if (mode === "copy") expect(e.state).toEqual(before);
      expect(e.state!.applied).not.toHaveProperty("s2");
      expect(e.state!.applied).not.toHaveProperty("c1");
    });
  }

  it("given a final state (a host replayed a finished execution), is done at once", async () => {
    const { e } = engine("in-place");
    e.send({ id: "start", ...START });
    e.send({ type: "task_succeeded", task: "a", attempt: 1, artifacts: [] });
    const final = e.state!;
    const again = new Engine(
      { clock: new VirtualClock(), random: seededRandom(3), runner: { start: () => {}, cancel: () => {} } },
      final,
    );
    again.send({ type: "resume_requested", workers_lost: true });
    await expect(again.done).resolves.toMatchObject({ status: "succeeded" });
  });

  it("restarted on a saved state with the same random source, does not reuse the ids it stamped", () => {
    const runner = { start: () => {}, cancel: () => {} };
    const clock = new VirtualClock();
    const first = new Engine({ clock, random: seededRandom(7), runner });
    first.send(START);
    const saved = structuredClone(first.state!);
    // The engine owns (and changes) the state it is given.
    const again = new Engine({ clock, random: seededRandom(7), runner }, structuredClone(saved));
    again.send({ type: "cancel_requested", reason: "stop" });
    expect(again.state!.seq).toBe(saved.seq + 1);
    expect(again.state!.status).toBe("cancelled");
    expect(Object.keys(again.state!.applied)).toHaveLength(Object.keys(saved.applied).length + 1);
  });

  it("tells telemetry nothing of an event the state refused (a result for a task not running)", () => {
    const records: string[] = [];
    const e = new Engine({
      clock: new VirtualClock(),
      random: seededRandom(3),
      runner: { start: () => {}, cancel: () => {} },
      telemetry: (r) => records.push(`${r.name}:${r.task ?? ""}`),
    });
    e.send({ id: "start", ...START });
    e.send({ id: "late", type: "task_succeeded", task: "a", attempt: 7, artifacts: [] } as NewEvent);
    e.send({ id: "ok", type: "task_started", task: "a", attempt: 1 });
    expect(records).toEqual(["execution_started:", "task_dispatched:a", "task_started:a"]);
  });

  it("keeps going when the telemetry sink throws, and warns once", async () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const clock = new VirtualClock();
      const aborted: string[] = [];
      const finished: string[] = [];
      const result = await executeParallel(
        [
          { id: "x", agent: "a", prompt: "" },
          { id: "y", agent: "b", prompt: "" },
          { id: "z", agent: "b", prompt: "" },
        ],
        { max_concurrency: 2 },
        {
          clock,
          onEvent: (e) => {
            if (e.name === "task_succeeded") throw new Error("sink down");
          },
          run: async (task, ctx) => {
            ctx.signal.addEventListener("abort", () => aborted.push(task.id));
            await clock.sleep(task.id === "x" ? 10 : 1000, ctx.signal);
            finished.push(task.id);
            return {};
          },
        },
      );
      expect(result.status).toBe("succeeded");
      expect(finished).toEqual(["x", "y", "z"]);
      expect(aborted).toEqual([]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(
        "the telemetry sink threw (sink down); its records are dropped, the execution goes on",
        { code: "ORCHESTRATE_TELEMETRY_FAILED" },
      );
    } finally {
      warn.mockRestore();
    }
  });
});
