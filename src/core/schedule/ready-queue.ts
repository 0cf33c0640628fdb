import { fairnessGroup } from "../state/derived.ts";
import type { ExecutionState } from "../state/types.ts";

/**
 * The ready queue is an array of task ids kept sorted by dispatch order:
 * 1. critical-path priority, highest first;
 * 2. fairness — `round_robin`: the task's sequence number within its group (phase + agent), so
 *    groups take turns; `shortest_first`: the shortest estimate first;
 * 3. plan order.
 * Insertion and removal use binary search.
 */
export function compareReady(s: ExecutionState, a: string, b: string): number {
  const sa = s.specs[a]!;
  const sb = s.specs[b]!;
  if (sa.priority !== sb.priority) return sb.priority - sa.priority;
  if (s.policy.fairness === "shortest_first") {
    if (sa.estimate_ms !== sb.estimate_ms) return sa.estimate_ms - sb.estimate_ms;
  } else {
    const ra = s.rr_seq[a] ?? 0;
    const rb = s.rr_seq[b] ?? 0;
    if (ra !== rb) return ra - rb;
  }
  return sa.order - sb.order;
}

export { fairnessGroup };

/**
 * The first position whose task does not come before `id` (by `compareReady`). The keys of `id`
 * are read once, not at every step of the search.
 */
function lowerBound(s: ExecutionState, id: string): number {
  const ready = s.ready;
  const specs = s.specs;
  const spec = specs[id]!;
  const priority = spec.priority;
  const byEstimate = s.policy.fairness === "shortest_first";
  const fair = byEstimate ? spec.estimate_ms : (s.rr_seq[id] ?? 0);
  const order = spec.order;
  let lo = 0;
  let hi = ready.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const other = ready[mid]!;
    const o = specs[other]!;
    let before: boolean;
    if (o.priority !== priority) before = o.priority > priority;
    else {
      const f = byEstimate ? o.estimate_ms : (s.rr_seq[other] ?? 0);
      before = f !== fair ? f < fair : o.order < order;
    }
    if (before) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function insertReady(s: ExecutionState, id: string): void {
  const group = fairnessGroup(s, id);
  const seq = s.rr[group] ?? 0;
  s.rr[group] = seq + 1;
  s.rr_seq[id] = seq;
  s.ready.splice(lowerBound(s, id), 0, id);
}

export function removeReady(s: ExecutionState, id: string): void {
  // Dispatch takes the head: `shift` is O(1) in V8, where `splice(0, 1)` moves every element.
  if (s.ready[0] === id) s.ready.shift();
  else {
    let index = lowerBound(s, id);
    if (s.ready[index] !== id) index = s.ready.indexOf(id);
    if (index >= 0) s.ready.splice(index, 1);
  }
  delete s.rr_seq[id];
}
