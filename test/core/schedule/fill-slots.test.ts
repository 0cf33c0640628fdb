import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import { nextRandom } from "../../../src/core/policy/random.ts";
import { fillSlots, SCAN_LIMIT } from "../../../src/core/schedule/fill-slots.ts";
import {
  type Ctx,
  promoteDependents,
  setTask,
  slotKeys,
  startPhaseTimer,
} from "../../../src/core/state/context.ts";
import { startEventOf } from "../../../src/core/state/from-plan.ts";
import {
  applyInPlace,
  type Effect,
  type EffectOf,
  type EventInput,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
} from "../../../src/core/state/index.ts";
import { fail } from "../../../src/core/state/task-results.ts";

/**
 * Dispatch as a plain walk of the ready queue from its head, every task looked at in turn: the
 * order `fillSlots` must keep. Returns how many tasks it held back before it stopped.
 */
function walkFill(ctx: Ctx): number {
  const { s } = ctx;
  if (s.status === "cancelled" || s.status === "failed" || s.status === "succeeded" || s.halt) return 0;
  let free = s.policy.max_concurrency - (s.inflight["*"] ?? 0);
  if (free <= 0 || s.ready.length === 0) return 0;
  let i = 0;
  const batch: EffectOf<"dispatch">["tasks"] = [];
  const failFast: string[] = [];
  for (; i < s.ready.length && free > 0; ) {
    const id = s.ready[i]!;
    const spec = s.specs[id]!;
    const circuit = s.circuits[spec.agent];
    const keys = slotKeys(s, id);
    const agentBusy = s.inflight[keys[keys.length - 1]!] ?? 0;
    const phaseLimit = spec.phase ? s.phases.find((p) => p.id === spec.phase)?.max_concurrency : undefined;
    const agentLimit = s.agent_limits[spec.agent];
    let held = false;
    if (circuit?.state === "open") {
      if (s.policy.circuit_breaker.on_open === "fail") failFast.push(id);
      held = true;
    } else if (circuit?.state === "half_open" && agentBusy > 0) held = true;
    else if (phaseLimit !== undefined && (s.inflight[keys[1]!] ?? 0) >= phaseLimit) held = true;
    else if (agentLimit !== undefined && agentBusy >= agentLimit) held = true;
    if (held) {
      i++;
      continue;
    }
    const t = setTask(ctx, id, "queued");
    const attempt = t.attempt + 1;
    t.attempt = attempt;
    t.queued_at = ctx.at;
    t.started_at = undefined;
    t.finished_at = undefined;
    if (t.ref !== undefined) t.ref = undefined;
    const round = spec.phase ? s.phase_state[spec.phase] : undefined;
    if (spec.phase && (!round?.started_at || round.finished_at !== undefined)) {
      const before = s.phase_state[spec.phase];
      s.phase_state[spec.phase] = {
        ...before,
        started_at: before?.started_at ?? ctx.at,
        finished_at: undefined,
      };
      startPhaseTimer(ctx, spec.phase);
    }
    const task: EffectOf<"dispatch">["tasks"][number] = spec.phase
      ? { id, agent: spec.agent, phase: spec.phase, attempt }
      : { id, agent: spec.agent, attempt };
    if (t.feedback) task.feedback = t.feedback;
    batch.push(task);
    free--;
  }
  for (const id of failFast) {
    setTask(ctx, id, "queued", { attempt: s.tasks[id]!.attempt + 1 });
    fail(ctx, id, { kind: "circuit_open", message: `the circuit of agent ${s.specs[id]!.agent} is open` });
  }
  if (batch.length > 0) ctx.effects.push({ type: "dispatch", tasks: batch });
  return i;
}

const AGENTS = ["a", "b", "c", "d"] as const;
const CIRCUITS = ["closed", "open", "half_open"] as const;

const scenario = fc.record({
  n: fc.integer({ min: 80, max: 200 }),
  seed: fc.integer(),
  phased: fc.boolean(),
  fairness: fc.constantFrom("round_robin" as const, "shortest_first" as const),
  onOpen: fc.constantFrom("wait" as const, "fail" as const),
  maxConcurrency: fc.integer({ min: 1, max: 12 }),
  agentLimits: fc.array(fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), {
    minLength: 4,
    maxLength: 4,
  }),
  phaseLimits: fc.array(fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), {
    minLength: 2,
    maxLength: 2,
  }),
  rounds: fc.integer({ min: 1, max: 15 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Two equal states, ready tasks queued and none dispatched, with the scenario's limits. */
function statesOf(sc: Scenario): { mine: ExecutionState; walked: ExecutionState; rand: () => number } {
  let rng = sc.seed;
  const rand = () => {
    const r = nextRandom(rng);
    rng = r.state;
    return r.value;
  };
  const phases = sc.phased ? ["p0", "p1"] : [];
  const tasks = Array.from({ length: sc.n }, (_, i) => {
    const needs = i > 10 && rand() < 0.3 ? [`t${Math.floor(rand() * i)}`] : [];
    return {
      id: `t${i}`,
      agent: AGENTS[Math.floor(rand() * (rand() < 0.6 ? 1 : AGENTS.length))]!,
      ...(sc.phased ? { phase: phases[Math.floor(rand() * 2)]! } : {}),
      needs,
      estimate_ms: [1000, 2000, 5000][Math.floor(rand() * 3)]!,
    };
  });
  const start = startEventOf(
    {
      tasks,
      phases: phases.map((id, i) => ({
        id,
        name: id,
        needs: [],
        tasks: tasks.filter((t) => t.phase === id).map((t) => t.id),
        parallel: true,
        level: 0,
        ...(sc.phaseLimits[i] !== undefined ? { max_concurrency: sc.phaseLimits[i] } : {}),
      })) as never,
    },
    {
      ...defaultPolicy(),
      // Nothing is dispatched by the start itself: the test fills the slots.
      max_concurrency: 0,
      fairness: sc.fairness,
      circuit_breaker: { ...defaultPolicy().circuit_breaker, on_open: sc.onOpen },
    },
    { execution: "x", seed: 1 },
  );
  const agentLimits: Record<string, number> = {};
  for (const [i, agent] of AGENTS.entries())
    if (sc.agentLimits[i] !== undefined) agentLimits[agent] = sc.agentLimits[i];
  const event = EventSchema.parse({ id: "start", at: 0, ...start, agent_limits: agentLimits } as EventInput);
  const mine = reduce(undefined, event as ExecutionEvent).state;
  mine.policy = { ...mine.policy, max_concurrency: sc.maxConcurrency };
  return { mine, walked: structuredClone(mine), rand };
}

/** Every status, counter and queue of `s` as plain data (the index `fillSlots` keeps is not part of it). */
const plain = (s: ExecutionState) => JSON.parse(JSON.stringify(s)) as ExecutionState;

describe("fillSlots", () => {
  it("dispatches and fails at once exactly what a walk of the queue from its head does, round after round", () => {
    let grouped = 0;
    fc.assert(
      fc.property(scenario, (sc) => {
        const { mine, walked, rand } = statesOf(sc);
        for (let round = 0; round < sc.rounds; round++) {
          // The same changes to both states: tasks end (dependents become ready), ready ones are
          // skipped (leave the queue from its middle), circuits change.
          const mineCtx: Ctx = { s: mine, at: round * 1000, effects: [] };
          const walkedCtx: Ctx = { s: walked, at: round * 1000, effects: [] };
          const inFlight = Object.keys(mine.tasks).filter((id) => mine.tasks[id]!.status === "queued");
          const ending = inFlight.filter(() => rand() < 0.5);
          const skipping = mine.ready.filter(() => rand() < 0.03);
          const circuits = AGENTS.map((agent) => [agent, CIRCUITS[Math.floor(rand() * 4) % 3]!] as const);
          for (const ctx of [mineCtx, walkedCtx]) {
            for (const id of ending) {
              setTask(ctx, id, "succeeded");
              promoteDependents(ctx, id);
            }
            for (const id of skipping) setTask(ctx, id, "skipped", { skip_cause: "person" });
            for (const [agent, state] of circuits)
              if (state !== "closed" || ctx.s.circuits[agent])
                ctx.s.circuits[agent] = { state, consecutive_failures: 0 };
          }
          fillSlots(mineCtx);
          if (walkFill(walkedCtx) > SCAN_LIMIT) grouped += 1;
          expect(mineCtx.effects).toEqual(walkedCtx.effects);
          expect(plain(mine)).toEqual(plain(walked));
        }
      }),
      { numRuns: 60 },
    );
    // The dispatch that goes group by group was taken, not only the walk from the head.
    expect(grouped).toBeGreaterThan(20);
  });

  it("looks at a bounded number of tasks per event when most ready tasks wait for their agent's slot", () => {
    // One agent with one slot holds back all its ready tasks but one; each event used to look at
    // every one of them again.
    const checks = (n: number) => {
      const tasks = Array.from({ length: n }, (_, i) => ({
        id: `t${i}`,
        agent: i === 0 ? "b" : "a",
        needs: [],
      }));
      const start = startEventOf(
        { tasks, phases: [] },
        { ...defaultPolicy(), max_concurrency: 4 },
        { execution: "x", seed: 1 },
      );
      let looked = 0;
      let seq = 0;
      const send = (body: Record<string, unknown>): Effect[] => {
        const event = EventSchema.parse({
          id: `e${++seq}`,
          at: seq,
          ...body,
        } as EventInput) as ExecutionEvent;
        const out = applyInPlace(state, event);
        state = out.state;
        return out.effects;
      };
      let state: ExecutionState | undefined;
      const first = send({ ...start, agent_limits: { a: 1 } });
      // Every check of a task for a free slot reads its agent's limit once.
      state!.agent_limits = new Proxy(state!.agent_limits, {
        get(target, key, receiver) {
          looked += 1;
          return Reflect.get(target, key, receiver);
        },
      });
      const running = first.flatMap((e) => (e.type === "dispatch" ? e.tasks : []));
      let events = 0;
      while (running.length > 0) {
        const { id, attempt } = running.shift()!;
        send({ type: "task_started", task: id, attempt });
        const done = send({ type: "task_succeeded", task: id, attempt });
        events += 2;
        running.push(...done.flatMap((e) => (e.type === "dispatch" ? e.tasks : [])));
      }
      expect(state!.status).toBe("succeeded");
      return looked / events;
    };
    const small = checks(500);
    const large = checks(4000);
    expect(small).toBeLessThanOrEqual(SCAN_LIMIT + 4);
    expect(large).toBeLessThanOrEqual(SCAN_LIMIT + 4);
  });
});
