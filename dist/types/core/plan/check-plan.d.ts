import { type Problem } from "./problem.js";
import { type Origin } from "./yaml-origins.js";
/**
 * Checks what the schema cannot: references between phases and agents, duplicate ids, cycles,
 * output paths, `when` conditions and matrices. Works on the raw (merged) data, skipping values of
 * the wrong type (the schema reports those), so every problem is found in one pass.
 */
export declare function checkPlan(data: unknown, root: Origin): Problem[];
