import type { Ctx } from "./context.js";
import type { Artifact } from "./types.js";
/** Returns why a result for (task, attempt) does not fit, or undefined when it does. */
export declare function resultMismatch(ctx: Ctx, task: string, attempt: number): string | undefined;
/** Records a successful attempt: the task succeeds, or waits at its phase's gate. */
export declare function succeed(ctx: Ctx, task: string, result: {
    artifacts?: Artifact[];
    summary?: string;
    context?: Record<string, unknown>;
}): void;
/** "merge conflict between a and b in f, g": the reason a conflicted task is blocked. */
export declare function conflictReason(tasks: readonly string[], files: readonly string[]): string;
/**
 * Records a successful attempt whose work could not be merged into the working branch: the task
 * is blocked (not succeeded), so nothing that needs its work starts; a conflict names the tasks
 * and files (and is recorded as one), any other refusal says GitHub's reason; a person is told.
 * `retry` runs the task again on top of the work that did join.
 */
export declare function blockUnmerged(ctx: Ctx, task: string, result: {
    artifacts?: Artifact[];
    summary?: string;
}, why: {
    conflict?: {
        tasks: readonly string[];
        files: readonly string[];
    };
    unmerged?: string;
}): void;
/** Records a failed attempt: retried after a backoff while the policy allows, else final. */
export declare function fail(ctx: Ctx, task: string, error: {
    kind: string;
    message: string;
}, ran?: boolean): void;
/** Cascading cancellation: stop everything still running or waiting; the execution fails. */
export declare function cascade(ctx: Ctx, why: string): void;
/**
 * Cancels every task that has not finished: running attempts get a `cancel` effect. Work under
 * review is cancelled too, and the gates it waited at close: the execution stops, so nothing
 * waits for their decision. With `keepReviews`, work under review stays as it is, its gate still
 * open, for a retry to take up again without running it anew.
 */
export declare function cancelAll(ctx: Ctx, why: string, options?: {
    keepReviews?: boolean;
}): void;
