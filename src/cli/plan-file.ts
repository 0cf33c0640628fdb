import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { formatProblem, loadPlan, type Plan, type Problem } from "../core/plan/index.ts";
import { fsMeaning } from "./fs-problem.ts";
import { CliError, EXIT } from "./io.ts";

/** The default plan location, relative to the working directory. */
export const DEFAULT_PLAN = ".github/orchestrate.yml";

export type PlanFile =
  | { ok: true; plan: Plan; path: string; display: string; dir: string }
  | { ok: false; problems: Problem[]; path: string; display: string };

/** Reads and loads a plan file, returning every problem found (an unreadable file is one problem). */
export function loadPlanFile(file: string | undefined, cwd: string): PlanFile {
  const path = resolve(cwd, file ?? DEFAULT_PLAN);
  const rel = relative(cwd, path);
  const display = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      ok: false,
      path,
      display,
      problems: [
        {
          file: display,
          path: "",
          message: `cannot read the file: ${code} (${fsMeaning(code)})`,
          hint: unreadableHint(code, path, display, file !== undefined, cwd),
        },
      ],
    };
  }
  const result = loadPlan(text, { file: display });
  return result.ok
    ? { ok: true, plan: result.plan, path, display, dir: dirname(path) }
    : { ok: false, problems: result.problems, path, display };
}

/** What to do about a plan file that cannot be read, by error code. */
function unreadableHint(code: string, path: string, display: string, given: boolean, cwd: string): string {
  if (code === "ENOENT") {
    if (given) return "check the path";
    // Run from a folder of the repository: its plan is above.
    const above = planAbove(cwd);
    if (above)
      return `this repository's plan is ${relative(cwd, above)}: run from ${dirname(dirname(above))} (agents run in the working directory), or pass it as the first argument`;
    return "create one with 'orchestrate init', or pass a plan file as the first argument";
  }
  if (code === "EISDIR") {
    // A project folder given for its plan: name the plan inside it when there is one.
    const inside = join(path, DEFAULT_PLAN);
    return existsSync(inside)
      ? `give the plan file, not a folder: ${join(display, DEFAULT_PLAN)}`
      : `give the path of a plan file, not a folder; the default is ${DEFAULT_PLAN}`;
  }
  if (code === "EACCES" || code === "EPERM") return `check the permissions of ${display} and of its folder`;
  return "check the file, then try again";
}

/**
 * The default plan of a folder above `cwd`, up to the root of the git repository `cwd` is in
 * (the nearest first); none outside a repository.
 */
function planAbove(cwd: string): string | undefined {
  const top = gitRoot(cwd);
  if (top === undefined) return undefined;
  for (let dir = resolve(cwd); dir !== top; ) {
    dir = dirname(dir);
    const plan = join(dir, DEFAULT_PLAN);
    if (existsSync(plan)) return plan;
  }
  return undefined;
}

/** The nearest folder at or above `dir` holding `.git`, if any. */
function gitRoot(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, ".git"))) return at;
    if (dirname(at) === at) return undefined;
  }
}

/** Like `loadPlanFile`, but every problem becomes one `CliError` (exit 2). */
export function readPlan(file: string | undefined, cwd: string): Extract<PlanFile, { ok: true }> {
  const loaded = loadPlanFile(file, cwd);
  if (loaded.ok) return loaded;
  const count = loaded.problems.length;
  throw new CliError(
    `${loaded.display}: ${count} problem${count === 1 ? "" : "s"}`,
    EXIT.usage,
    loaded.problems.map(formatProblem),
  );
}
