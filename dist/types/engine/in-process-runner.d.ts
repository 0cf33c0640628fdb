import type { TaskNode } from "../core/graph/types.js";
import type { Artifact, Cost, ExecutionState } from "../core/state/index.js";
import type { TaskRunner } from "../ports/engine-ports.js";
/** Key/value context shared by all tasks of an execution and persisted with its state. */
export interface SharedContext {
    get<T = unknown>(key: string): T | undefined;
    set(key: string, value: unknown): void;
    keys(): string[];
}
/** What a task function receives besides its task. */
export interface RunContext {
    /** Aborted when the attempt times out or the execution is cancelled. */
    signal: AbortSignal;
    /** 1-based attempt number. */
    attempt: number;
    context: SharedContext;
    /** A gate's rejection reason when the phase runs again. */
    feedback?: string;
    /** Reports liveness (and an optional message) to telemetry. */
    heartbeat(message?: string): void;
}
/** What a task function may return. */
export interface TaskOutput {
    artifacts?: Artifact[];
    summary?: string;
    cost?: Partial<Cost>;
    /** Keys merged into the shared context. */
    context?: Record<string, unknown>;
}
export type TaskFunction = (task: TaskNode, ctx: RunContext) => Promise<TaskOutput | undefined>;
/** Error kind of a thrown value: `TaskFailure.kind`, a `kind` property, else `error`. */
export declare function errorKind(error: unknown): string;
/**
 * The message of a thrown value: an error's message, else the value as text. A value that cannot
 * become text (an object without a prototype, a `toString` that throws) gets a message that says so.
 */
export declare function errorMessage(error: unknown): string;
/** Runs tasks as async functions in this process. */
export declare function inProcessRunner(run: TaskFunction, getState: () => ExecutionState | undefined): TaskRunner;
