import { fairnessGroup } from "../state/derived.js";
import type { ExecutionState } from "../state/types.js";
/**
 * The ready queue is an array of task ids kept sorted by dispatch order:
 * 1. critical-path priority, highest first;
 * 2. fairness — `round_robin`: the task's sequence number within its group (phase + agent), so
 *    groups take turns; `shortest_first`: the shortest estimate first;
 * 3. plan order.
 * Insertion and removal use binary search.
 */
export declare function compareReady(s: ExecutionState, a: string, b: string): number;
export { fairnessGroup };
/**
 * The ready tasks of each fairness group, in queue order (do not change the lists): made on first
 * use and kept in step while the ready queue changes only through `insertReady` and `removeReady`.
 * Undefined when the queue is not in `compareReady` order (a state that was saved out of order),
 * where only a walk of the queue itself gives its order.
 */
export declare function readyByGroup(s: ExecutionState): ReadonlyMap<string, readonly string[]> | undefined;
export declare function insertReady(s: ExecutionState, id: string): void;
export declare function removeReady(s: ExecutionState, id: string): void;
