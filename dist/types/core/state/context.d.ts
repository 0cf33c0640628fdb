import { dependentsOf, slotKeys } from "./derived.js";
import type { Effect } from "./effects.js";
import type { ExecutionState, StatusCounts, TaskState, TaskStatus } from "./types.js";
export { dependentsOf, slotKeys };
/** Working set of one transition: the draft state, the event's time, effects so far. */
export interface Ctx {
    s: ExecutionState;
    at: number;
    effects: Effect[];
    /** Phases whose tasks changed (for `update_status`); "" for tasks without a phase. Made on first change. */
    changed?: string[];
    /**
     * Set when the task records are shared with an earlier state (`reduce`): the tasks already
     * copied in this transition, which may be changed. Absent: every task record is this state's
     * own and is changed in place (`applyInPlace`).
     */
    copied?: Set<string>;
}
/** Every status at zero. */
export declare function emptyCounts(): StatusCounts;
/** The state's tasks per status; rebuilt from `tasks` (and kept) when the state has none. */
export declare function statusCounts(s: ExecutionState): StatusCounts;
/** Records a task's move from `from` (undefined: a new task) to `to` in the status counts. */
export declare function countStatus(s: ExecutionState, from: TaskStatus | undefined, to: TaskStatus): void;
/**
 * A task record of the draft that may be changed: the record itself in place mode, else a copy
 * made on first change in this transition, so a state `reduce` was given never changes.
 */
export declare function ownTask(ctx: Ctx, id: string): TaskState;
/**
 * The one place a task's status changes: keeps the ready queue, the slot counters and the
 * status counts in step.
 */
export declare function setTask(ctx: Ctx, id: string, status: TaskStatus, patch?: Partial<TaskState>): TaskState;
/** Records that a phase ("" for tasks without one, and delivery) changed in this transition. */
export declare function markChanged(ctx: Ctx, phase: string): void;
/**
 * Whether every dependency of `id` succeeded or was skipped by a person. Inside one phase, a task
 * under review counts as done: a gated phase's tasks are reviewed together once all have run.
 */
export declare function dependenciesMet(s: ExecutionState, id: string): boolean;
/** Moves a pending task whose dependencies are met (and no backoff is running) to ready. */
export declare function promote(ctx: Ctx, id: string): void;
export declare function promoteDependents(ctx: Ctx, id: string): void;
/** Skips every task downstream of `id` that has not run, because `id` did not succeed. */
export declare function skipDependents(ctx: Ctx, id: string, why: string): void;
export declare function startTimer(ctx: Ctx, timer: ExecutionState["timers"][string]): void;
export declare function clearTimer(ctx: Ctx, id: string): void;
/** Id of the timeout timer of a task attempt. */
export declare function timeoutTimerId(s: ExecutionState, id: string, attempt: number): string;
/** Starts a new round of a phase's time limit (its own `timeout_ms`, else the policy's), if it has one. */
export declare function startPhaseTimer(ctx: Ctx, phase: string): void;
/** How a person raises an execution's budget, on GitHub and locally. */
export declare const BUDGET_HINT = "`/orchestrate budget usd <amount>` on the issue, `orchestrate budget <id> --usd <amount>` locally";
/** Why the execution's cost has reached its budget, or undefined while it is under. */
export declare function overBudget(s: ExecutionState): string | undefined;
/** Clears the retry and timeout timers of a task. */
export declare function clearTaskTimers(ctx: Ctx, id: string): void;
export declare function isTerminal(status: TaskStatus): boolean;
export declare function addCost(ctx: Ctx, id: string | undefined, cost: {
    usd: number;
    tokens: number;
} | undefined): void;
