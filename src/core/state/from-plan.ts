import type { TaskGraph } from "../graph/types.ts";
import type { Plan, PolicyConfig } from "../plan/schema.ts";
import type { EventOf } from "./events.ts";
import type { DeliverySpec } from "./types.ts";

type StartBody = Omit<EventOf<"execution_started">, "id" | "at">;

/** Delivery settings with the revise phase resolved: `testing` if the plan has it, else the last phase that runs. */
export function deliverySpec(plan: Plan, graph: Pick<TaskGraph, "phases">): DeliverySpec {
  const d = plan.delivery!;
  const running = graph.phases.filter((p) => p.skipped === undefined).map((p) => p.id);
  const revise = d.revise_phase ?? (running.includes("testing") ? "testing" : running.at(-1));
  return {
    pr: d.pr,
    merge: d.merge,
    merge_method: d.merge_method,
    environments: d.environments,
    delete_branches: d.delete_branches,
    max_revisions: d.max_revisions,
    ...(revise ? { revise_phase: revise } : {}),
  };
}

/**
 * The `execution_started` event for a built graph: tasks, phases with their gates and policy
 * overrides, per-agent limits. `plan` is optional for graphs given directly to the library API.
 */
export function startEventOf(
  graph: Pick<TaskGraph, "tasks" | "phases">,
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
    tasks: graph.tasks.map((t) => {
      // Key by key, without spreading optional keys: this runs for every task of a graph.
      const task: StartBody["tasks"][number] = { id: t.id, agent: t.agent, needs: t.needs };
      if (t.phase) task.phase = t.phase;
      if (t.matrix) task.matrix = t.matrix;
      if (t.prompt !== undefined) task.prompt = t.prompt;
      if (t.params) task.params = t.params;
      if (t.estimate_ms !== undefined) task.estimate_ms = t.estimate_ms;
      return task;
    }),
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
        ...(config?.timeout?.task !== undefined ? { task_timeout_ms: config.timeout.task } : {}),
        ...(config?.retry?.max_attempts !== undefined ? { max_attempts: config.retry.max_attempts } : {}),
        ...(config?.retry?.non_retryable ? { non_retryable: config.retry.non_retryable } : {}),
      };
    }),
    policy,
    agent_limits: agentLimits,
    ...(plan?.delivery ? { delivery: deliverySpec(plan, graph) } : {}),
    seed: options.seed,
    context: options.context ?? {},
    meta: options.meta ?? {},
  };
}
