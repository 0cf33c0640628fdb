import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TimerQueue } from "../../src/engine/timer-queue.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";

/** Lets the virtual clock run every timer (each tick waits for an idle event loop). */
async function drain(clock: VirtualClock): Promise<void> {
  for (let i = 0; i < 10_000 && clock.pending > 0; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
}

function setup(start = 0) {
  const clock = new VirtualClock(start);
  const fired: { id: string; at: number }[] = [];
  let calls = 0;
  const counting = {
    now: () => clock.now(),
    setTimeout: (fn: () => void, ms: number) => {
      calls++;
      return clock.setTimeout(fn, ms);
    },
    clearTimeout: (h: unknown) => clock.clearTimeout(h),
  };
  const queue = new TimerQueue(counting, (id) => fired.push({ id, at: clock.now() }));
  return { clock, queue, fired, calls: () => calls };
}

describe("TimerQueue", () => {
  it("fires each deadline at its time, earliest first, ties in the order set", async () => {
    const { clock, queue, fired } = setup(100);
    queue.set("c", 300);
    queue.set("a", 150);
    queue.set("b", 300);
    queue.set("d", 50);
    await drain(clock);
    expect(fired).toEqual([
      { id: "d", at: 100 },
      { id: "a", at: 150 },
      { id: "c", at: 300 },
      { id: "b", at: 300 },
    ]);
    expect(queue.size).toBe(0);
    expect(queue.armed).toBe(false);
  });

  it("keeps one clock timer, re-armed only when an earlier deadline comes", async () => {
    const { clock, queue, fired, calls } = setup();
    queue.set("exec", 1_000_000);
    for (let i = 0; i < 100; i++) queue.set(`t${i}`, 5_000 + i);
    expect(calls()).toBe(2);
    expect(clock.pending).toBe(1);
    for (let i = 0; i < 100; i++) queue.clear(`t${i}`);
    expect(queue.size).toBe(1);
    await drain(clock);
    expect(fired).toEqual([{ id: "exec", at: 1_000_000 }]);
  });

  it("does not fire a cleared or replaced deadline, and fires the replacement", async () => {
    const { clock, queue, fired } = setup();
    queue.set("a", 10);
    queue.set("b", 20);
    queue.set("c", 30);
    queue.clear("a");
    queue.set("b", 40);
    queue.clear("nope");
    await drain(clock);
    expect(fired).toEqual([
      { id: "c", at: 30 },
      { id: "b", at: 40 },
    ]);
  });

  it("disarms the clock when nothing is left", () => {
    const { clock, queue } = setup();
    queue.set("a", 10);
    queue.set("b", 20);
    queue.clear("a");
    expect(clock.pending).toBe(1);
    queue.clear("b");
    expect(clock.pending).toBe(0);
    queue.set("c", 5);
    queue.clearAll();
    expect(clock.pending).toBe(0);
    expect(queue.size).toBe(0);
  });

  it("lets a firing clear a deadline due in the same turn, and defers one set while firing", async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const queue: TimerQueue = new TimerQueue(clock, (id) => {
      fired.push(`${id}@${clock.now()}`);
      if (id === "a") queue.clear("b");
      if (id === "c") queue.set("late", clock.now());
    });
    queue.set("a", 10);
    queue.set("b", 10);
    queue.set("c", 10);
    queue.set("d", 10);
    await drain(clock);
    expect(fired).toEqual(["a@10", "c@10", "d@10", "late@10"]);
  });

  it("keeps the deadlines a throwing callback did not reach, and sets the clock timer again", () => {
    let now = 0;
    let armed: (() => void) | undefined;
    const clock = {
      now: () => now,
      setTimeout: (fn: () => void) => {
        armed = fn;
        return 1;
      },
      clearTimeout: () => {
        armed = undefined;
      },
    };
    const fired: string[] = [];
    const queue = new TimerQueue(clock, (id) => {
      fired.push(id);
      if (id === "a") throw new Error("boom");
    });
    queue.set("a", 10);
    queue.set("b", 10);
    now = 10;
    const fire = armed!;
    armed = undefined;
    expect(fire).toThrow("boom");
    expect(armed).toBeDefined();
    armed!();
    expect(fired).toEqual(["a", "b"]);
  });

  it("re-arms when the clock fires before the deadline (a capped or early timer)", async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    // A clock whose timers fire after at most 100 ms, as a real one caps long delays.
    const capped = {
      now: () => clock.now(),
      setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, Math.min(ms, 100)),
      clearTimeout: (h: unknown) => clock.clearTimeout(h),
    };
    const queue = new TimerQueue(capped, (id) => fired.push(`${id}@${clock.now()}`));
    queue.set("far", 350);
    await drain(clock);
    expect(fired).toEqual(["far@350"]);
  });

  it("fires what one clock timer per deadline fires, in the same order (property)", async () => {
    type Op =
      | { kind: "set"; id: number; at: number }
      | { kind: "clear"; id: number }
      | { kind: "advance"; ms: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), id: fc.integer({ min: 0, max: 9 }), at: fc.nat(50) }),
      fc.record({ kind: fc.constant("clear" as const), id: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ kind: fc.constant("advance" as const), ms: fc.nat(30) }),
    );
    /** Runs the operations against named deadlines kept by `make`; returns what fired, when. */
    async function runOps(
      ops: Op[],
      make: (
        clock: VirtualClock,
        fire: (id: string) => void,
      ) => { set(id: string, at: number): void; clear(id: string): void },
    ): Promise<string[]> {
      const clock = new VirtualClock();
      const fired: string[] = [];
      const timers = make(clock, (id) => fired.push(`${id}@${clock.now()}`));
      for (const o of ops) {
        if (o.kind === "set") timers.set(`t${o.id}`, clock.now() + o.at);
        else if (o.kind === "clear") timers.clear(`t${o.id}`);
        else await clock.sleep(o.ms);
      }
      await drain(clock);
      return fired;
    }
    const oneTimerEach = (clock: VirtualClock, fire: (id: string) => void) => {
      const handles = new Map<string, unknown>();
      const clear = (id: string) => {
        const old = handles.get(id);
        if (old !== undefined) clock.clearTimeout(old);
        handles.delete(id);
      };
      return {
        clear,
        set(id: string, at: number) {
          clear(id);
          const handle = clock.setTimeout(() => {
            handles.delete(id);
            fire(id);
          }, at - clock.now());
          handles.set(id, handle);
        },
      };
    };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 200 }), async (ops) => {
        const got = await runOps(ops, (clock, fire) => new TimerQueue(clock, fire));
        const want = await runOps(ops, oneTimerEach);
        expect(got).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });
});
