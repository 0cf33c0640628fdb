import type { TaskGraph, TaskNode } from "../core/graph/types.js";
import { type Plan, type PolicyInput } from "../core/plan/schema.js";
import { type OrchestrationResult } from "../core/report/summarize.js";
import type { ExecutionState } from "../core/state/index.js";
import { type Clock, type Random } from "../ports/clock.js";
import type { Telemetry } from "../ports/engine-ports.js";
import { type TaskFunction } from "./in-process-runner.js";
/** A gate decision for library use. */
export type GateDecision = {
    approved: true;
    by?: string;
} | {
    approved: false;
    by?: string;
    reason: string;
};
/** What `approve` is asked about, besides the phase and the state. */
export interface GateRequest {
    /** Who has approved the gate since it opened: a gate with `min_approvals` above 1 asks again. */
    approved_by: readonly string[];
    /** Approvals the gate needs, each from a different `by`. */
    min_approvals: number;
    /** Times the phase was sent back by a rejection so far. */
    revision: number;
}
export interface ExecuteOptions {
    /** Runs one task attempt. Throw to fail it (a `TaskFailure` sets the error kind). */
    run: TaskFunction;
    clock?: Clock;
    random?: Random;
    /** Telemetry: lifecycle, task and heartbeat records, secrets scrubbed. */
    onEvent?: Telemetry;
    /** Aborting it cancels the execution. */
    signal?: AbortSignal;
    /** Secret values scrubbed from telemetry and from the result's free text. */
    secrets?: readonly string[];
    /** Initial shared context. */
    context?: Record<string, unknown>;
    /** Execution id (default `exec-<random>`). */
    id?: string;
    /**
     * Decides gated phases; default: approve at once (`by: "auto"`, then `auto-2`, … for a gate with
     * `min_approvals` above 1). It is asked again while the gate is open after an approval, until the
     * gate has `min_approvals` approvals from different `by`s; an approval by someone who approved
     * already cancels the execution (it would never open the gate). A throw or rejection cancels it.
     */
    approve?: (phase: string, state: ExecutionState, gate: GateRequest) => GateDecision | Promise<GateDecision>;
    /**
     * The plan the graph was built from (`buildGraph(plan, …)`): its agents' `max_concurrency` and
     * its phases' `policy` apply, and its `policy` when the `policy` argument is undefined. Its
     * `delivery` does not (nothing is delivered here).
     */
    plan?: Plan;
}
/** A task for `executeParallel`. */
export interface TaskSpecInput {
    id?: string;
    agent: string;
    prompt: string;
    params?: Record<string, unknown>;
    estimate_ms?: number;
}
/**
 * Runs a task graph in this process: dependencies first, critical path first, within the
 * policy's concurrency, retry, timeout, cancellation, circuit-breaker and budget rules.
 * Resolves when every task is final, or with status `blocked` (and its reason) when nothing in
 * this process can move it on (a gate rejected past `max_revisions`, a merge conflict); never
 * rejects for task failures (see `status`). Free text in the result (errors, artifacts,
 * summaries, reasons, context) is scrubbed of `secrets` and known token formats, as telemetry is.
 * While it runs it keeps the Node.js process alive (engine timers alone do not).
 */
export declare function executeGraph(graph: TaskGraph | {
    tasks: TaskNode[];
}, policy: PolicyInput | undefined, options: ExecuteOptions): Promise<OrchestrationResult>;
/** Runs independent tasks in parallel under the policy. Ids default to `<agent>-<n>`. */
export declare function executeParallel(tasks: readonly TaskSpecInput[], policy: PolicyInput | undefined, options: ExecuteOptions): Promise<OrchestrationResult>;
