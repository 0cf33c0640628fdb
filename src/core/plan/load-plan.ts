import { BUILTIN_TEMPLATES } from "./builtin-templates.ts";
import { checkPlan } from "./check-plan.ts";
import { didYouMean } from "./did-you-mean.ts";
import { isRecord, type Located, mergeTemplate } from "./merge-template.ts";
import { normalizeOutputPath } from "./output-path.ts";
import type { Problem } from "./problem.ts";
import { type Plan, PlanSchema } from "./schema.ts";
import { locate, parseYaml, position } from "./yaml-origins.ts";
import { problemsFromIssues } from "./zod-problems.ts";

export interface LoadPlanOptions {
  /** Name of the file the text came from, used in problems (e.g. `.github/orchestrate.yml`). */
  file: string;
  /** Templates `extends` may name, by name → YAML text. Default: the built-in templates. */
  templates?: Record<string, string>;
}

export type LoadPlanResult = { ok: true; plan: Plan } | { ok: false; problems: Problem[] };

/**
 * Loads a plan from YAML text: parses it, merges it over the template it `extends`, validates it
 * against the schema and checks references, cycles, output paths and conditions. Reports every
 * problem found, each with its file, line, column and field path. Never throws.
 */
export function loadPlan(text: string, options: LoadPlanOptions): LoadPlanResult {
  try {
    return load(text, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problems: [{ file: options.file, path: "", message: `could not load the plan: ${reason}` }],
    };
  }
}

function load(text: string, options: LoadPlanOptions): LoadPlanResult {
  const user = parseYaml(text, options.file);
  if (user.problems.length > 0) return { ok: false, problems: user.problems };
  if (user.data === undefined || user.data === null) {
    const problem = { file: options.file, line: 1, column: 1, path: "", message: "the plan is empty" };
    return { ok: false, problems: [{ ...problem, hint: "start with `version: 1`" }] };
  }
  const extended = withTemplate(user, options.templates ?? BUILTIN_TEMPLATES);
  if (!extended.ok) return extended;
  const merged = extended.located;

  const problems: Problem[] = [];
  const parsed = PlanSchema.safeParse(merged.data);
  if (!parsed.success)
    problems.push(...problemsFromIssues(parsed.error.issues, PlanSchema, merged.data, merged.origin));
  problems.push(...checkPlan(merged.data, merged.origin));
  if (problems.length > 0 || !parsed.success)
    return { ok: false, problems: sortProblems(problems, options.file) };

  const plan = parsed.data;
  for (const agent of Object.values(plan.agents)) {
    for (const output of Object.values(agent.outputs)) output.path = normalizeOutputPath(output.path);
  }
  return { ok: true, plan };
}

type Extended = { ok: true; located: Located } | { ok: false; problems: Problem[] };

function withTemplate(user: Located, templates: Record<string, string>): Extended {
  if (!isRecord(user.data) || typeof user.data.extends !== "string") return { ok: true, located: user };
  const name = user.data.extends;
  const text = Object.hasOwn(templates, name) ? templates[name] : undefined;
  if (text === undefined) {
    const names = Object.keys(templates);
    const near = didYouMean(name, names);
    const origin = locate(user.origin, ["extends"]);
    const available = `available templates: ${names.join(", ") || "none"}`;
    const problem: Problem = {
      ...position(origin.source, origin.at),
      path: "extends",
      message: `unknown template "${name}"`,
      hint: near ? `did you mean "${near}"? (${available})` : available,
    };
    return { ok: false, problems: [problem] };
  }
  const template = parseYaml(text, `templates/${name}.yml`);
  if (template.problems.length > 0) return { ok: false, problems: template.problems };
  if (isRecord(template.data) && "extends" in template.data) {
    const origin = locate(template.origin, ["extends"]);
    const problem = {
      ...position(origin.source, origin.at),
      path: "extends",
      message: "a template may not extend another",
    };
    return { ok: false, problems: [problem] };
  }
  return { ok: true, located: mergeTemplate(template, user) };
}

/** Orders problems by file (the plan's own first), then line and column. */
function sortProblems(problems: Problem[], file: string): Problem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      const fileOrder = Number(a.problem.file !== file) - Number(b.problem.file !== file);
      return (
        fileOrder ||
        a.problem.file.localeCompare(b.problem.file) ||
        (a.problem.line ?? 0) - (b.problem.line ?? 0) ||
        (a.problem.column ?? 0) - (b.problem.column ?? 0) ||
        a.index - b.index
      );
    })
    .map(({ problem }) => problem);
}
