import { type Problem } from "./problem.js";
import { type Origin } from "./yaml-origins.js";
export interface CheckPlanOptions {
    /**
     * Ids that the template the plan extends may define, when that template could not be read: a
     * reference to one of them is not reported, since the template may hold it.
     */
    inherited?: {
        agents: readonly string[];
        phases: readonly string[];
    };
}
/**
 * Checks what the schema cannot: references between phases and agents, duplicate ids, cycles,
 * output paths, `when` conditions and matrices. Works on the raw (merged) data, skipping values of
 * the wrong type (the schema reports those), so every problem is found in one pass.
 */
export declare function checkPlan(data: unknown, root: Origin, options?: CheckPlanOptions): Problem[];
/**
 * Most tasks one phase may expand to: GitHub Actions runs at most 256 jobs in one workflow run's
 * matrix, which is what a phase's batch is dispatched as, and the phase's check run lists each.
 */
export declare const MAX_PHASE_TASKS = 256;
/**
 * Most tasks a plan may expand to. Every task of a phase needs every task of the phases it needs,
 * so the state an execution saves on every event grows with their product: a plan at this limit
 * saves at most about 6 MB (two halves of 500 tasks, each of one half needing all of the other);
 * ten times as many tasks, a hundred times that. (A task graph given to the engine directly,
 * without a plan, has no such limit.)
 */
export declare const MAX_PLAN_TASKS = 1000;
