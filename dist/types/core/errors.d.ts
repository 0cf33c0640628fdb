/**
 * An error a user can act on: `message` says what is wrong, `hint` what to do about it.
 * `code` is stable for programs (`plan_invalid`, `graph_invalid`, `state_corrupt`, …).
 */
export declare class OrchestrateError extends Error {
    readonly code: string;
    readonly hint: string | undefined;
    readonly details: readonly string[];
    constructor(code: string, message: string, options?: {
        hint?: string;
        details?: readonly string[];
        cause?: unknown;
    });
}
/** Thrown by a task to fail with a given error kind (e.g. `config` or a kind listed in `non_retryable`). */
export declare class TaskFailure extends Error {
    readonly kind: string;
    constructor(kind: string, message: string);
}
