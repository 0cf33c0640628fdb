/**
 * A problem found in a plan: where it is (file, line, column, field path) and what is wrong.
 * Lines and columns are 1-based.
 */
export interface Problem {
    /** The file the offending value came from, e.g. `.github/orchestrate.yml` or `templates/tiers.yml`. */
    file: string;
    line?: number;
    column?: number;
    /** The field, e.g. `phases[2].needs[0]`; empty for the document as a whole. */
    path: string;
    message: string;
    /** How to fix it, when there is something better to say than the message. */
    hint?: string;
}
/** Formats a problem as `file:line:col: path: message (hint: …)`, leaving out the parts it lacks. */
export declare function formatProblem(problem: Problem): string;
/** Formats a field path such as `["phases", 2, "needs", 0]` as `phases[2].needs[0]`. */
export declare function formatPath(path: readonly PropertyKey[]): string;
