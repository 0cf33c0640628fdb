import { matrixCombinations } from "../graph/expand-phase.ts";
import { findCycles } from "../graph/find-cycles.ts";
import { parseCondition } from "./condition.ts";
import { didYouMean } from "./did-you-mean.ts";
import { isRecord } from "./merge-template.ts";
import { checkOutputPath } from "./output-path.ts";
import { formatPath, type Problem } from "./problem.ts";
import { type Key, locate, type Origin, pathInFile, position } from "./yaml-origins.ts";

/**
 * Records a problem at the value at `path`: at `offset` into its text when given, at its key for
 * `"key"`.
 */
type Report = (path: Key[], message: string, hint?: string, offset?: number | "key") => void;

/**
 * Names `path` in a problem reported at `from`: its path in the file that wrote it, and that file
 * when it is not the one `from` is in.
 */
type Where = (path: Key[], from: Key[]) => string;

export interface CheckPlanOptions {
  /**
   * Ids that the template the plan extends may define, when that template could not be read: a
   * reference to one of them is not reported, since the template may hold it.
   */
  inherited?: { agents: readonly string[]; phases: readonly string[] };
}

/**
 * Checks what the schema cannot: references between phases and agents, duplicate ids, cycles,
 * output paths, `when` conditions and matrices. Works on the raw (merged) data, skipping values of
 * the wrong type (the schema reports those), so every problem is found in one pass.
 */
export function checkPlan(data: unknown, root: Origin, options: CheckPlanOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (path, message, hint, offset) => {
    const origin = locate(root, path);
    const at =
      offset === "key"
        ? (origin.keyAt ?? origin.at)
        : offset !== undefined && origin.textAt !== undefined
          ? origin.textAt + offset
          : origin.at;
    const problem: Problem = {
      ...position(origin.source, at),
      path: formatPath(pathInFile(root, path)),
      message,
    };
    if (hint) problem.hint = hint;
    problems.push(problem);
  };
  const where: Where = (path, from) => {
    const file = locate(root, path).source.name;
    const written = formatPath(pathInFile(root, path));
    return file === locate(root, from).source.name ? written : `${written} in ${file}`;
  };
  if (!isRecord(data)) return problems;
  const inherited = options.inherited ?? { agents: [], phases: [] };
  const agents = isRecord(data.agents) ? data.agents : {};
  for (const [id, agent] of Object.entries(agents)) {
    if (!isRecord(agent)) continue;
    checkCondition(agent.when, ["agents", id, "when"], report);
    if (!isRecord(agent.outputs)) continue;
    for (const [name, output] of Object.entries(agent.outputs)) {
      if (!isRecord(output) || typeof output.path !== "string") continue;
      const error = checkOutputPath(output.path);
      if (error)
        report(
          ["agents", id, "outputs", name, "path"],
          error,
          "use a path relative to the task's artifacts folder",
        );
    }
  }
  const phases = Array.isArray(data.phases) ? data.phases : [];
  const agentIds = known(Object.keys(agents), inherited.agents);
  checkPhases(phases, agentIds, inherited.phases, report, where);
  const revise = isRecord(data.delivery) ? data.delivery.revise_phase : undefined;
  if (typeof revise === "string") {
    const own = phases
      .filter(isRecord)
      .map((p) => p.id)
      .filter((id): id is string => typeof id === "string");
    const ids = known(own, inherited.phases);
    if (!ids.includes(revise))
      report(["delivery", "revise_phase"], `unknown phase "${revise}"`, suggest(revise, ids, "phases"));
  }
  return problems;
}

/** The plan's own ids, then the inherited ones it does not define. */
function known(own: string[], inherited: readonly string[]): string[] {
  return [...new Set([...own, ...inherited])];
}

function checkPhases(
  phases: unknown[],
  agentIds: string[],
  inheritedPhases: readonly string[],
  report: Report,
  where: Where,
): void {
  const firstIndex = new Map<string, number>();
  phases.forEach((phase, i) => {
    if (!isRecord(phase) || typeof phase.id !== "string") return;
    const first = firstIndex.get(phase.id);
    if (first === undefined) firstIndex.set(phase.id, i);
    else {
      const path: Key[] = ["phases", i, "id"];
      report(path, `duplicate phase id "${phase.id}" (first at ${where(["phases", first], path)})`);
    }
  });
  const phaseIds = known([...firstIndex.keys()], inheritedPhases);
  const edges: number[][] = phases.map(() => []);
  phases.forEach((phase, i) => {
    if (!isRecord(phase)) return;
    checkCondition(phase.when, ["phases", i, "when"], report);
    forEachString(phase.agents, (agent, j, seen) => {
      if (seen) report(["phases", i, "agents", j], `agent "${agent}" is listed twice in this phase`);
      else if (!agentIds.includes(agent)) {
        report(["phases", i, "agents", j], `unknown agent "${agent}"`, suggest(agent, agentIds, "agents"));
      }
    });
    forEachString(phase.needs, (need, j) => {
      const target = firstIndex.get(need);
      if (need === phase.id) report(["phases", i, "needs", j], `phase "${need}" needs itself`);
      else if (target === undefined && !inheritedPhases.includes(need)) {
        report(["phases", i, "needs", j], `unknown phase "${need}"`, suggest(need, phaseIds, "phases"));
      } else if (target !== undefined && typeof phase.id === "string" && firstIndex.get(phase.id) === i)
        edges[i]!.push(target);
    });
    if (isRecord(phase.matrix)) {
      for (const [key, values] of Object.entries(phase.matrix)) {
        forEachString(values, (value, j, seen) => {
          if (seen) report(["phases", i, "matrix", key, j], `matrix value "${value}" is listed twice`);
        });
      }
      checkMatrixIds(phase, ["phases", i, "matrix"], report);
    }
  });
  checkTaskCounts(phases, report);
  for (const cycle of findCycles(edges)) {
    const names = [...cycle, cycle[0]!].map((index) => String((phases[index] as { id: unknown }).id));
    const from = phases[cycle[0]!] as { needs: unknown[] };
    const j = from.needs.indexOf(names[1]);
    report(
      ["phases", cycle[0]!, "needs", j],
      `cycle among phases: ${names.join(" → ")}`,
      "each phase needs the next one; remove one of these needs",
    );
  }
}

/**
 * Most tasks one phase may expand to: GitHub Actions runs at most 256 jobs in one workflow run's
 * matrix, which is what a phase's batch is dispatched as, and the phase's check run lists each.
 */
export const MAX_PHASE_TASKS = 256;

/**
 * Most tasks a plan may expand to. Every task of a phase needs every task of the phases it needs,
 * so the state an execution saves on every event grows with their product: a plan at this limit
 * saves at most about 6 MB (two halves of 500 tasks, each of one half needing all of the other);
 * ten times as many tasks, a hundred times that. (A task graph given to the engine directly,
 * without a plan, has no such limit.)
 */
export const MAX_PLAN_TASKS = 1_000;

/**
 * How many tasks each phase expands to (agents × matrix combinations, before `when` conditions,
 * which depend on the request) must stay within `MAX_PHASE_TASKS`, and all of them within
 * `MAX_PLAN_TASKS`: matrices multiply, so a few lines of plan can make thousands of tasks.
 */
function checkTaskCounts(phases: unknown[], report: Report): void {
  let total = 0;
  let within = 0;
  phases.forEach((phase, i) => {
    if (!isRecord(phase)) return;
    const agents = Array.isArray(phase.agents)
      ? new Set(phase.agents.filter((a) => typeof a === "string")).size
      : 0;
    const sizes = isRecord(phase.matrix)
      ? Object.values(phase.matrix).map((values) =>
          Array.isArray(values) ? new Set(values.filter((v) => typeof v === "string")).size : 1,
        )
      : [];
    const count = sizes.reduce((n, size) => n * size, agents);
    total += count;
    within += Math.min(count, MAX_PHASE_TASKS);
    if (count <= MAX_PHASE_TASKS) return;
    const name = typeof phase.id === "string" ? `phase "${phase.id}"` : "this phase";
    const of = `${agents} agent${agents === 1 ? "" : "s"}${sizes.length > 0 ? ` × ${sizes.join(" × ")} matrix values` : ""}`;
    report(
      sizes.length > 0 ? ["phases", i, "matrix"] : ["phases", i, "agents"],
      `${name} expands to ${count.toLocaleString("en-US")} tasks (${of}), more than the ${MAX_PHASE_TASKS} a phase may have`,
      "each task is one job: list fewer matrix values or agents, or split the phase into several phases",
      "key",
    );
  });
  // Only when the phases, each brought within its own limit, would still be too many together.
  if (within > MAX_PLAN_TASKS)
    report(
      ["phases"],
      `the plan expands to ${total.toLocaleString("en-US")} tasks, more than the ${MAX_PLAN_TASKS.toLocaleString("en-US")} a plan may have`,
      "each task is one job and its results are kept in the execution's state: run fewer agents or matrix values, or split the work into several executions",
      "key",
    );
}

/** Most task ids one matrix's problems name: past them, the first ones say how to fix the rest. */
const MAX_ID_COLLISIONS = 5;

/** Most combinations of one matrix compared here; a larger one is left to the graph's own check. */
const MAX_COMBINATIONS = 100_000;

/**
 * Two combinations of a phase's matrix that give one task id: ids join the values with `-`
 * (`phase/agent@v1-v2`, as `expandPhase` builds them), so `{a: x-y, b: z}` and `{a: x, b: y-z}`
 * are both `@x-y-z`. Ids do not depend on the request or the repository, so this is known before
 * any run. A value listed twice is reported on its own, not here.
 */
function checkMatrixIds(phase: Record<string, unknown>, path: Key[], report: Report): void {
  const matrix: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(phase.matrix as Record<string, unknown>)) {
    if (!Array.isArray(values) || values.length === 0) return;
    if (!values.every((value): value is string => typeof value === "string")) return;
    matrix[key] = [...new Set(values)];
  }
  // Without a "-" inside a value, the values are read back from an id: no two combinations meet.
  const lists = Object.values(matrix);
  if (!lists.some((values) => values.some((value) => value.includes("-")))) return;
  if (lists.reduce((n, values) => n * values.length, 1) > MAX_COMBINATIONS) return;
  const agent = Array.isArray(phase.agents) ? phase.agents.find((a) => typeof a === "string") : undefined;
  const prefix = `${typeof phase.id === "string" ? phase.id : "<phase>"}/${agent ?? "<agent>"}`;
  const first = new Map<string, Record<string, string>>();
  let reported = 0;
  for (const combination of matrixCombinations(matrix)) {
    const id = `${prefix}@${Object.values(combination).join("-")}`;
    const earlier = first.get(id);
    if (earlier === undefined) {
      first.set(id, combination);
      continue;
    }
    report(
      path,
      `matrix combinations ${showCombination(earlier)} and ${showCombination(combination)} make the same task id "${id}"`,
      'task ids join matrix values with "-", so a "-" inside a value can make two combinations one id; use "_" or "." inside values instead',
      "key",
    );
    if (++reported === MAX_ID_COLLISIONS) return;
  }
}

function showCombination(combination: Record<string, string>): string {
  return `{ ${Object.entries(combination)
    .map(([key, value]) => `${key}: ${value}`)
    .join(", ")} }`;
}

function checkCondition(source: unknown, path: Key[], report: Report): void {
  if (typeof source !== "string") return;
  const result = parseCondition(source);
  if (!result.ok) report(path, `invalid condition: ${result.error}`, undefined, result.offset);
}

function forEachString(list: unknown, visit: (value: string, index: number, seen: boolean) => void): void {
  if (!Array.isArray(list)) return;
  const seen = new Set<string>();
  list.forEach((value, index) => {
    if (typeof value !== "string") return;
    visit(value, index, seen.has(value));
    seen.add(value);
  });
}

function suggest(word: string, candidates: string[], what: string): string {
  const near = didYouMean(word, candidates);
  if (near) return `did you mean "${near}"?`;
  return candidates.length ? `${what}: ${candidates.join(", ")}` : `no ${what} are defined`;
}
