import type { TaskGraph } from "../graph/types.ts";
import type { Plan, PolicyConfig } from "../plan/schema.ts";
import type { EventOf } from "./events.ts";

type StartBody = Omit<EventOf<"execution_started">, "id" | "at">;

/**
 * The `execution_started` event for a built graph: tasks, phases with their gates and policy
 * overrides, per-agent limits. `plan` is optional for graphs given directly to the library API.
 */
export function startEventOf(
  graph: TaskGraph,
  policy: PolicyConfig,
  options: {
    execution: string;
    seed: number;
    plan?: Plan;
    context?: Record<string, unknown>;
    meta?: Record<string, unknown>;
  },
): StartBody {
  const plan = options.plan;
  const phaseConfig = new Map((plan?.phases ?? []).map((p) => [p.id, p]));
  const agentLimits: Record<string, number> = {};
  for (const [id, agent] of Object.entries(plan?.agents ?? {})) {
    if (agent.max_concurrency !== undefined) agentLimits[id] = agent.max_concurrency;
  }
  return {
    type: "execution_started",
    execution: options.execution,
    tasks: graph.tasks.map((t) => ({
      id: t.id,
      agent: t.agent,
      needs: t.needs,
      ...(t.phase ? { phase: t.phase } : {}),
      ...(t.matrix ? { matrix: t.matrix } : {}),
      ...(t.prompt !== undefined ? { prompt: t.prompt } : {}),
      ...(t.params ? { params: t.params } : {}),
      ...(t.estimate_ms !== undefined ? { estimate_ms: t.estimate_ms } : {}),
    })),
    phases: graph.phases.map((p) => {
      const config = phaseConfig.get(p.id)?.policy;
      return {
        id: p.id,
        name: p.name,
        needs: p.needs,
        tasks: p.tasks,
        parallel: p.parallel,
        level: p.level,
        ...(p.skipped !== undefined ? { skipped: p.skipped } : {}),
        ...(p.gate ? { gate: p.gate } : {}),
        ...(config?.max_concurrency !== undefined ? { max_concurrency: config.max_concurrency } : {}),
        ...(config?.timeout?.phase !== undefined ? { timeout_ms: config.timeout.phase } : {}),
        ...(config?.retry?.max_attempts !== undefined ? { max_attempts: config.retry.max_attempts } : {}),
        ...(config?.retry?.non_retryable ? { non_retryable: config.retry.non_retryable } : {}),
      };
    }),
    policy,
    agent_limits: agentLimits,
    seed: options.seed,
    context: options.context ?? {},
    meta: options.meta ?? {},
  };
}
