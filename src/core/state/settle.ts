import type { Ctx } from "./context.ts";
import { statusCounts } from "./context.ts";
import { continueDelivery } from "./delivery.ts";
import { own } from "./own.ts";
import { cancelAll } from "./task-results.ts";
import type { ExecutionState } from "./types.ts";

/**
 * Derives the execution's status after a transition and emits `complete` exactly once, when
 * every task is final (or in-flight work settled after a halt). Reads the status counts, so it
 * does not scan the tasks but on completion and while nothing runs or is ready.
 */
export function settle(ctx: Ctx): void {
  const { s } = ctx;
  if (s.finished_at !== undefined) return;
  if (s.status === "failed" || s.status === "cancelled") {
    complete(ctx, s.status, s.reason);
    return;
  }
  const c = statusCounts(s);
  const inFlight = c.queued + c.in_progress;
  const blocked = c.blocked + c.escalated;
  const open = c.pending + c.ready;
  // Reviews in a phase that can no longer pass its gate (a sibling failed) wait for nothing.
  const waiting =
    c.under_review - (c.under_review > 0 && inFlight === 0 && open === 0 ? strandedReviews(s) : 0);
  if (s.halt && inFlight === 0) {
    // Work done and waiting at an open gate is not thrown away (a retry would pay for it again):
    // the gate is decided first — nothing new starts either way — or the budget raised. A gate
    // that cannot open (its phase's other tasks may not start now) waits for nothing.
    if (waiting > 0 && s.phases.some((p) => own(s.phase_state, p.id)?.gate?.status === "open")) {
      s.status = "waiting";
      s.reason = s.halt;
      return;
    }
    cancelAll(ctx, s.halt);
    complete(ctx, "failed", s.halt);
    return;
  }
  if (inFlight === 0 && waiting === 0 && blocked === 0 && open === 0) {
    // The counts say whether any task failed or was cancelled: no need to list every task else.
    const failed =
      c.failed + c.cancelled === 0
        ? []
        : Object.keys(s.tasks).filter((id) => {
            const status = s.tasks[id]!.status;
            return status === "failed" || status === "cancelled";
          });
    const list = failed.slice(0, 5).join(", ") + (failed.length > 5 ? ` and ${failed.length - 5} more` : "");
    if (failed.length > 0) complete(ctx, "failed", `${failed.length} task(s) did not succeed: ${list}`);
    else if (!continueDelivery(ctx)) complete(ctx, "succeeded", undefined);
    return;
  }
  s.reason = undefined;
  if (inFlight > 0 || s.ready.length > 0 || (open > 0 && retrying(s))) s.status = "running";
  else if (waiting > 0) s.status = "waiting";
  else if (blocked > 0) s.status = "blocked";
  else {
    // Open tasks, yet nothing runs, waits or can start: say so rather than wait forever.
    s.status = "blocked";
    s.reason = "no task can start: their dependencies will not finish";
  }
}

/** Tasks under review in gated phases where another task failed, was cancelled or skipped for a failure. */
function strandedReviews(s: ExecutionState): number {
  let count = 0;
  for (const phase of s.phases) {
    if (!phase.gate || own(s.phase_state, phase.id)?.gate?.status === "open") continue;
    const tasks = phase.tasks.map((id) => s.tasks[id]!);
    const broken = tasks.some(
      (t) =>
        t.status === "failed" ||
        t.status === "cancelled" ||
        (t.status === "skipped" && t.skip_cause === "dependency"),
    );
    if (broken) count += tasks.filter((t) => t.status === "under_review").length;
  }
  return count;
}

/** Whether a pending or ready task waits for a retry backoff. */
function retrying(s: ExecutionState): boolean {
  for (const t of Object.values(s.tasks)) {
    if ((t.status === "pending" || t.status === "ready") && t.retry_at !== undefined) return true;
  }
  return false;
}

function complete(ctx: Ctx, status: "succeeded" | "failed" | "cancelled", reason: string | undefined): void {
  const { s } = ctx;
  s.status = status;
  s.finished_at = ctx.at;
  if (reason !== undefined) s.reason = reason;
  ctx.effects.push({ type: "complete", status, ...(reason !== undefined ? { reason } : {}) });
}
