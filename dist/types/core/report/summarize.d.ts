import type { Artifact, Cost, ExecutionState, TaskError, TaskStatus } from "../state/types.js";
/** One task in an execution's result. Times are epoch ms (virtual-clock ms in tests). */
export interface TaskResult {
    id: string;
    agent: string;
    phase?: string;
    status: TaskStatus;
    started_at: number | null;
    finished_at: number | null;
    /** Time spent running, over all attempts (ms). */
    duration_ms: number;
    attempts: number;
    artifacts: Artifact[];
    errors: TaskError[];
    cost: Cost;
    summary?: string;
    reason?: string;
}
/** Execution metrics. Durations in ms. */
export interface Metrics {
    /** From start to end of the execution. */
    wall_time: number;
    /** Sum of every task's running time: what a one-at-a-time run would take. */
    serial_time: number;
    /** serial_time ÷ wall_time. */
    speedup_vs_serial: number;
    /** speedup ÷ max_concurrency: how much of the allowed parallelism was used (0–1). */
    parallel_efficiency: number;
    /** Slot time left unused: wall_time × max_concurrency − serial_time. */
    idle_time: number;
    cost_estimate: Cost;
}
/** What an execution produced: the library API's return value and the report's data. */
export interface OrchestrationResult {
    id: string;
    status: ExecutionState["status"];
    reason?: string;
    tasks: TaskResult[];
    metrics: Metrics;
    merged: {
        summary: string;
        conflicts: ExecutionState["conflicts"];
    };
    context: Record<string, unknown>;
}
/**
 * Summarizes a state into the result shape (pure). `now` closes a still-running execution's wall
 * time; without it, the last time a task started or finished does (the figures so far).
 */
export declare function summarize(state: ExecutionState, now?: number): OrchestrationResult;
