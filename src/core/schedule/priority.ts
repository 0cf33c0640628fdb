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
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const dependents = new Map<string, string[]>();
  const remaining = new Map<string, number>();
  for (const t of tasks) remaining.set(t.id, 0);
  for (const t of tasks) {
    for (const need of t.needs) {
      if (!byId.has(need)) continue;
      const list = dependents.get(need);
      if (list) list.push(t.id);
      else dependents.set(need, [t.id]);
      remaining.set(need, (remaining.get(need) ?? 0) + 1);
    }
  }
  // Process sinks first: a task's priority is known once all its dependents' are.
  const stack = tasks.filter((t) => remaining.get(t.id) === 0).map((t) => t.id);
  const priority = new Map<string, number>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    const task = byId.get(id)!;
    let longest = 0;
    for (const d of dependents.get(id) ?? []) longest = Math.max(longest, priority.get(d) ?? 0);
    priority.set(id, task.estimate_ms + longest);
    for (const need of task.needs) {
      if (!byId.has(need)) continue;
      const left = (remaining.get(need) ?? 1) - 1;
      remaining.set(need, left);
      if (left === 0) stack.push(need);
    }
  }
  for (const t of tasks) if (!priority.has(t.id)) priority.set(t.id, t.estimate_ms);
  return priority;
}
