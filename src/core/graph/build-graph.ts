import { evaluateCondition, explainCondition, parseCondition } from "../plan/condition.ts";
import type { Facts } from "../plan/facts.ts";
import type { Problem } from "../plan/problem.ts";
import type { Plan } from "../plan/schema.ts";
import { type ExpandedPhase, expandPhase } from "./expand-phase.ts";
import { findCycles } from "./find-cycles.ts";
import type { PhaseNode, TaskNode } from "./types.ts";
import { completeGraph, type GraphResult } from "./validate-graph.ts";

/**
 * Expands a plan into a validated task graph for the given facts.
 *
 * - A phase whose `when` is false is skipped (with the reason) and has no tasks; so are tasks whose
 *   agent's `when` is false, and a phase left with no task at all.
 * - Every task of a phase needs every task of each phase it `needs`; a phase without tasks is
 *   replaced by what it needs, transitively.
 * - `parallel: false` chains a phase's tasks in order.
 * - Levels and the critical path are computed; duplicate task ids and cycles are problems.
 */
export function buildGraph(plan: Plan, facts: Facts): GraphResult {
  const problems: Problem[] = [];
  const indexOf = new Map<string, number>();
  plan.phases.forEach((phase, i) => {
    if (indexOf.has(phase.id)) problems.push(problem(`phases[${i}].id`, `duplicate phase id "${phase.id}"`));
    else indexOf.set(phase.id, i);
  });
  const needsOf = plan.phases.map((phase, i) =>
    phase.needs.flatMap((need, j) => {
      const target = indexOf.get(need);
      if (target === undefined) problems.push(problem(`phases[${i}].needs[${j}]`, `unknown phase "${need}"`));
      return target === undefined ? [] : [target];
    }),
  );
  for (const cycle of findCycles(needsOf)) {
    const names = [...cycle, cycle[0]!].map((index) => plan.phases[index]!.id);
    problems.push(problem(`phases[${cycle[0]}].needs`, `cycle among phases: ${names.join(" → ")}`));
  }

  const check = (source: string | undefined, path: string): string | undefined => {
    if (source === undefined) return undefined;
    const parsed = parseCondition(source);
    if (!parsed.ok) {
      problems.push(problem(path, `invalid condition: ${parsed.error}`));
      return undefined;
    }
    return evaluateCondition(parsed.condition, facts) ? undefined : explainCondition(parsed.condition, facts);
  };
  const agentSkips = new Map<string, string | undefined>();
  for (const [id, agent] of Object.entries(plan.agents))
    agentSkips.set(id, check(agent.when, `agents.${id}.when`));

  const expanded: (ExpandedPhase & { skipped_phase?: string })[] = plan.phases.map((phase, i) => {
    const unknown = phase.agents.filter((agent) => !Object.hasOwn(plan.agents, agent));
    for (const agent of unknown) problems.push(problem(`phases[${i}].agents`, `unknown agent "${agent}"`));
    const reason = check(phase.when, `phases[${i}].when`);
    if (reason !== undefined) return { tasks: [], skipped: {}, skipped_phase: reason };
    const result = expandPhase(phase, plan.agents, (agent) => agentSkips.get(agent));
    if (result.tasks.length > 0) return result;
    const why = [...new Set(Object.values(result.skipped))].join("; ");
    return { ...result, skipped_phase: `no agent runs: ${why}` };
  });
  if (problems.length > 0) return { ok: false, problems };

  const upstream = upstreamTasks(needsOf, expanded);
  const tasks: TaskNode[] = [];
  const phaseOf: number[] = [];
  const phases: PhaseNode[] = plan.phases.map((phase, i) => {
    const { tasks: own, skipped, skipped_phase } = expanded[i]!;
    const before = [...new Set(needsOf[i]!.flatMap((need) => upstream(need)))];
    own.forEach((task, k) => {
      task.needs = !phase.parallel && k > 0 ? [...before, own[k - 1]!.id] : [...before];
      tasks.push(task);
      phaseOf.push(i);
    });
    const node: PhaseNode = {
      id: phase.id,
      name: phase.name ?? phase.id,
      needs: [...phase.needs],
      tasks: own.map((task) => task.id),
      parallel: phase.parallel,
      level: 0,
    };
    if (skipped_phase !== undefined) node.skipped = skipped_phase;
    if (Object.keys(skipped).length > 0) node.skipped_tasks = skipped;
    if (phase.gate) node.gate = phase.gate;
    return node;
  });
  const levels = new Map<number, number>();
  const levelOf = (i: number): number => {
    let level = levels.get(i);
    if (level === undefined) {
      level = needsOf[i]!.reduce((max, need) => Math.max(max, levelOf(need) + 1), 0);
      levels.set(i, level);
    }
    return level;
  };
  phases.forEach((node, i) => {
    node.level = levelOf(i);
  });
  return completeGraph(tasks, phases, (index) => `phases[${phaseOf[index]}] (task ${tasks[index]!.id})`);
}

/** Task ids a dependent of phase `i` waits for: its tasks, or (when it has none) its needs' ones. */
function upstreamTasks(needsOf: number[][], expanded: ExpandedPhase[]): (i: number) => string[] {
  const memo = new Map<number, string[]>();
  const resolve = (i: number): string[] => {
    const known = memo.get(i);
    if (known) return known;
    const own = expanded[i]!.tasks.map((task) => task.id);
    const ids = own.length > 0 ? own : [...new Set(needsOf[i]!.flatMap(resolve))];
    memo.set(i, ids);
    return ids;
  };
  return resolve;
}

function problem(path: string, message: string): Problem {
  return { file: "", path, message };
}
