import type { Artifact, Cost } from "../core/state/index.js";
/** What a task function returned, checked: the fields a `task_succeeded` event takes, or a problem. */
export type CheckedOutput = {
    ok: true;
    artifacts?: Artifact[];
    cost?: Cost;
    summary?: string;
    context?: Record<string, unknown>;
} | {
    ok: false;
    message: string;
};
/**
 * Checks a task function's return value field by field, and only the fields it has: most tasks
 * return nothing or a summary, and this runs once per attempt. A wrong field is named with what
 * was expected, so the attempt fails with a message that says what to return instead.
 */
export declare function checkOutput(out: unknown): CheckedOutput;
