import type { Ctx } from "./context.ts";
import { cancelAll } from "./task-results.ts";
import { IN_FLIGHT, TERMINAL } from "./types.ts";

/**
 * Derives the execution's status after a transition and emits `complete` exactly once, when
 * every task is final (or in-flight work settled after a halt).
 */
export function settle(ctx: Ctx): void {
  const { s } = ctx;
  if (s.finished_at !== undefined) return;
  if (s.status === "failed" || s.status === "cancelled") {
    complete(ctx, s.status, s.reason);
    return;
  }
  let inFlight = 0;
  let waiting = 0;
  let blocked = 0;
  let open = 0;
  let retrying = 0;
  const failed: string[] = [];
  for (const [id, t] of Object.entries(s.tasks)) {
    if (IN_FLIGHT.has(t.status)) inFlight++;
    else if (t.status === "under_review") waiting++;
    else if (t.status === "blocked" || t.status === "escalated") blocked++;
    else if (!TERMINAL.has(t.status)) {
      open++;
      if (t.retry_at !== undefined) retrying++;
    } else if (t.status === "failed" || t.status === "cancelled") failed.push(id);
  }
  if (s.halt && inFlight === 0) {
    cancelAll(ctx, s.halt);
    complete(ctx, "failed", s.halt);
    return;
  }
  if (inFlight === 0 && waiting === 0 && blocked === 0 && open === 0) {
    const list = failed.slice(0, 5).join(", ") + (failed.length > 5 ? ` and ${failed.length - 5} more` : "");
    if (failed.length === 0) complete(ctx, "succeeded", undefined);
    else complete(ctx, "failed", `${failed.length} task(s) did not succeed: ${list}`);
    return;
  }
  if (inFlight > 0 || s.ready.length > 0 || retrying > 0) s.status = "running";
  else if (waiting > 0) s.status = "waiting";
  else if (blocked > 0) s.status = "blocked";
  else s.status = "running";
}

function complete(ctx: Ctx, status: "succeeded" | "failed" | "cancelled", reason: string | undefined): void {
  const { s } = ctx;
  s.status = status;
  s.finished_at = ctx.at;
  if (reason !== undefined) s.reason = reason;
  ctx.effects.push({ type: "complete", status, ...(reason !== undefined ? { reason } : {}) });
}
