import { type Problem } from "./problem.js";
import { type Plan } from "./schema.js";
export interface LoadPlanOptions {
    /** Name of the file the text came from, used in problems (e.g. `.github/orchestrate.yml`). */
    file: string;
    /** Templates `extends` may name, by name → YAML text. Default: the built-in templates. */
    templates?: Record<string, string>;
}
export type LoadPlanResult = {
    ok: true;
    plan: Plan;
} | {
    ok: false;
    problems: Problem[];
};
/**
 * The largest plan file read, in bytes (UTF-8). A plan describes agents and phases in a few KB
 * (the built-in templates are under 7 KB); past this, the text is not parsed at all.
 */
export declare const MAX_PLAN_BYTES: number;
/**
 * Loads a plan from YAML text: parses it, merges it over the template it `extends`, validates it
 * against the schema and checks references, cycles, output paths and conditions. Reports every
 * problem found, each with its file, line, column and field path. Never throws.
 */
export declare function loadPlan(text: string, options: LoadPlanOptions): LoadPlanResult;
