import { inert } from "../render/markdown.ts";
import { formatUsd } from "../report/money.ts";
import type { Ctx } from "./context.ts";
import {
  addCost,
  BUDGET_HINT,
  clearTaskTimers,
  clearTimer,
  countStatus,
  dependentsOf,
  markChanged,
  overBudget,
  promote,
  promoteDependents,
  setTask,
  skipDependents,
  startPhaseTimer,
  startTimer,
  timeoutTimerId,
} from "./context.ts";
import { deliveryHandlers, resumeDelivery, resumesDelivery } from "./delivery.ts";
import type { EventOf, ExecutionEvent } from "./events.ts";
import { approve, gateMismatch, maybeOpenGate, reject } from "./gates.ts";
import { own } from "./own.ts";
import { buildSpecs, DEFAULT_EXECUTION_TIMEOUT_MS, newTaskState, type PhaseLimits } from "./start.ts";
import { blockUnmerged, cancelAll, conflictReason, fail, resultMismatch, succeed } from "./task-results.ts";
import { onTimer } from "./timers.ts";
import { type ExecutionState, IN_FLIGHT, type PhaseSpec, TERMINAL } from "./types.ts";

type Handler<T extends ExecutionEvent["type"]> = (ctx: Ctx, event: EventOf<T>) => string | undefined;
type Handlers = { [T in ExecutionEvent["type"]]: Handler<T> };

const ENDED = "the execution has ended";

function ended(ctx: Ctx): boolean {
  return ctx.s.finished_at !== undefined;
}

/**
 * Applies one event to the draft. Returns why it was rejected, or undefined. Checks before changing.
 * The task an event names must be one of the execution's own, checked here for every handler: a
 * name such as `constructor` would otherwise find a property every object inherits.
 */
export function handle(ctx: Ctx, event: ExecutionEvent): string | undefined {
  const task = "task" in event ? event.task : undefined;
  if (task !== undefined && !Object.hasOwn(ctx.s.tasks, task)) return `unknown task "${task}"`;
  return (HANDLERS[event.type] as Handler<typeof event.type>)(ctx, event);
}

const HANDLERS: Handlers = {
  ...deliveryHandlers,
  execution_started: () => "the execution has already started",

  tasks_added(ctx, e) {
    if (ended(ctx)) return ENDED;
    const known = new Set(Object.keys(ctx.s.specs));
    for (const t of e.tasks) {
      if (known.has(t.id)) return `task ${t.id} already exists`;
      known.add(t.id);
    }
    for (const t of e.tasks)
      for (const n of t.needs) if (!known.has(n)) return `task ${t.id} needs unknown task ${n}`;
    const why = joinsPhases(ctx.s, e.tasks);
    if (why) return why;
    ctx.s.specs = buildSpecs(e.tasks, phaseLimits(ctx.s, e.tasks), ctx.s.policy, ctx.s.specs);
    const joining = new Map<string, string[]>();
    for (const t of e.tasks) if (t.phase) joining.set(t.phase, [...(joining.get(t.phase) ?? []), t.id]);
    if (joining.size > 0)
      ctx.s.phases = ctx.s.phases.map((p) => {
        const ids = joining.get(p.id);
        return ids ? { ...p, tasks: [...p.tasks, ...ids] } : p;
      });
    for (const t of e.tasks) {
      countStatus(ctx.s, undefined, "pending");
      ctx.s.tasks[t.id] = newTaskState();
    }
    // Re-sort the ready queue: priorities may have changed.
    const ready = ctx.s.ready.splice(0);
    for (const id of ready) {
      countStatus(ctx.s, "ready", "pending");
      ctx.s.tasks[id] = { ...ctx.s.tasks[id]!, status: "pending" };
    }
    for (const id of [...ready, ...e.tasks.map((t) => t.id)]) promote(ctx, id);
    return undefined;
  },

  task_dispatched(ctx, e) {
    const why = resultMismatch(ctx, e.task, e.attempt);
    if (why) return why;
    if (e.ref !== undefined) ctx.s.tasks[e.task] = { ...ctx.s.tasks[e.task]!, ref: e.ref };
    return undefined;
  },

  task_started(ctx, e) {
    const why = resultMismatch(ctx, e.task, e.attempt);
    if (why) return why;
    const t = ctx.s.tasks[e.task]!;
    if (t.status === "in_progress") return `task ${e.task} attempt ${e.attempt} already started`;
    const first = t.first_started_at ?? e.at;
    const started = setTask(ctx, e.task, "in_progress");
    started.started_at = e.at;
    started.first_started_at = first;
    started.heartbeat_at = e.at;
    if (e.ref) started.ref = e.ref;
    const limit = ctx.s.specs[e.task]!.timeout_ms;
    if (limit !== undefined) {
      startTimer(ctx, {
        id: timeoutTimerId(ctx.s, e.task, e.attempt),
        at: e.at + limit,
        kind: "task_timeout",
        task: e.task,
        attempt: e.attempt,
      });
    }
    return undefined;
  },

  heartbeat(ctx, e) {
    const why = resultMismatch(ctx, e.task, e.attempt);
    if (why) return why;
    ctx.s.tasks[e.task] = { ...ctx.s.tasks[e.task]!, heartbeat_at: e.at };
    if (e.ran) clearTimer(ctx, timeoutTimerId(ctx.s, e.task, e.attempt));
    return undefined;
  },

  task_succeeded(ctx, e) {
    const why = resultMismatch(ctx, e.task, e.attempt);
    if (why) return why;
    addCost(ctx, e.task, e.cost);
    if (e.conflict || e.unmerged !== undefined)
      blockUnmerged(ctx, e.task, { artifacts: e.artifacts, summary: e.summary }, e);
    else succeed(ctx, e.task, { artifacts: e.artifacts, summary: e.summary, context: e.context });
    return undefined;
  },

  task_failed(ctx, e) {
    const why = resultMismatch(ctx, e.task, e.attempt);
    if (why) return why;
    addCost(ctx, e.task, e.cost);
    fail(ctx, e.task, e.error);
    return undefined;
  },

  task_timed_out(ctx, e) {
    const why = resultMismatch(ctx, e.task, e.attempt);
    if (why) return why;
    ctx.effects.push({ type: "cancel", tasks: [{ id: e.task, attempt: e.attempt }], reason: "timed out" });
    fail(ctx, e.task, { kind: "timeout", message: `attempt ${e.attempt} timed out` });
    return undefined;
  },

  task_cancelled(ctx, e) {
    const t = own(ctx.s.tasks, e.task);
    if (t?.status === "cancelled" && t.attempt === e.attempt) return undefined;
    const why = resultMismatch(ctx, e.task, e.attempt);
    if (why) return why;
    clearTaskTimers(ctx, e.task);
    setTask(ctx, e.task, "cancelled", { finished_at: e.at, reason: `attempt ${e.attempt} was cancelled` });
    skipDependents(ctx, e.task, "was cancelled");
    return undefined;
  },

  task_skipped: (ctx, e) => skipTask(ctx, e.task, e.reason, e.by),
  skip_requested: (ctx, e) => skipTask(ctx, e.task, e.reason ?? "skipped on request", e.by),

  // A gate of an execution that ended decides nothing: what it would let through does not run.
  gate_approved(ctx, e) {
    if (ended(ctx)) return ENDED;
    const why = gateMismatch(ctx, e.phase);
    if (why) return why;
    return approve(ctx, e.phase, {
      by: e.by,
      at: e.at,
      ...(e.sha ? { sha: e.sha } : {}),
      ...(e.digest ? { digest: e.digest } : {}),
      ...(e.via ? { via: e.via } : {}),
    });
  },

  gate_rejected(ctx, e) {
    if (ended(ctx)) return ENDED;
    const why = gateMismatch(ctx, e.phase);
    if (why) return why;
    reject(ctx, e.phase, e.by, e.reason);
    return undefined;
  },

  // Only its id counts (it is applied): the command it names is decided, whatever the execution's state.
  command_refused: () => undefined,

  // With nothing to run again, a retry resumes a delivery that stopped, where it stopped.
  retry_requested: (ctx, e) =>
    resumesDelivery(ctx.s, e.target, RETRYABLE)
      ? resumeDelivery(ctx, e.by ?? "someone")
      : retry(ctx, e.target, e.by ?? "someone", e.at),

  cancel_requested(ctx, e) {
    if (ended(ctx)) return ENDED;
    const why = e.reason ?? `cancelled by ${e.by ?? "request"}`;
    ctx.s.audit.push({ at: e.at, by: e.by ?? "someone", what: "cancelled the execution" });
    cancelAll(ctx, why);
    ctx.s.status = "cancelled";
    ctx.s.reason = why;
    return undefined;
  },

  budget_set(ctx, e) {
    const { s } = ctx;
    if (e.usd === undefined && e.tokens === undefined) return "name a budget: usd, tokens or both";
    if (s.status === "succeeded") return ENDED;
    if (e.usd !== undefined && e.usd <= s.cost.usd)
      return `a budget of ${formatUsd(e.usd)} is not above the ${formatUsd(s.cost.usd)} already spent`;
    if (e.tokens !== undefined && e.tokens <= s.cost.tokens)
      return `a budget of ${e.tokens} tokens is not above the ${s.cost.tokens} already used`;
    const budget = { ...s.policy.budget };
    if (e.usd !== undefined) budget.usd = e.usd;
    if (e.tokens !== undefined) budget.tokens = e.tokens;
    s.policy = { ...s.policy, budget };
    const what = [
      ...(budget.usd !== undefined ? [formatUsd(budget.usd)] : []),
      ...(budget.tokens !== undefined ? [`${budget.tokens} tokens`] : []),
    ].join(" and ");
    s.audit.push({ at: e.at, by: e.by ?? "someone", what: `set the budget to ${what}` });
    // Under the new limits, the stop the old ones caused is lifted: dispatch goes on, and a
    // retry may run what the stop cancelled.
    if (s.halt) {
      const still = overBudget(s);
      if (still === undefined) s.halt = undefined;
      else
        ctx.effects.push({
          type: "notify",
          level: "warning",
          message: `the budget is now ${what}, but the stop stays: ${still}. Raise that limit too.`,
          mention: [],
        });
    }
    return undefined;
  },

  resume_requested(ctx, e) {
    if (ended(ctx)) return ENDED;
    ctx.s.audit.push({ at: e.at, by: e.by ?? "someone", what: "resumed the execution" });
    for (const id of e.workers_lost !== false ? Object.keys(ctx.s.tasks) : []) {
      // Re-read each time: a final failure may cascade and cancel the rest.
      const t = ctx.s.tasks[id]!;
      if (t.status === "queued" && t.started_at === undefined) {
        // Dispatched while no worker host was listening (an approval recorded offline): it never
        // ran, so it is dispatched again as the same attempt, with no failure counted.
        setTask(ctx, id, "ready", { attempt: t.attempt - 1, queued_at: undefined });
      } else if (IN_FLIGHT.has(t.status)) {
        fail(ctx, id, { kind: "interrupted", message: "the worker stopped without a result" });
      }
    }
    for (const timer of Object.values(ctx.s.timers))
      ctx.effects.push({ type: "start_timer", id: timer.id, at: timer.at });
    return undefined;
  },

  timer_fired(ctx, e) {
    const timer = own(ctx.s.timers, e.timer);
    if (!timer) return `timer ${e.timer} is not running`;
    delete ctx.s.timers[e.timer];
    onTimer(ctx, timer);
    return undefined;
  },

  cost_reported(ctx, e) {
    addCost(ctx, e.task, { usd: e.usd, tokens: e.tokens });
    return undefined;
  },

  context_set(ctx, e) {
    ctx.s.context = { ...ctx.s.context, [e.key]: e.value };
    return undefined;
  },

  merge_succeeded(ctx, e) {
    ctx.s.audit.push({
      at: e.at,
      by: e.by ?? "orchestrate",
      what: `merged ${e.tasks.join(", ")}${e.sha ? ` at ${e.sha}` : ""}`,
    });
    return undefined;
  },

  merge_conflicted(ctx, e) {
    for (const id of e.tasks) if (!own(ctx.s.tasks, id)) return `unknown task "${id}"`;
    ctx.s.conflicts.push({ tasks: e.tasks, files: e.files, at: e.at });
    const reason = conflictReason(e.tasks, e.files);
    for (const id of e.tasks) {
      const status = ctx.s.tasks[id]!.status;
      if (status === "succeeded" || status === "under_review") setTask(ctx, id, "blocked", { reason });
    }
    ctx.effects.push({
      type: "notify",
      level: "error",
      // Posted as a comment: file names an agent chose and git's words must not mention or close anything.
      message: `${inert(reason)}; resolve it and retry`,
      mention: [],
    });
    return undefined;
  },
};

/**
 * Skips a task: a running attempt is cancelled, and what needs the task goes on without it.
 * Skipping one that has not run yet may open its phase's gate on the others.
 *
 * A task under review is never skipped: its work is done and waits for its phase's gate, and a
 * skip would count as done for what needs it, which would then start with no approval. Its gate
 * decides it: approved, or rejected with what should change.
 */
function skipTask(ctx: Ctx, id: string, reason: string, by: string | undefined): string | undefined {
  if (ended(ctx)) return ENDED;
  const t = own(ctx.s.tasks, id);
  if (!t) return `unknown task "${id}"`;
  if (TERMINAL.has(t.status)) return `task ${id} is already ${t.status}`;
  if (t.status === "under_review") {
    const phase = ctx.s.specs[id]!.phase;
    return `task ${id} is under review: the gate of phase ${phase} decides it (approve the phase, or reject it with what should change)`;
  }
  if (IN_FLIGHT.has(t.status)) {
    ctx.effects.push({ type: "cancel", tasks: [{ id, attempt: t.attempt }], reason });
  }
  clearTaskTimers(ctx, id);
  setTask(ctx, id, "skipped", { reason, skip_cause: "person", retry_at: undefined, finished_at: ctx.at });
  if (by) ctx.s.audit.push({ at: ctx.at, by, what: `skipped ${id}` });
  const phase = ctx.s.specs[id]!.phase;
  if (phase) maybeOpenGate(ctx, phase);
  promoteDependents(ctx, id);
  return undefined;
}

const RETRYABLE = new Set(["failed", "cancelled", "blocked", "escalated"]);

/** Re-runs failed, cancelled, blocked or escalated tasks (all, one phase's, or one) and their skipped dependents. */
function retry(ctx: Ctx, target: string | undefined, by: string, at: number): string | undefined {
  const { s } = ctx;
  if (s.halt) return `${s.halt}; a retry would exceed it: raise the budget first (${BUDGET_HINT})`;
  const inScope = (id: string) => !target || id === target || s.specs[id]!.phase === target;
  if (target && !own(s.specs, target) && !s.phases.some((p) => p.id === target))
    return `no task or phase "${target}"`;
  const picked = Object.keys(s.tasks).filter((id) => inScope(id) && RETRYABLE.has(s.tasks[id]!.status));
  // Work an ended execution kept at an open gate (its time limit fired there): taken up again, the
  // gate waits for its decision on that work, which is not run anew.
  const waiting =
    s.finished_at === undefined
      ? []
      : s.phases.filter(
          (p) =>
            own(s.phase_state, p.id)?.gate?.status === "open" &&
            p.tasks.some((id) => inScope(id) && s.tasks[id]!.status === "under_review"),
        );
  if (picked.length === 0 && waiting.length === 0)
    return `nothing to retry${target ? ` in ${target}` : ""}: no failed, cancelled or blocked task`;
  s.audit.push({ at, by, what: `retried ${target ?? "the execution"}` });
  for (const phase of waiting) {
    const gate = s.phase_state[phase.id]!.gate!;
    // Its time to a decision counts again from now (the SLA timer went with the execution's end).
    if (phase.gate?.sla !== undefined)
      startTimer(ctx, {
        id: `gate_sla:${phase.id}:${gate.revisions}`,
        at: at + phase.gate.sla,
        kind: "gate_sla",
        phase: phase.id,
      });
    markChanged(ctx, phase.id);
  }
  const reopened = new Set<string>();
  for (const id of picked) {
    const phase = s.specs[id]!.phase;
    if (phase && own(s.phase_state, phase)?.gate?.status === "escalated") reopened.add(phase);
    setTask(ctx, id, "pending", {
      failures: 0,
      reason: undefined,
      retry_at: undefined,
      finished_at: undefined,
    });
  }
  // A person's retry is the trial an open circuit waits for: its agent may run one task again
  // (half-open; a success closes it, a failure opens it again), even after the execution ended
  // and its cooldown timer was cleared.
  for (const agent of new Set(picked.map((id) => s.specs[id]!.agent))) {
    if (own(s.circuits, agent)?.state !== "open") continue;
    s.circuits[agent] = { ...s.circuits[agent]!, state: "half_open" };
    clearTimer(ctx, `circuit:${agent}`);
  }
  for (const phase of reopened) {
    const gate = s.phase_state[phase]!.gate!;
    // A person chose to go on: the phase gets a new revision budget (its rejections stay on record).
    s.phase_state[phase] = {
      ...s.phase_state[phase],
      gate: { ...gate, status: "closed", approvals: [], revisions: 0 },
    };
  }
  // Dependents skipped because these did not succeed wait again.
  const queue = [...picked];
  const reopenedTasks = [...picked];
  while (queue.length > 0) {
    for (const d of dependentsOf(s, queue.shift()!)) {
      const t = s.tasks[d]!;
      if (t.status === "skipped" && t.skip_cause === "dependency") {
        setTask(ctx, d, "pending", { reason: undefined, skip_cause: undefined });
        queue.push(d);
        reopenedTasks.push(d);
      } else if (t.status === "cancelled") {
        setTask(ctx, d, "pending", { reason: undefined, finished_at: undefined });
        queue.push(d);
        reopenedTasks.push(d);
      }
    }
  }
  // Each phase that runs again gets a new round of its time limit, from its next dispatch: the
  // old deadline (still running, or spent — often why it failed) would fail the retried tasks.
  for (const phase of new Set(reopenedTasks.map((id) => s.specs[id]!.phase))) {
    const round = phase ? own(s.phase_state, phase) : undefined;
    if (!phase || round?.started_at === undefined || round.finished_at !== undefined) continue;
    clearTimer(ctx, `phase_timeout:${phase}`);
    const tasks = s.phases.find((p) => p.id === phase)?.tasks ?? [];
    // Work of the phase still runs: the new round starts now, so that work stays bounded.
    if (tasks.some((id) => IN_FLIGHT.has(s.tasks[id]!.status))) startPhaseTimer(ctx, phase);
    else s.phase_state[phase] = { ...round, finished_at: at };
  }
  if (s.finished_at !== undefined || s.status === "failed" || s.status === "cancelled") {
    s.status = "running";
    s.finished_at = undefined;
    s.reason = undefined;
  }
  // An execution that ended lost its time limit (its timers were cleared, or it fired): a
  // person's retry runs under a new one.
  if (!s.timers.execution) {
    const limit = s.policy.timeout.execution ?? DEFAULT_EXECUTION_TIMEOUT_MS;
    startTimer(ctx, { id: "execution", at: at + limit, kind: "execution_timeout" });
  }
  for (const id of Object.keys(s.tasks)) promote(ctx, id);
  return undefined;
}

/**
 * Why tasks added to a running execution cannot join the phases they name: the phase must exist,
 * run (not skipped) and not be finished or at its gate — its gate decides on the work it holds.
 */
function joinsPhases(s: ExecutionState, tasks: EventOf<"tasks_added">["tasks"]): string | undefined {
  for (const t of tasks) {
    if (!t.phase) continue;
    const phase = s.phases.find((p) => p.id === t.phase);
    if (!phase) return `task ${t.id} names unknown phase ${t.phase}`;
    if (phase.skipped !== undefined) return `task ${t.id} cannot join phase ${t.phase}: it was skipped`;
    const round = own(s.phase_state, phase.id);
    if (round?.finished_at !== undefined || round?.gate !== undefined || phaseOver(s, phase))
      return `task ${t.id} cannot join phase ${t.phase}: it has finished or waits at its gate`;
  }
  return undefined;
}

/**
 * Whether a phase without a gate is over: every task it has is done, or a phase that needs it has
 * started work (what needs it went ahead without what would join now; a skipped task started none). A phase with no tasks
 * stays open until then: tasks added at run time are how it gets work.
 */
function phaseOver(s: ExecutionState, phase: PhaseSpec): boolean {
  if (phase.tasks.length > 0 && phase.tasks.every((id) => TERMINAL.has(s.tasks[id]!.status))) return true;
  return s.phases.some(
    (p) =>
      p.needs.includes(phase.id) &&
      p.tasks.some((id) => {
        const status = s.tasks[id]!.status;
        // A skipped task started nothing (skipped for a failure upstream, or by a person).
        return status !== "pending" && status !== "ready" && status !== "skipped";
      }),
  );
}

/**
 * The limits a phase set for its tasks (attempts, error kinds not retried, an attempt's time
 * limit), read from a task it already has (states saved before phases kept them have them only
 * there), else from the phase: added tasks get what their phase's tasks got.
 */
function phaseLimits(s: ExecutionState, tasks: EventOf<"tasks_added">["tasks"]): PhaseLimits[] {
  const limits: PhaseLimits[] = [];
  for (const id of new Set(tasks.map((t) => t.phase).filter((p) => p !== undefined))) {
    const phase = s.phases.find((p) => p.id === id);
    const sample = phase?.tasks.find((task) => own(s.specs, task));
    const spec = sample ? s.specs[sample]! : undefined;
    if (!spec) {
      if (phase) limits.push(phase);
      continue;
    }
    limits.push({
      id,
      max_attempts: spec.max_attempts,
      non_retryable: spec.non_retryable.slice(s.policy.retry.non_retryable.length),
      task_timeout_ms: spec.timeout_ms,
    });
  }
  return limits;
}
