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
export function formatProblem(problem: Problem): string {
  let where = problem.file;
  if (problem.line !== undefined) {
    where += `:${problem.line}`;
    if (problem.column !== undefined) where += `:${problem.column}`;
  }
  const parts = [where, problem.path, problem.message].filter((part) => part !== "");
  const hint = problem.hint ? ` (hint: ${problem.hint})` : "";
  return parts.join(": ") + hint;
}

/** Formats a field path such as `["phases", 2, "needs", 0]` as `phases[2].needs[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z0-9_$][A-Za-z0-9_$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
