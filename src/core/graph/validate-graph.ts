import type { Problem } from "../plan/problem.ts";
import { findCycles } from "./find-cycles.ts";
import type { PhaseNode, TaskGraph, TaskNode } from "./types.ts";

/** Estimate of a task that states none, in milliseconds. */
export const DEFAULT_ESTIMATE_MS = 60_000;

export type GraphResult = { ok: true; graph: TaskGraph } | { ok: false; problems: Problem[] };

/**
 * Validates an arbitrary task list (each task's shape, unique ids, every `needs` id known, no
 * cycle) and computes its topological `levels` and `critical_path`. Used for graphs given directly
 * to the engine, which have no phases. O(V+E). At most `PROBLEM_LIMIT` problems are listed.
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
 * The problems of an arbitrary task list (wrong shapes, duplicate ids, unknown needs, cycles), as
 * `validateGraph` reports them, without computing levels and critical path.
 */
export function graphProblems(tasks: TaskNode[]): Problem[] {
  return checkTasks(tasks, (index) => `tasks[${index}]`).problems;
}

/** At most this many problems are listed; the rest are counted in one last problem. */
export const PROBLEM_LIMIT = 20;

/** A cycle longer than this is shown by its first and last tasks and a count of the others. */
const CYCLE_SHOWN = 8;

/** An id longer than this is cut in messages (the problem's path says which task it is). */
const ID_SHOWN = 80;

/**
 * The name no id may have: state records are plain objects keyed by task, agent and phase ids,
 * and assigning `__proto__` to one changes its prototype instead of adding a record.
 */
const RESERVED_ID = "__proto__";

/** Collects problems up to `PROBLEM_LIMIT`, counting the others. */
class Problems {
  readonly list: Problem[] = [];
  #more = 0;

  add(problem: Problem): void {
    if (this.list.length < PROBLEM_LIMIT) this.list.push(problem);
    else this.#more++;
  }

  get any(): boolean {
    return this.list.length > 0;
  }

  /** The problems, with one more saying how many were left out. */
  done(): Problem[] {
    if (this.#more > 0)
      this.list.push({
        file: "",
        path: "tasks",
        message: `${this.#more} more problem(s) not listed`,
        hint: "fix the ones listed first",
      });
    return this.list;
  }
}

function checkTasks(
  tasks: TaskNode[],
  pathOf: (index: number) => string,
): { problems: Problem[]; needsOf: number[][]; order: number[] } {
  const problems = new Problems();
  for (let index = 0; index < tasks.length; index++) checkShape(tasks[index], pathOf(index), problems);
  // The checks below read ids and needs: a task of the wrong shape would make them throw.
  if (problems.any) return { problems: problems.done(), needsOf: [], order: [] };

  const indexOf = new Map<string, number>();
  for (let index = 0; index < tasks.length; index++) {
    const task = tasks[index]!;
    const first = indexOf.get(task.id);
    if (first === undefined) indexOf.set(task.id, index);
    else {
      problems.add({
        file: "",
        path: pathOf(index),
        message: `duplicate task id "${shown(task.id)}" (also ${pathOf(first)})`,
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
        problems.add({
          file: "",
          path: `${pathOf(index)}.needs[${j}]`,
          message: `needs unknown task "${shown(needs[j]!)}"`,
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
      problems.add({
        file: "",
        path: pathOf(cycle[0]!),
        message: cycleMessage(cycle.map((index) => tasks[index]!.id)),
        hint: "each task needs the next one; remove one of these needs",
      });
    }
  }
  return { problems: problems.done(), needsOf, order };
}

/**
 * Adds the problems of one task's shape: a non-empty string `id` and `agent` (not `__proto__`),
 * `needs` a list of ids, and the optional keys of the types they have in `TaskNode`. Graphs given
 * to the library come from code that TypeScript may not have checked.
 */
function checkShape(task: unknown, path: string, problems: Problems): void {
  if (task === null || typeof task !== "object" || Array.isArray(task)) {
    problems.add({
      file: "",
      path,
      message: `expected a task object, got ${typeName(task)}`,
      hint: 'give each task { id, agent, needs }, e.g. { id: "build", agent: "builder", needs: [] }',
    });
    return;
  }
  const t = task as Record<string, unknown>;
  for (const key of ["id", "agent"] as const) {
    const value = t[key];
    if (typeof value !== "string" || value === "") {
      problems.add({
        file: "",
        path: `${path}.${key}`,
        message: `expected a non-empty string, got ${typeName(value)}`,
        hint: key === "id" ? "give every task its own id" : "name the agent that runs the task",
      });
    } else if (value === RESERVED_ID) {
      problems.add({
        file: "",
        path: `${path}.${key}`,
        message: `"${RESERVED_ID}" cannot be ${key === "id" ? "a task id" : "an agent name"}`,
        hint: "choose another name",
      });
    }
  }
  const needs = t.needs;
  if (!Array.isArray(needs)) {
    problems.add({
      file: "",
      path: `${path}.needs`,
      message: `expected a list of task ids, got ${typeName(needs)}`,
      hint: "list the ids of the tasks it waits for, [] for none",
    });
  } else {
    for (let j = 0; j < needs.length; j++) {
      if (typeof needs[j] !== "string")
        problems.add({
          file: "",
          path: `${path}.needs[${j}]`,
          message: `expected a task id (a string), got ${typeName(needs[j])}`,
        });
    }
  }
  if (t.phase !== undefined && typeof t.phase !== "string")
    problems.add({
      file: "",
      path: `${path}.phase`,
      message: `expected a phase id, got ${typeName(t.phase)}`,
    });
  else if (t.phase === RESERVED_ID)
    problems.add({
      file: "",
      path: `${path}.phase`,
      message: `"${RESERVED_ID}" cannot be a phase id`,
      hint: "choose another name",
    });
  const estimate = t.estimate_ms;
  if (estimate !== undefined && !(typeof estimate === "number" && estimate >= 0 && estimate < Infinity))
    problems.add({
      file: "",
      path: `${path}.estimate_ms`,
      message: `expected a duration in ms (a finite number ≥ 0), got ${typeName(estimate)}`,
    });
  if (t.prompt !== undefined && typeof t.prompt !== "string")
    problems.add({
      file: "",
      path: `${path}.prompt`,
      message: `expected a string, got ${typeName(t.prompt)}`,
    });
  if (t.params !== undefined && !isRecord(t.params))
    problems.add({
      file: "",
      path: `${path}.params`,
      message: `expected an object, got ${typeName(t.params)}`,
    });
  if (
    t.matrix !== undefined &&
    !(isRecord(t.matrix) && Object.values(t.matrix).every((v) => typeof v === "string"))
  )
    problems.add({
      file: "",
      path: `${path}.matrix`,
      message: "expected an object of matrix keys to string values",
    });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** What a value is, for a message: its type, and the value itself when short. */
function typeName(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return value === "" ? "an empty string" : `the string "${shown(value)}"`;
  if (typeof value === "number") return `the number ${value}`;
  return `a ${typeof value}`;
}

/** An id as messages show it: cut when very long. */
function shown(id: string): string {
  return id.length > ID_SHOWN ? `${id.slice(0, ID_SHOWN - 1)}…` : id;
}

/** `dependency cycle: a → b → a`; a long cycle shows its first and last tasks and a count. */
function cycleMessage(ids: string[]): string {
  const names = ids.map(shown);
  if (names.length <= CYCLE_SHOWN) return `dependency cycle: ${[...names, names[0]].join(" → ")}`;
  const head = names.slice(0, CYCLE_SHOWN - 2);
  const tail = names.slice(-2);
  const left = names.length - head.length - tail.length;
  return `dependency cycle of ${names.length} tasks: ${[...head, `… (${left} more)`, ...tail, names[0]].join(" → ")}`;
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
