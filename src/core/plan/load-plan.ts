import { BUILTIN_TEMPLATES } from "./builtin-templates.ts";
import { checkPlan } from "./check-plan.ts";
import { didYouMean } from "./did-you-mean.ts";
import { isRecord, type Located, mergeTemplate } from "./merge-template.ts";
import { normalizeOutputPath } from "./output-path.ts";
import { formatPath, type Problem } from "./problem.ts";
import { type Plan, PlanOverrideSchema, PlanSchema } from "./schema.ts";
import { type Key, locate, parseYaml, position } from "./yaml-origins.ts";
import { problemsFromIssues } from "./zod-problems.ts";

export interface LoadPlanOptions {
  /** Name of the file the text came from, used in problems (e.g. `.github/orchestrate.yml`). */
  file: string;
  /** Templates `extends` may name, by name → YAML text. Default: the built-in templates. */
  templates?: Record<string, string>;
}

export type LoadPlanResult = { ok: true; plan: Plan } | { ok: false; problems: Problem[] };

/**
 * The largest plan file read, in bytes (UTF-8). A plan describes agents and phases in a few KB
 * (the built-in templates are under 7 KB); past this, the text is not parsed at all.
 */
export const MAX_PLAN_BYTES = 256 * 1024;

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
  const bytes = text.length > MAX_PLAN_BYTES ? text.length : new TextEncoder().encode(text).byteLength;
  if (bytes > MAX_PLAN_BYTES) {
    const size = `${Math.ceil(bytes / 1024).toLocaleString("en-US")} KB`;
    const problem = {
      file: options.file,
      path: "",
      message: `the plan is ${text.length > MAX_PLAN_BYTES ? "over " : ""}${size}, more than the ${MAX_PLAN_BYTES / 1024} KB a plan may be`,
      hint: "a plan names agents and phases: keep long prompts in files the agents read, and let a matrix stand for repeated phases",
    };
    return { ok: false, problems: [problem] };
  }
  const user = parseYaml(text, options.file);
  if (user.data === undefined && user.problems.length > 0) return { ok: false, problems: user.problems };
  if (user.data === undefined || user.data === null) {
    const problem = { file: options.file, line: 1, column: 1, path: "", message: "the plan is empty" };
    return { ok: false, problems: [{ ...problem, hint: "start with `version: 1`" }] };
  }
  const templates = options.templates ?? BUILTIN_TEMPLATES;
  const template = resolveTemplate(user, templates);
  const yamlProblems = [...user.problems, ...(template.kind === "found" ? template.yamlProblems : [])];
  const checked =
    template.kind === "unresolved"
      ? { problems: [...template.problems, ...checkAlone(user, templates)], plan: undefined }
      : check(template.kind === "found" ? mergeTemplate(template.located, user) : user);
  const problems = [...yamlProblems, ...withoutFollowOns(checked.problems, yamlProblems)];
  if (problems.length > 0 || checked.plan === undefined)
    return { ok: false, problems: sortProblems(problems, options.file) };

  const plan = checked.plan;
  for (const agent of Object.values(plan.agents)) {
    for (const output of Object.values(agent.outputs)) output.path = normalizeOutputPath(output.path);
  }
  return { ok: true, plan };
}

/** Validates a complete plan (the file, merged over its template if it has one). */
function check(located: Located): { problems: Problem[]; plan: Plan | undefined } {
  const problems: Problem[] = [];
  const parsed = PlanSchema.safeParse(located.data);
  if (!parsed.success)
    problems.push(...problemsFromIssues(parsed.error.issues, PlanSchema, located.data, located.origin));
  problems.push(...checkPlan(located.data, located.origin));
  return { problems, plan: parsed.success ? parsed.data : undefined };
}

type Resolved =
  | { kind: "none" }
  | { kind: "found"; located: Located; yamlProblems: Problem[] }
  | { kind: "unresolved"; problems: Problem[] };

/** The template the plan `extends`, or why it cannot be used. */
function resolveTemplate(user: Located, templates: Record<string, string>): Resolved {
  if (!isRecord(user.data) || !("extends" in user.data)) return { kind: "none" };
  const name = user.data.extends;
  // A value that is not a string is reported by the schema.
  if (typeof name !== "string") return { kind: "unresolved", problems: [] };
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
    return { kind: "unresolved", problems: [problem] };
  }
  const template = parseYaml(text, `templates/${name}.yml`);
  if (template.data === undefined) return { kind: "unresolved", problems: template.problems };
  if (isRecord(template.data) && "extends" in template.data) {
    const origin = locate(template.origin, ["extends"]);
    const problem = {
      ...position(origin.source, origin.at),
      path: "extends",
      message: "a template may not extend another",
    };
    return { kind: "unresolved", problems: [problem] };
  }
  return { kind: "found", located: template, yamlProblems: template.problems };
}

/**
 * Checks a file whose template cannot be read, on its own: everything that does not depend on the
 * template (version, keys, types, conditions, output paths, duplicate ids, cycles among its own
 * phases). An agent or phase any available template defines may be left incomplete or referenced
 * without a definition, as the template meant may supply it; one that no template defines may not.
 */
function checkAlone(user: Located, templates: Record<string, string>): Problem[] {
  const problems: Problem[] = [];
  const parsed = PlanOverrideSchema.safeParse(user.data);
  if (!parsed.success)
    problems.push(...problemsFromIssues(parsed.error.issues, PlanOverrideSchema, user.data, user.origin));
  const inherited = idsOfTemplates(templates);
  problems.push(...missingKeys(user, inherited));
  problems.push(...checkPlan(user.data, user.origin, { inherited }));
  return problems;
}

/** Every agent id and phase id some template defines. */
function idsOfTemplates(templates: Record<string, string>): { agents: string[]; phases: string[] } {
  const agents = new Set<string>();
  const phases = new Set<string>();
  for (const [name, text] of Object.entries(templates)) {
    const { data } = parseYaml(text, `templates/${name}.yml`);
    if (!isRecord(data)) continue;
    if (isRecord(data.agents)) for (const id of Object.keys(data.agents)) agents.add(id);
    if (Array.isArray(data.phases))
      for (const phase of data.phases)
        if (isRecord(phase) && typeof phase.id === "string") phases.add(phase.id);
  }
  return { agents: [...agents], phases: [...phases] };
}

/**
 * `run` of an agent and `agents` of a phase that no template defines: the file alone must set
 * them, whichever template it extends.
 */
function missingKeys(user: Located, inherited: { agents: string[]; phases: string[] }): Problem[] {
  const data = user.data;
  if (!isRecord(data)) return [];
  const problems: Problem[] = [];
  const missing = (path: Key[], key: string, hint: string): void => {
    const origin = locate(user.origin, path);
    const problem = { ...position(origin.source, origin.at), path: formatPath([...path, key]) };
    problems.push({ ...problem, message: `missing required key "${key}"`, hint });
  };
  if (isRecord(data.agents)) {
    for (const [id, agent] of Object.entries(data.agents)) {
      if (isRecord(agent) && !("run" in agent) && !inherited.agents.includes(id))
        missing(["agents", id], "run", `no template defines an agent "${id}" to take it from`);
    }
  }
  if (Array.isArray(data.phases)) {
    data.phases.forEach((phase, index) => {
      if (!isRecord(phase) || "agents" in phase || typeof phase.id !== "string") return;
      if (!inherited.phases.includes(phase.id))
        missing(["phases", index], "agents", `no template defines a phase "${phase.id}" to take it from`);
    });
  }
  return problems;
}

/**
 * Leaves out the problems at or below a value YAML misread (an unquoted `!` taken as a tag): they
 * describe YAML's reading, not what was written, and the YAML problem already says how to fix it.
 */
function withoutFollowOns(problems: Problem[], yamlProblems: Problem[]): Problem[] {
  const misread = yamlProblems.filter((problem) => problem.path !== "");
  return problems.filter(
    (problem) =>
      !misread.some(
        (at) =>
          at.file === problem.file &&
          (problem.path === at.path ||
            problem.path.startsWith(`${at.path}.`) ||
            problem.path.startsWith(`${at.path}[`)),
      ),
  );
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
