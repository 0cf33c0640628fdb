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
 * Loads a plan from YAML text: parses it, merges it over the template it `extends`, validates it
 * against the schema and checks references, cycles, output paths and conditions. Reports every
 * problem found, each with its file, line, column and field path. Never throws.
 */
export declare function loadPlan(text: string, options: LoadPlanOptions): LoadPlanResult;
