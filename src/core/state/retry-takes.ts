import type { ExecutionEvent } from "./events.ts";
import { reduce } from "./reduce.ts";
import type { ExecutionState } from "./types.ts";

/**
 * Whether a retry of the whole execution would be taken now, so that advice to retry is given only
 * where it helps. The reducer itself is asked (it is pure: `state` does not change), so the answer
 * follows whatever a retry takes up.
 */
export function retryTakes(state: ExecutionState): boolean {
  const event: ExecutionEvent = {
    id: "retry-takes",
    at: state.finished_at ?? state.created_at,
    type: "retry_requested",
    by: "orchestrate",
  };
  return !reduce(state, event).effects.some((e) => e.type === "rejected");
}
