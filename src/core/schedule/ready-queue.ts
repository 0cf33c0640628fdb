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
 * The first position in `queue` (sorted by `compareReady`: the ready queue, or the part of it of
 * one group) whose task does not come before `id`. The keys of `id` are read once, not at every
 * step of the search.
 */
function lowerBound(s: ExecutionState, queue: readonly string[], id: string): number {
  const specs = s.specs;
  const spec = specs[id]!;
  const priority = spec.priority;
  const byEstimate = s.policy.fairness === "shortest_first";
  const fair = byEstimate ? spec.estimate_ms : (s.rr_seq[id] ?? 0);
  const order = spec.order;
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const other = queue[mid]!;
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

/**
 * The ready queue split by fairness group (phase and agent), each part in queue order. All tasks
 * of a group hold the same slots and share one circuit, so dispatch can pass over a group that has
 * no free slot without reading its tasks one by one. Derived from one `ready` array and kept in
 * step by `insertReady` and `removeReady`; it lapses when the array changes otherwise (its length
 * no longer matches) or the specs are replaced (priorities change: `tasks_added` re-sorts).
 */
interface GroupIndex {
  specs: ExecutionState["specs"];
  byEstimate: boolean;
  size: number;
  groups: Map<string, string[]>;
}

/** Indexes by ready array; `lastReady` and `lastIndex` spare the lookup in the usual case. */
const indexes = new WeakMap<readonly string[], GroupIndex>();
let indexed = false;
let lastReady: readonly string[] | undefined;
let lastIndex: GroupIndex | undefined;

/** The index of `s.ready` if one was made and still holds, else undefined. */
function liveIndex(s: ExecutionState): GroupIndex | undefined {
  if (!indexed) return undefined;
  const ready = s.ready;
  let index: GroupIndex | undefined;
  if (ready === lastReady) index = lastIndex;
  else {
    index = indexes.get(ready);
    if (index === undefined) return undefined;
    lastReady = ready;
    lastIndex = index;
  }
  if (index === undefined) return undefined;
  if (
    index.specs === s.specs &&
    index.size === ready.length &&
    index.byEstimate === (s.policy.fairness === "shortest_first")
  )
    return index;
  indexes.delete(ready);
  lastIndex = undefined;
  return undefined;
}

/**
 * The ready tasks of each fairness group, in queue order (do not change the lists): made on first
 * use and kept in step while the ready queue changes only through `insertReady` and `removeReady`.
 * Undefined when the queue is not in `compareReady` order (a state that was saved out of order),
 * where only a walk of the queue itself gives its order.
 */
export function readyByGroup(s: ExecutionState): ReadonlyMap<string, readonly string[]> | undefined {
  const live = liveIndex(s);
  if (live) return live.groups;
  const ready = s.ready;
  const groups = new Map<string, string[]>();
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    if (i > 0 && compareReady(s, ready[i - 1]!, id) >= 0) return undefined;
    const group = fairnessGroup(s, id);
    const list = groups.get(group);
    if (list) list.push(id);
    else groups.set(group, [id]);
  }
  const index: GroupIndex = {
    specs: s.specs,
    byEstimate: s.policy.fairness === "shortest_first",
    size: ready.length,
    groups,
  };
  indexes.set(ready, index);
  indexed = true;
  lastReady = ready;
  lastIndex = index;
  return groups;
}

export function insertReady(s: ExecutionState, id: string): void {
  const group = fairnessGroup(s, id);
  const seq = s.rr[group] ?? 0;
  s.rr[group] = seq + 1;
  s.rr_seq[id] = seq;
  const index = liveIndex(s);
  s.ready.splice(lowerBound(s, s.ready, id), 0, id);
  if (index === undefined) return;
  index.size += 1;
  const list = index.groups.get(group);
  if (list) list.splice(lowerBound(s, list, id), 0, id);
  else index.groups.set(group, [id]);
}

export function removeReady(s: ExecutionState, id: string): void {
  const index = liveIndex(s);
  const removed = removeFrom(s, s.ready, id);
  if (index !== undefined && removed) {
    index.size -= 1;
    const group = fairnessGroup(s, id);
    const list = index.groups.get(group);
    if (list) {
      removeFrom(s, list, id);
      if (list.length === 0) index.groups.delete(group);
    }
  }
  delete s.rr_seq[id];
}

/** Removes `id` from a sorted queue; whether it was there. */
function removeFrom(s: ExecutionState, queue: string[], id: string): boolean {
  // Dispatch takes the head: `shift` is O(1) in V8, where `splice(0, 1)` moves every element.
  if (queue[0] === id) {
    queue.shift();
    return true;
  }
  let index = lowerBound(s, queue, id);
  if (queue[index] !== id) index = queue.indexOf(id);
  if (index < 0) return false;
  queue.splice(index, 1);
  return true;
}
