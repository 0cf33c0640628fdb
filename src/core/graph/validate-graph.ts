import type { Problem } from "../plan/problem.ts";
import { findCycles } from "./find-cycles.ts";
import type { PhaseNode, TaskGraph, TaskNode } from "./types.ts";

/** Estimate of a task that states none, in milliseconds. */
export const DEFAULT_ESTIMATE_MS = 60_000;

export type GraphResult = { ok: true; graph: TaskGraph } | { ok: false; problems: Problem[] };

/**
 * Validates an arbitrary task list (unique ids, every `needs` id known, no cycle) and computes its
 * topological `levels` and `critical_path`. Used for graphs given directly to the engine, which have
 * no phases. O(V+E).
 */
export function validateGraph(tasks: TaskNode[]): GraphResult {
  return completeGraph(tasks, [], (index) => `tasks[${index}]`);
}

/**
 * Checks `tasks` and returns the graph with levels and critical path. `pathOf` names where a task
 * came from in problems. Ties on the critical path go to the task listed first.
 */
export function completeGraph(
  tasks: TaskNode[],
  phases: PhaseNode[],
  pathOf: (index: number) => string,
): GraphResult {
  const { problems, needsOf, order } = checkTasks(tasks, pathOf);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, graph: withLevels(tasks, phases, needsOf, order) };
}

/**
 * The problems of an arbitrary task list (duplicate ids, unknown needs, cycles), as
 * `validateGraph` reports them, without computing levels and critical path.
 */
export function graphProblems(tasks: TaskNode[]): Problem[] {
  return checkTasks(tasks, (index) => `tasks[${index}]`).problems;
}

function checkTasks(
  tasks: TaskNode[],
  pathOf: (index: number) => string,
): { problems: Problem[]; needsOf: number[][]; order: number[] } {
  const problems: Problem[] = [];
  const indexOf = new Map<string, number>();
  for (let index = 0; index < tasks.length; index++) {
    const task = tasks[index]!;
    const first = indexOf.get(task.id);
    if (first === undefined) indexOf.set(task.id, index);
    else {
      problems.push({
        file: "",
        path: pathOf(index),
        message: `duplicate task id "${task.id}" (also ${pathOf(first)})`,
        hint: "every task needs its own id",
      });
    }
  }

  const needsOf: number[][] = new Array(tasks.length);
  for (let index = 0; index < tasks.length; index++) {
    const needs = tasks[index]!.needs;
    const found: number[] = [];
    for (let j = 0; j < needs.length; j++) {
      const target = indexOf.get(needs[j]!);
      if (target === undefined) {
        problems.push({
          file: "",
          path: `${pathOf(index)}.needs[${j}]`,
          message: `needs unknown task "${needs[j]}"`,
        });
      } else found.push(target);
    }
    needsOf[index] = found;
  }

  const order = topologicalOrder(needsOf);
  if (order.length < tasks.length) {
    const processed = new Uint8Array(tasks.length);
    for (const index of order) processed[index] = 1;
    const remaining = needsOf.map((needs, index) =>
      processed[index] ? [] : needs.filter((n) => !processed[n]),
    );
    for (const cycle of findCycles(remaining)) {
      const names = [...cycle, cycle[0]!].map((index) => tasks[index]!.id);
      problems.push({
        file: "",
        path: pathOf(cycle[0]!),
        message: `dependency cycle: ${names.join(" → ")}`,
        hint: "each task needs the next one; remove one of these needs",
      });
    }
  }
  return { problems, needsOf, order };
}

/** The graph with its topological levels and critical path. */
function withLevels(tasks: TaskNode[], phases: PhaseNode[], needsOf: number[][], order: number[]): TaskGraph {
  const level = new Int32Array(tasks.length);
  const dist = new Float64Array(tasks.length);
  const prev = new Int32Array(tasks.length).fill(-1);
  for (const index of order) {
    let best = -1;
    for (const need of needsOf[index]!) {
      level[index] = Math.max(level[index]!, level[need]! + 1);
      if (best === -1 || dist[need]! > dist[best]! || (dist[need] === dist[best] && need < best)) best = need;
    }
    prev[index] = best;
    dist[index] = estimateOf(tasks[index]!) + (best === -1 ? 0 : dist[best]!);
  }

  const levels: string[][] = [];
  let end = -1;
  tasks.forEach((task, index) => {
    const at = level[index]!;
    while (levels.length <= at) levels.push([]);
    levels[at]!.push(task.id);
    if (end === -1 || dist[index]! > dist[end]!) end = index;
  });
  const chain: string[] = [];
  for (let at = end; at !== -1; at = prev[at]!) chain.push(tasks[at]!.id);
  chain.reverse();
  const critical_path = { tasks: chain, duration_ms: end === -1 ? 0 : dist[end]! };
  return { tasks, phases, levels, critical_path };
}

function estimateOf(task: TaskNode): number {
  return task.estimate_ms ?? DEFAULT_ESTIMATE_MS;
}

/** Kahn's algorithm over "needs" lists; returns the indices it could order (all of them when acyclic). */
function topologicalOrder(needsOf: readonly (readonly number[])[]): number[] {
  const n = needsOf.length;
  const pending = new Int32Array(n);
  // Dependents in compressed form: those of task i are dependents[first[i]] … dependents[first[i + 1] − 1].
  const first = new Int32Array(n + 1);
  for (let index = 0; index < n; index++) {
    const needs = needsOf[index]!;
    pending[index] = needs.length;
    for (const need of needs) first[need + 1]! += 1;
  }
  for (let index = 0; index < n; index++) first[index + 1]! += first[index]!;
  const dependents = new Int32Array(first[n]!);
  const fill = first.slice(0, n);
  for (let index = 0; index < n; index++)
    for (const need of needsOf[index]!) dependents[fill[need]!++] = index;
  const order: number[] = [];
  for (let index = 0; index < n; index++) if (pending[index] === 0) order.push(index);
  for (let head = 0; head < order.length; head++) {
    const at = order[head]!;
    for (let k = first[at]!; k < first[at + 1]!; k++) {
      const next = dependents[k]!;
      pending[next] = pending[next]! - 1;
      if (pending[next] === 0) order.push(next);
    }
  }
  return order;
}
