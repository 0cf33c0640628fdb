import type { ExecutionState } from "../state/types.ts";
import { IN_FLIGHT, TERMINAL } from "../state/types.ts";

/**
 * Estimated time left (ms): the larger of the longest remaining critical path and the remaining
 * work spread over the concurrency limit. Running tasks count their estimate minus time spent.
 */
export function estimateRemaining(state: ExecutionState, now: number): number {
  if (state.finished_at !== undefined) return 0;
  let work = 0;
  let path = 0;
  for (const [id, t] of Object.entries(state.tasks)) {
    if (TERMINAL.has(t.status) || t.status === "under_review") continue;
    const spec = state.specs[id]!;
    const spent = IN_FLIGHT.has(t.status) && t.started_at !== undefined ? now - t.started_at : 0;
    const left = Math.max(0, spec.estimate_ms - spent);
    work += left;
    path = Math.max(path, spec.priority - spec.estimate_ms + left);
  }
  return Math.max(path, work / state.policy.max_concurrency);
}

/** Counts of tasks per status. */
export function statusCounts(
  state: ExecutionState,
  ids: readonly string[] = Object.keys(state.tasks),
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) {
    const s = state.tasks[id]?.status ?? "pending";
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return counts;
}
