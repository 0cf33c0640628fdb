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
