import type { Problem } from "../plan/problem.js";
import type { PhaseNode, TaskGraph, TaskNode } from "./types.js";
/** Estimate of a task that states none, in milliseconds. */
export declare const DEFAULT_ESTIMATE_MS = 60000;
export type GraphResult = {
    ok: true;
    graph: TaskGraph;
} | {
    ok: false;
    problems: Problem[];
};
/**
 * Validates an arbitrary task list (each task's shape, unique ids, every `needs` id known, no
 * cycle) and computes its topological `levels` and `critical_path`. Used for graphs given directly
 * to the engine, which have no phases. O(V+E). At most `PROBLEM_LIMIT` problems are listed.
 */
export declare function validateGraph(tasks: TaskNode[]): GraphResult;
/**
 * Checks `tasks` and returns the graph with levels and critical path. `pathOf` names where a task
 * came from in problems. Ties on the critical path go to the task listed first.
 */
export declare function completeGraph(tasks: TaskNode[], phases: PhaseNode[], pathOf: (index: number) => string): GraphResult;
/**
 * The problems of an arbitrary task list (wrong shapes, duplicate ids, unknown needs, cycles), as
 * `validateGraph` reports them, without computing levels and critical path.
 */
export declare function graphProblems(tasks: TaskNode[]): Problem[];
/** At most this many problems are listed; the rest are counted in one last problem. */
export declare const PROBLEM_LIMIT = 20;
