import { formatProblem, loadPlan } from "../core/plan/index.ts";
import type { AgentConfig } from "../core/plan/schema.ts";
import type { ExecutionState, TaskSpec } from "../core/state/types.ts";
import type { ExecutionRef, GitHubPorts } from "../github/ports.ts";
import { STATE_BRANCH } from "../github/ports.ts";
import { taskBranch } from "../github/result-record.ts";
import { PLAN_PATH } from "../github/start-execution.ts";
import { ActionInputError } from "./errors.ts";
import type { TaskEntry } from "./task-spec.ts";

/** What a task attempt runs with, all from trusted places. */
export interface ResolvedTask {
  agent: AgentConfig;
  spec: TaskSpec;
  state: ExecutionState;
  /** The default branch the plan was read from. */
  defaultBranch: string;
}

/** The placeholder plan used when the repository has none (as when the execution started). */
const NO_PLAN = "version: 1\nextends: full-delivery\n";

/**
 * Finds what the attempt runs. The agent comes from the plan on the default branch (read at its
 * head through the API, never from the checkout, which is the working branch that agents change);
 * the task's spec, the request and the shared context come from the execution state on the state
 * branch, which only the orchestrator writes. A task entry that disagrees with them is refused.
 */
export async function resolveTask(
  ports: GitHubPorts,
  ref: ExecutionRef,
  entry: TaskEntry,
  configPath: string,
): Promise<ResolvedTask> {
  const expected = taskBranch(ref.issue, entry.id);
  if (entry.branch !== undefined && entry.branch !== expected) {
    throw new ActionInputError(
      `input \`task\`: branch "${entry.branch}" is not the task branch of ${entry.id} for issue #${ref.issue} (${expected})`,
    );
  }
  const base = await ports.branches.defaultBranch(ref);
  const found = await ports.contents.read(ref, configPath, base.sha);
  // Only the orchestrator's own plan path may be missing (it then started from the template too).
  if (found === undefined && configPath !== PLAN_PATH) {
    throw new ActionInputError(
      `input \`config\`: ${configPath} does not exist on ${base.name}; the orchestrator reads ${PLAN_PATH} — leave \`config\` unset or fix the path`,
    );
  }
  const text = found ?? NO_PLAN;
  const loaded = loadPlan(text, { file: configPath });
  if (!loaded.ok) {
    const first = loaded.problems.slice(0, 3).map(formatProblem).join("; ");
    throw new ActionInputError(`the plan ${configPath} on ${base.name} has problems: ${first}`);
  }
  const agent = loaded.plan.agents[entry.agent];
  if (!agent) {
    const known = Object.keys(loaded.plan.agents).sort().join(", ") || "none";
    throw new ActionInputError(
      `agent "${entry.agent}" is not defined in ${configPath} on ${base.name} (agents: ${known}); fix the task entry or add the agent to the plan`,
    );
  }
  const stored = await ports.store.load(ref);
  if (!stored) {
    throw new ActionInputError(
      `issue #${ref.issue} has no execution on the ${STATE_BRANCH} branch: check the \`issue\` input`,
    );
  }
  const spec = stored.state.specs[entry.id];
  if (!spec) {
    throw new ActionInputError(`task "${entry.id}" is not part of execution ${stored.state.id}`);
  }
  if (spec.agent !== entry.agent) {
    throw new ActionInputError(
      `task "${entry.id}" runs agent "${spec.agent}" in execution ${stored.state.id}, not "${entry.agent}"`,
    );
  }
  return { agent, spec, state: stored.state, defaultBranch: base.name };
}
