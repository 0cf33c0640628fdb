import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import { nextRandom } from "../../../src/core/policy/random.ts";
import { compareReady } from "../../../src/core/schedule/ready-queue.ts";
import {
  type Effect,
  type ExecutionEvent,
  type ExecutionState,
  IN_FLIGHT,
  reduce,
  replay,
} from "../../../src/core/state/index.ts";

interface Scenario {
  tasks: { id: string; agent: string; needs: string[]; estimate_ms: number; phase: string }[];
  gated: boolean[];
  maxConcurrency: number;
  maxAttempts: number;
  cancellation: "isolated" | "cascading";
  seed: number;
  steps: number;
  /** A budget in US dollars (each result may cost $1), or none. */
  budget: number | undefined;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    n: fc.integer({ min: 1, max: 8 }),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 16 }),
    agents: fc.array(fc.constantFrom("a", "b", "c"), { minLength: 8, maxLength: 8 }),
    estimates: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 8, maxLength: 8 }),
    maxConcurrency: fc.integer({ min: 1, max: 3 }),
    maxAttempts: fc.integer({ min: 1, max: 3 }),
    cancellation: fc.constantFrom("isolated" as const, "cascading" as const),
    seed: fc.integer(),
    steps: fc.integer({ min: 5, max: 120 }),
    gated: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    budget: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  })
  .map(({ n, edges, agents, estimates, ...rest }) => {
    // Phases follow task order, so every dependency points to the same or an earlier phase.
    const tasks = Array.from({ length: n }, (_, i) => ({
      id: `t${i}`,
      agent: agents[i]!,
      needs: [] as string[],
      estimate_ms: estimates[i]!,
      phase: `p${Math.floor((i * 3) / n)}`,
    }));
    for (const [x, y] of edges) {
      const a = x % n;
      const b = y % n;
      // Edges only from lower to higher index: acyclic by construction.
      if (a < b && !tasks[b]!.needs.includes(`t${a}`)) tasks[b]!.needs.push(`t${a}`);
    }
    return { tasks, ...rest };
  });

/** A host that delivers results late, out of order, twice, or for stale attempts. */
function run(sc: Scenario, chaos = true) {
  let rng = sc.seed;
  const rand = () => {
    const r = nextRandom(rng);
    rng = r.state;
    return r.value;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const policy = {
    ...defaultPolicy(),
    max_concurrency: sc.maxConcurrency,
    cancellation: sc.cancellation,
    retry: { ...defaultPolicy().retry, max_attempts: sc.maxAttempts },
    ...(sc.budget !== undefined ? { budget: { usd: sc.budget } } : {}),
  };
  let at = 0;
  let n = 0;
  const log: ExecutionEvent[] = [];
  const effects: Effect[][] = [];
  const pool: ExecutionEvent[] = [];
  let state: ExecutionState | undefined;
  const violations: string[] = [];
  let cancelled = false;
  // Accepted retries: each may run a task's attempts again.
  let retries = 0;
  // Ids of refused commands on record: a decision under one of them later is a no-op.
  const refusedIds: string[] = [];

  const apply = (event: ExecutionEvent) => {
    const before = state ? structuredClone(state) : undefined;
    const out = reduce(state, event);
    if (before && state && JSON.stringify(before) !== JSON.stringify(state))
      violations.push("reduce changed its input");
    if (event.type === "command_refused" && before && !out.duplicate) {
      // On record, and nothing else: no effect, the state as it was but for the id and the count.
      const expected = { ...before, applied: { ...before.applied, [event.id]: true }, seq: before.seq + 1 };
      if (out.effects.length > 0 || JSON.stringify(out.state) !== JSON.stringify(expected))
        violations.push(`command_refused ${event.id} changed the execution`);
    }
    if (event.type !== "command_refused" && refusedIds.includes(event.id) && !out.duplicate)
      violations.push(`${event.type} ${event.id} took effect after its refusal was recorded`);
    log.push(event);
    effects.push(out.effects);
    state = out.state;
    const accepted = out.effects.every((e) => e.type !== "rejected");
    if (event.type === "retry_requested" && accepted) retries += 1;
    for (const e of out.effects) {
      if (e.type !== "dispatch") continue;
      if (cancelled) violations.push(`dispatch after cancel: ${e.tasks.map((t) => t.id).join()}`);
      if (state.halt) violations.push(`dispatch past the budget: ${e.tasks.map((t) => t.id).join()}`);
      for (const t of e.tasks) {
        for (const need of state.specs[t.id]!.needs) {
          const d = state.tasks[need]!;
          const reviewed =
            d.status === "under_review" && state.specs[need]!.phase === state.specs[t.id]!.phase;
          if (
            d.status !== "succeeded" &&
            !(d.status === "skipped" && d.skip_cause === "person") &&
            !reviewed
          ) {
            violations.push(`${t.id} dispatched before ${need} (${d.status})`);
          }
        }
        pool.push({ id: `s${++n}`, at, type: "task_started", task: t.id, attempt: t.attempt });
        pool.push(
          rand() < 0.6
            ? {
                id: `r${++n}`,
                at,
                type: "task_succeeded",
                task: t.id,
                attempt: t.attempt,
                artifacts: [],
                ...(rand() < 0.5 ? { cost: { usd: 1, tokens: 0 } } : {}),
              }
            : {
                id: `r${++n}`,
                at,
                type: "task_failed",
                task: t.id,
                attempt: t.attempt,
                error: { kind: "error", message: "boom" },
              },
        );
      }
    }
    if (event.type === "cancel_requested" && out.effects.every((e) => e.type !== "rejected"))
      cancelled = true;
    check(state);
  };

  const check = (s: ExecutionState) => {
    const inflight = Object.values(s.tasks).filter((t) => IN_FLIGHT.has(t.status)).length;
    if (inflight > s.policy.max_concurrency)
      violations.push(`running ${inflight} > ${s.policy.max_concurrency}`);
    if ((s.inflight["*"] ?? 0) !== inflight)
      violations.push(`slot counter ${s.inflight["*"]} != ${inflight}`);
    for (const [id, t] of Object.entries(s.tasks)) {
      // Each gate rejection (revision) may run the task again with fresh attempts.
      if (t.attempt > sc.maxAttempts * (t.revision + 1 + retries))
        violations.push(`${id} attempt ${t.attempt} > ${sc.maxAttempts}`);
    }
    const ready = Object.keys(s.tasks).filter((id) => s.tasks[id]!.status === "ready");
    if ([...ready].sort().join() !== [...s.ready].sort().join()) violations.push("ready queue out of step");
    for (let i = 1; i < s.ready.length; i++) {
      if (compareReady(s, s.ready[i - 1]!, s.ready[i]!) > 0) violations.push("ready queue unsorted");
    }
  };

  const phases = ["p0", "p1", "p2"].map((id, i) => ({
    id,
    name: id,
    needs: i > 0 ? [`p${i - 1}`] : [],
    tasks: sc.tasks.filter((t) => t.phase === id).map((t) => t.id),
    parallel: true,
    ...(sc.gated[i]
      ? {
          gate: {
            approvers: [],
            min_approvals: 1,
            via: "both" as const,
            max_revisions: 2,
            allow_requester: true,
          },
        }
      : {}),
  }));
  apply({
    id: "start",
    at,
    type: "execution_started",
    execution: "x",
    tasks: sc.tasks,
    phases,
    policy,
    agent_limits: {},
    seed: 7,
    context: {},
    meta: {},
  });
  for (let step = 0; step < sc.steps && state && state.finished_at === undefined; step++) {
    at += Math.floor(rand() * 2000);
    const roll = rand();
    const timers = Object.keys(state.timers).filter((t) => t !== "execution");
    const open = Object.entries(state.phase_state).filter(([, p]) => p.gate?.status === "open");
    if (open.length > 0 && roll < 0.4) {
      const [phase, p] = pick(open);
      const choice = rand();
      if (choice < 0.1) {
        // A refused decision, recorded; then read back (a lost webhook), under its id.
        const id = `g${++n}`;
        refusedIds.push(id);
        apply({ id, at, type: "command_refused", by: "reviewer", command: "approve", phase, reason: "no" });
      } else if (choice < 0.2 && refusedIds.length > 0) {
        apply({ id: pick(refusedIds), at, type: "gate_approved", phase, by: `approver${n}` });
      }
      // Reject sometimes, but not past the revision limit, so every run can finish.
      else if (p.gate!.revisions < 2 && choice < 0.45) {
        apply({ id: `g${++n}`, at, type: "gate_rejected", phase, by: "reviewer", reason: "again" });
      } else apply({ id: `g${++n}`, at, type: "gate_approved", phase, by: `approver${n}` });
      continue;
    }
    if (roll < 0.08 && log.length > 1)
      apply(pick(log.slice(1))); // duplicate delivery
    else if (chaos && roll < 0.1) apply({ id: `c${++n}`, at, type: "cancel_requested" });
    else if (roll < 0.13) apply({ id: `z${++n}`, at, type: "resume_requested", workers_lost: true });
    else if (roll < 0.15)
      apply({ id: `b${++n}`, at, type: "budget_set", usd: state.cost.usd + 1 + rand() * 3 });
    else if (chaos && roll < 0.17) apply({ id: `y${++n}`, at, type: "retry_requested" });
    else if (roll < 0.18) {
      // Refused while no gate waited (or the phase had none).
      const id = `q${++n}`;
      refusedIds.push(id);
      apply({ id, at, type: "command_refused", by: "reviewer", command: "reject", reason: "no gate waits" });
    } else if (roll < 0.35 && timers.length > 0)
      apply({ id: `f${++n}`, at, type: "timer_fired", timer: pick(timers) });
    else if (pool.length > 0) {
      const index = Math.floor(rand() * pool.length);
      apply({ ...pool.splice(index, 1)[0]!, at });
    } else if (timers.length > 0) apply({ id: `f${++n}`, at, type: "timer_fired", timer: pick(timers) });
  }
  return { log, effects, state: state!, violations };
}

describe("reduce: properties over random event sequences", () => {
  it("keeps its invariants and replays to the same state", () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const { log, state, violations, effects } = run(sc);
        expect(violations).toEqual([]);
        // Replaying the log (duplicates, late and stale deliveries included) rebuilds the state.
        expect(replay(log)).toEqual(state);
        // Deliveries of an id already applied are no-ops: the log without them gives the same state.
        // (A delivery that was rejected applied nothing: a later one with its id may apply.)
        const seen = new Set<string>();
        const unique = log.filter((e, i) => {
          if (seen.has(e.id)) return false;
          if (!effects[i]!.some((x) => x.type === "rejected")) seen.add(e.id);
          return true;
        });
        expect(replay(unique)).toEqual(state);
        // The reducer never throws; anything it refused came back as a `rejected` effect.
        for (const list of effects)
          for (const e of list) if (e.type === "rejected") expect(e.reason).not.toMatch(/internal error/);
      }),
      { numRuns: 300 },
    );
  });

  it("reaches a final state when every result arrives", () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        // No cancel: every execution must end by itself, never stuck.
        const { state } = run({ ...sc, steps: 2000 }, false);
        expect(["succeeded", "failed", "cancelled"]).toContain(state.status);
        // Work under review in a phase that failed stays as it was (a retry can still pass the gate).
        const final = ["succeeded", "failed", "skipped", "cancelled"];
        const open = Object.values(state.tasks).filter(
          (t) => !final.includes(t.status) && !(t.status === "under_review" && state.status === "failed"),
        );
        expect(open).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
