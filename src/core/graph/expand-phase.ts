import type { AgentConfig, PhaseConfig } from "../plan/schema.ts";
import type { TaskNode } from "./types.ts";
import { DEFAULT_ESTIMATE_MS } from "./validate-graph.ts";

/** The tasks of one phase, before dependencies are added. */
export interface ExpandedPhase {
  tasks: TaskNode[];
  /** Task id → why it was left out. */
  skipped: Record<string, string>;
}

/**
 * Expands a phase into tasks: one per agent × matrix combination (agents outer, combinations in key
 * order, the first key varying slowest). Ids are `phase/agent` or `phase/agent@v1-v2`. Tasks of an
 * agent whose condition is false (`agentSkip` gives the reason) are left out.
 */
export function expandPhase(
  phase: PhaseConfig,
  agents: Record<string, AgentConfig>,
  agentSkip: (agent: string) => string | undefined,
): ExpandedPhase {
  const result: ExpandedPhase = { tasks: [], skipped: {} };
  const combinations = matrixCombinations(phase.matrix ?? {});
  for (const agentId of phase.agents) {
    // Looked up as an own property: `__proto__` or `constructor` names no agent of the plan.
    const agent = Object.hasOwn(agents, agentId) ? agents[agentId] : undefined;
    const reason = agentSkip(agentId);
    for (const combination of combinations) {
      const values = Object.values(combination);
      const id = `${phase.id}/${agentId}${values.length ? `@${values.join("-")}` : ""}`;
      if (reason !== undefined) {
        result.skipped[id] = reason;
        continue;
      }
      const task: TaskNode = {
        id,
        agent: agentId,
        phase: phase.id,
        needs: [],
        estimate_ms: agent?.estimate ?? phase.estimate ?? DEFAULT_ESTIMATE_MS,
      };
      if (values.length) task.matrix = combination;
      if (agent && Object.keys(agent.params).length) task.params = { ...agent.params };
      result.tasks.push(task);
    }
  }
  return result;
}

/** Every combination of a matrix, in key order; one empty combination when there is no matrix. */
export function matrixCombinations(matrix: Record<string, string[]>): Record<string, string>[] {
  let combinations: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    combinations = combinations.flatMap((combination) =>
      values.map((value) => ({ ...combination, [key]: value })),
    );
  }
  return combinations;
}
