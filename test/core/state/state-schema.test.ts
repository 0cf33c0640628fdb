import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { defaultPolicy, Gate } from "../../../src/core/plan/schema.ts";
import { nextRandom } from "../../../src/core/policy/random.ts";
import {
  type EventInput,
  EventSchema,
  type ExecutionState,
  IN_FLIGHT,
  reduce,
} from "../../../src/core/state/index.ts";
import { ExecutionStateSchema } from "../../../src/core/state/state-schema.ts";

type Inferred = z.infer<typeof ExecutionStateSchema>;

// Compile-time drift check: a field added to, removed from or retyped in ExecutionState (or the
// schema) without the other fails `tsc`. Each direction is also checked on its own.
type Assignable<A, B> = [A] extends [B] ? true : false;
const acceptsEveryState: Assignable<ExecutionState, Inferred> = true;
const promisesNoMore: Assignable<Inferred, ExecutionState> = true;

/** Walks an execution with random (often unfitting) events; returns every state it went through. */
function walk(seed: number, steps: number): ExecutionState[] {
  let rng = seed;
  const rand = () => {
    const r = nextRandom(rng);
    rng = r.state;
    return r.value;
  };
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const tasks = [
    { id: "p0/a", agent: "w", phase: "p0", needs: [] },
    { id: "p0/b", agent: "v", phase: "p0", needs: [] },
    {
      id: "p1/c",
      agent: "w",
      phase: "p1",
      needs: ["p0/a"],
      matrix: { m: "x" },
      prompt: "go",
      params: { k: 1 },
    },
    { id: "p1/d", agent: "w", phase: "p1", needs: ["p1/c"] },
  ];
  let state: ExecutionState | undefined;
  let at = 1_000;
  let n = 0;
  const seen: ExecutionState[] = [];
  const send = (body: Record<string, unknown>) => {
    at += Math.floor(rand() * 5_000);
    const event = EventSchema.parse({ id: `e${++n}`, at, ...body } as EventInput);
    state = reduce(state, event).state;
    seen.push(state);
  };
  send({
    type: "execution_started",
    execution: "x",
    tasks,
    phases: [
      {
        id: "p0",
        name: "P0",
        needs: [],
        tasks: ["p0/a", "p0/b"],
        parallel: true,
        gate: Gate.parse({ sla: "1h", max_revisions: 1 }),
      },
      {
        id: "p1",
        name: "P1",
        needs: ["p0"],
        tasks: ["p1/c", "p1/d"],
        parallel: false,
        max_concurrency: 1,
        timeout_ms: 90_000,
      },
    ],
    policy: {
      ...defaultPolicy(),
      budget: { usd: 3 },
      circuit_breaker: { ...defaultPolicy().circuit_breaker, failures: 2 },
    },
    agent_limits: { v: 1 },
    seed,
  });
  for (let step = 0; step < steps; step++) {
    const s = state!;
    const ids = Object.keys(s.tasks);
    const task = pick(ids)!;
    const attempt = s.tasks[task]!.attempt;
    const inFlight = ids.filter((id) => IN_FLIGHT.has(s.tasks[id]!.status));
    const running = pick(inFlight) ?? task;
    const menu: Record<string, unknown>[] = [
      { type: "task_started", task: running, attempt: s.tasks[running]!.attempt },
      {
        type: "task_succeeded",
        task: running,
        attempt: s.tasks[running]!.attempt,
        cost: { usd: 0.5, tokens: 9 },
      },
      {
        type: "task_failed",
        task: running,
        attempt: s.tasks[running]!.attempt,
        error: { kind: "error", message: "no" },
      },
      { type: "heartbeat", task: running, attempt: s.tasks[running]!.attempt },
      { type: "timer_fired", timer: pick(Object.keys(s.timers)) ?? "none" },
      { type: "gate_approved", phase: "p0", by: pick(["ann", "bob"]) },
      { type: "gate_rejected", phase: "p0", by: "ann", reason: "redo" },
      { type: "retry_requested", by: "ann" },
      { type: "skip_requested", task, reason: "no need" },
      { type: "merge_conflicted", tasks: [task], files: ["f.ts"] },
      {
        type: "task_succeeded",
        task: running,
        attempt: s.tasks[running]!.attempt,
        conflict: { tasks: [task], files: ["f.ts"] },
      },
      { type: "context_set", key: "k", value: { step } },
      { type: "cost_reported", task, usd: 0.2, tokens: 3 },
      { type: "task_timed_out", task, attempt },
      { type: "resume_requested" },
      { type: "cancel_requested", reason: "enough" },
    ];
    const weights = [6, 6, 3, 1, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, step > steps * 0.8 ? 1 : 0];
    let roll = rand() * weights.reduce((a, b) => a + b, 0);
    let index = 0;
    while (roll >= weights[index]!) roll -= weights[index++]!;
    send(menu[index]!);
  }
  return seen;
}

describe("ExecutionStateSchema", () => {
  it("has the type of ExecutionState", () => {
    expectTypeOf<Inferred>().toEqualTypeOf<ExecutionState>();
    expect([acceptsEveryState, promisesNoMore]).toEqual([true, true]);
  });

  it("accepts every state the reducer produces, as stored in JSON", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 80 }), (seed, steps) => {
        for (const state of walk(seed, steps)) {
          const stored = JSON.parse(JSON.stringify(state));
          const result = ExecutionStateSchema.safeParse(stored);
          if (!result.success) throw new Error(JSON.stringify(result.error.issues));
        }
      }),
      { numRuns: 100 },
    );
  });

  it("covers gates, retries, circuits, conflicts and costs in those walks", () => {
    const states = Array.from({ length: 40 }, (_, seed) => walk(seed, 80)).flat();
    expect(states.some((s) => Object.values(s.phase_state).some((p) => p.gate?.rejections.length))).toBe(
      true,
    );
    expect(states.some((s) => Object.values(s.timers).some((t) => t.kind === "retry"))).toBe(true);
    expect(states.some((s) => Object.keys(s.circuits).length > 0)).toBe(true);
    expect(states.some((s) => s.conflicts.length > 0)).toBe(true);
    expect(states.some((s) => s.cost.usd > 0)).toBe(true);
  });

  it("rejects a state of the wrong shape, naming where", () => {
    const [state] = walk(1, 0);
    const bad = { ...state, tasks: { "p0/a": { ...state!.tasks["p0/a"], status: "lost" } } };
    const result = ExecutionStateSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["tasks", "p0/a", "status"]);
    for (const broken of [
      { ...state, status: "paused" },
      { ...state, seq: "3" },
      { ...state, ready: {} },
      { ...state, policy: { ...state!.policy, retry: undefined } },
      { ...state, applied: { e1: false } },
      { ...state, id: "" },
    ]) {
      expect(ExecutionStateSchema.safeParse(broken).success).toBe(false);
    }
  });

  it("accepts keys it does not know", () => {
    const [state] = walk(2, 0);
    expect(ExecutionStateSchema.safeParse({ ...state, later: 1 }).success).toBe(true);
  });
});
