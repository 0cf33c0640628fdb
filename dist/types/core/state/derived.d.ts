import type { ExecutionState, TaskSpec } from "./types.js";
/**
 * Records `specs` with its values in `Object.values` order, known to the code that made it:
 * listing the values of an object with many keys costs more than deriving the facts.
 */
export declare function rememberSpecs(specs: Record<string, TaskSpec>, ordered: readonly TaskSpec[]): void;
/** `Object.values(specs)`, made once per specs object (do not change the list). */
export declare function specsInOrder(specs: Record<string, TaskSpec>): readonly TaskSpec[];
/** Task ids that list `id` in their needs, in plan order. */
export declare function dependentsOf(s: ExecutionState, id: string): readonly string[];
/** The slot counters a task holds while in flight: `*`, then `phase:<id>` if it has a phase, then `agent:<id>`. */
export declare function slotKeys(s: ExecutionState, id: string): readonly string[];
/** The fairness group of a task: its phase and agent. */
export declare function fairnessGroup(s: ExecutionState, id: string): string;
/** The ids of a task attempt's timeout and retry timers. */
export declare function taskTimerIds(s: ExecutionState, id: string, attempt: number): {
    attempt: number;
    timeout: string;
    retry: string;
};
