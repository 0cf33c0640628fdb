/** Minimal shape the priority computation needs. */
export interface PriorityInput {
  id: string;
  needs: readonly string[];
  estimate_ms: number;
}

/**
 * Critical-path priority ("bottom level") of every task: the longest sum of estimates on a path
 * from the task to the end of the graph, the task included. Scheduling the highest first is
 * the classic list-scheduling heuristic that keeps the critical path moving. O(V + E).
 * Tasks on a cycle (which validation rejects earlier) get their own estimate.
 */
export function criticalPathPriorities(tasks: readonly PriorityInput[]): Map<string, number> {
  const { priorities } = bottomLevels(tasks);
  const out = new Map<string, number>();
  for (let i = 0; i < tasks.length; i++) out.set(tasks[i]!.id, priorities[i]!);
  return out;
}

/**
 * The priorities of `criticalPathPriorities`, by position in `tasks` rather than by id: what the
 * map would hold for each task's id (a repeated id stands for its last task). `unique`: no id is
 * repeated.
 */
export function bottomLevels(tasks: readonly PriorityInput[]): { priorities: Float64Array; unique: boolean } {
  // Index of each id (the last task with an id stands for it, as a Map built from the list would).
  const indexOf = new Map<string, number>();
  for (let i = 0; i < tasks.length; i++) indexOf.set(tasks[i]!.id, i);
  const n = tasks.length;
  const unique = indexOf.size === n;
  // Needs as indices, and dependents in compressed form: those of task i are
  // dependents[first[i]] … dependents[first[i + 1] − 1].
  const needs: number[][] = new Array(n);
  const remaining = new Int32Array(n);
  const first = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const list: number[] = [];
    for (const need of tasks[i]!.needs) {
      const j = indexOf.get(need);
      if (j === undefined) continue;
      list.push(j);
      remaining[j]! += 1;
      first[j + 1]! += 1;
    }
    needs[i] = list;
  }
  for (let i = 0; i < n; i++) first[i + 1]! += first[i]!;
  const dependents = new Int32Array(first[n]!);
  const fill = first.slice(0, n);
  for (let i = 0; i < n; i++) for (const j of needs[i]!) dependents[fill[j]!++] = i;
  // Process sinks first: a task's priority is known once all its dependents' are.
  const priority = new Float64Array(n);
  const done = new Uint8Array(n);
  const stack: number[] = [];
  for (let i = 0; i < n; i++)
    if (remaining[i] === 0 && (unique || indexOf.get(tasks[i]!.id) === i)) stack.push(i);
  while (stack.length > 0) {
    const i = stack.pop()!;
    let longest = 0;
    for (let k = first[i]!; k < first[i + 1]!; k++) longest = Math.max(longest, priority[dependents[k]!]!);
    priority[i] = tasks[i]!.estimate_ms + longest;
    done[i] = 1;
    for (const j of needs[i]!) {
      remaining[j]! -= 1;
      if (remaining[j] === 0) stack.push(j);
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = unique ? i : indexOf.get(tasks[i]!.id)!;
    out[i] = done[j] ? priority[j]! : tasks[j]!.estimate_ms;
  }
  return { priorities: out, unique };
}
