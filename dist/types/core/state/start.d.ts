import { DEFAULT_ESTIMATE_MS } from "../graph/validate-graph.js";
import { type PolicyConfig } from "../plan/schema.js";
import type { EventOf } from "./events.js";
import type { ExecutionState, TaskSpec, TaskState } from "./types.js";
/** Default limit of one task attempt when the policy sets none. */
export declare const DEFAULT_TASK_TIMEOUT_MS: number;
/** Default limit of a whole execution when the policy sets none. */
export declare const DEFAULT_EXECUTION_TIMEOUT_MS: number;
export { DEFAULT_ESTIMATE_MS };
type TaskInput = EventOf<"execution_started">["tasks"][number];
/** What a phase may override for each of its tasks. */
export type PhaseLimits = Pick<EventOf<"execution_started">["phases"][number], "id" | "max_attempts" | "non_retryable" | "task_timeout_ms">;
/** Builds task specs: limits from the policy and phase overrides, critical-path priorities. */
export declare function buildSpecs(inputs: readonly TaskInput[], phases: readonly PhaseLimits[], policy: PolicyConfig, existing?: Record<string, TaskSpec>): Record<string, TaskSpec>;
export declare function newTaskState(): TaskState;
/**
 * The policy an `execution_started` event carries is already resolved (durations in ms);
 * missing keys take their defaults.
 */
export declare function resolvedPolicy(given: Partial<PolicyConfig> | undefined): PolicyConfig;
/** The state right after `execution_started`, before any task is made ready. */
export declare function initialState(event: EventOf<"execution_started">): ExecutionState;
