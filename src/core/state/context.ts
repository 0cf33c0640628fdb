import { formatUsd } from "../report/money.ts";
import { insertReady, removeReady } from "../schedule/ready-queue.ts";
import { dependentsOf, slotKeys, taskTimerIds } from "./derived.ts";
import type { Effect } from "./effects.ts";
import { own } from "./own.ts";
import type { ExecutionState, StatusCounts, TaskState, TaskStatus } from "./types.ts";
import { TERMINAL } from "./types.ts";

export { dependentsOf, slotKeys };

/** Working set of one transition: the draft state, the event's time, effects so far. */
export interface Ctx {
  s: ExecutionState;
  at: number;
  effects: Effect[];
  /** Phases whose tasks changed (for `update_status`); "" for tasks without a phase. Made on first change. */
  changed?: string[];
  /**
   * Set when the task records are shared with an earlier state (`reduce`): the tasks already
   * copied in this transition, which may be changed. Absent: every task record is this state's
   * own and is changed in place (`applyInPlace`).
   */
  copied?: Set<string>;
}

/** Every status at zero. */
export function emptyCounts(): StatusCounts {
  return {
    pending: 0,
    ready: 0,
    queued: 0,
    in_progress: 0,
    under_review: 0,
    blocked: 0,
    escalated: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
  };
}

/** The state's tasks per status; rebuilt from `tasks` (and kept) when the state has none. */
export function statusCounts(s: ExecutionState): StatusCounts {
  if (s.counts) return s.counts;
  const counts = emptyCounts();
  for (const t of Object.values(s.tasks)) counts[t.status] += 1;
  s.counts = counts;
  return counts;
}

/** Records a task's move from `from` (undefined: a new task) to `to` in the status counts. */
export function countStatus(s: ExecutionState, from: TaskStatus | undefined, to: TaskStatus): void {
  if (from === to) return;
  const counts = statusCounts(s);
  if (from !== undefined) counts[from] -= 1;
  counts[to] += 1;
}

/**
 * A task record of the draft that may be changed: the record itself in place mode, else a copy
 * made on first change in this transition, so a state `reduce` was given never changes.
 */
export function ownTask(ctx: Ctx, id: string): TaskState {
  const t = ctx.s.tasks[id]!;
  const copied = ctx.copied;
  if (copied === undefined || copied.has(id)) return t;
  const copy = Object.assign({}, t);
  ctx.s.tasks[id] = copy;
  copied.add(id);
  return copy;
}

/**
 * The one place a task's status changes: keeps the ready queue, the slot counters and the
 * status counts in step.
 */
export function setTask(ctx: Ctx, id: string, status: TaskStatus, patch?: Partial<TaskState>): TaskState {
  const { s } = ctx;
  const t = ownTask(ctx, id);
  const from = t.status;
  countStatus(s, from, status);
  if (from === "ready" && status !== "ready") removeReady(s, id);
  const wasInFlight = from === "queued" || from === "in_progress";
  const isInFlight = status === "queued" || status === "in_progress";
  if (wasInFlight !== isInFlight) {
    for (const key of slotKeys(s, id)) s.inflight[key] = (s.inflight[key] ?? 0) + (isInFlight ? 1 : -1);
  }
  if (patch !== undefined) Object.assign(t, patch);
  t.status = status;
  if (status === "ready" && from !== "ready") insertReady(s, id);
  if (from !== status) markChanged(ctx, s.specs[id]!.phase ?? "");
  return t;
}

/** Records that a phase ("" for tasks without one, and delivery) changed in this transition. */
export function markChanged(ctx: Ctx, phase: string): void {
  const changed = ctx.changed;
  if (changed === undefined) ctx.changed = [phase];
  else if (!changed.includes(phase)) changed.push(phase);
}

/**
 * Whether every dependency of `id` succeeded or was skipped by a person. Inside one phase, a task
 * under review counts as done: a gated phase's tasks are reviewed together once all have run.
 */
export function dependenciesMet(s: ExecutionState, id: string): boolean {
  const spec = s.specs[id]!;
  const phase = spec.phase;
  for (const need of spec.needs) {
    const t = s.tasks[need];
    if (!t) continue;
    if (t.status === "succeeded") continue;
    if (t.status === "skipped" && t.skip_cause === "person") continue;
    if (t.status === "under_review" && phase !== undefined && s.specs[need]!.phase === phase) continue;
    return false;
  }
  return true;
}

/** Moves a pending task whose dependencies are met (and no backoff is running) to ready. */
export function promote(ctx: Ctx, id: string): void {
  const t = ctx.s.tasks[id]!;
  if (t.status !== "pending" || t.retry_at !== undefined) return;
  if (dependenciesMet(ctx.s, id)) setTask(ctx, id, "ready");
}

export function promoteDependents(ctx: Ctx, id: string): void {
  for (const d of dependentsOf(ctx.s, id)) promote(ctx, d);
}

/** Skips every task downstream of `id` that has not run, because `id` did not succeed. */
export function skipDependents(ctx: Ctx, id: string, why: string): void {
  const queue = [id];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (seen.has(current)) continue;
    seen.add(current);
    // A gated phase with a task that will not succeed cannot pass its gate: what follows any of
    // its tasks will not run either.
    const phase = gatedPhaseOf(ctx.s, current);
    const sources = phase ? phase.tasks : [current];
    for (const source of sources) {
      for (const d of dependentsOf(ctx.s, source)) {
        const t = ctx.s.tasks[d]!;
        if (t.status !== "pending" && t.status !== "ready") continue;
        clearTaskTimers(ctx, d);
        setTask(ctx, d, "skipped", {
          reason:
            source === current
              ? `needs ${current}, which ${current === id ? why : "was skipped"}`
              : `needs ${source}, whose phase ${phase!.id} cannot pass its gate`,
          skip_cause: "dependency",
          retry_at: undefined,
        });
        queue.push(d);
      }
    }
  }
}

function gatedPhaseOf(s: ExecutionState, id: string): ExecutionState["phases"][number] | undefined {
  const phase = own(s.specs, id)?.phase;
  if (phase === undefined) return undefined;
  const spec = s.phases.find((p) => p.id === phase);
  return spec?.gate ? spec : undefined;
}

export function startTimer(ctx: Ctx, timer: ExecutionState["timers"][string]): void {
  ctx.s.timers[timer.id] = timer;
  ctx.effects.push({ type: "start_timer", id: timer.id, at: timer.at });
}

export function clearTimer(ctx: Ctx, id: string): void {
  if (!ctx.s.timers[id]) return;
  delete ctx.s.timers[id];
  ctx.effects.push({ type: "clear_timer", id });
}

/** Id of the timeout timer of a task attempt. */
export function timeoutTimerId(s: ExecutionState, id: string, attempt: number): string {
  return taskTimerIds(s, id, attempt).timeout;
}

/** Starts a new round of a phase's time limit (its own `timeout_ms`, else the policy's), if it has one. */
export function startPhaseTimer(ctx: Ctx, phase: string): void {
  const limit = ctx.s.phases.find((p) => p.id === phase)?.timeout_ms ?? ctx.s.policy.timeout.phase;
  if (limit !== undefined)
    startTimer(ctx, { id: `phase_timeout:${phase}`, at: ctx.at + limit, kind: "phase_timeout", phase });
}

/** How a person raises an execution's budget, on GitHub and locally. */
export const BUDGET_HINT =
  "`/orchestrate budget usd <amount>` on the issue, `orchestrate budget <id> --usd <amount>` locally";

/** Why the execution's cost has reached its budget, or undefined while it is under. */
export function overBudget(s: ExecutionState): string | undefined {
  const budget = s.policy.budget;
  if (!budget) return undefined;
  if (budget.usd !== undefined && s.cost.usd >= budget.usd)
    return `budget reached: ${formatUsd(s.cost.usd)} spent of ${formatUsd(budget.usd)}`;
  if (budget.tokens !== undefined && s.cost.tokens >= budget.tokens)
    return `budget reached: ${s.cost.tokens} tokens used of ${budget.tokens}`;
  return undefined;
}

/** Clears the retry and timeout timers of a task. */
export function clearTaskTimers(ctx: Ctx, id: string): void {
  const timers = ctx.s.timers;
  const ids = taskTimerIds(ctx.s, id, ctx.s.tasks[id]!.attempt);
  if (timers[ids.timeout]) clearTimer(ctx, ids.timeout);
  if (timers[ids.retry]) clearTimer(ctx, ids.retry);
}

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL.has(status);
}

export function addCost(
  ctx: Ctx,
  id: string | undefined,
  cost: { usd: number; tokens: number } | undefined,
): void {
  if (!cost || (cost.usd === 0 && cost.tokens === 0)) return;
  const { s } = ctx;
  s.cost = { usd: s.cost.usd + cost.usd, tokens: s.cost.tokens + cost.tokens };
  const t = id === undefined ? undefined : own(s.tasks, id);
  if (t) {
    s.tasks[id!] = { ...t, cost: { usd: t.cost.usd + cost.usd, tokens: t.cost.tokens + cost.tokens } };
  }
  if (s.halt) return;
  const over = overBudget(s);
  if (over) {
    s.halt = over;
    ctx.effects.push({
      type: "notify",
      level: "warning",
      message: `${over}; nothing new is dispatched. To go further, raise the budget (${BUDGET_HINT}), then retry what it stopped.`,
      mention: [],
    });
  }
}
