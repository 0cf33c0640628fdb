import { buildGraph } from "../core/graph/index.ts";
import { factsOf, formatProblem, loadPlan, type Plan } from "../core/plan/index.ts";
import { repoFactsFromPaths } from "../core/plan/repo-facts.ts";
import { parseRequest } from "../core/request/index.ts";
import { startEventOf } from "../core/state/from-plan.ts";
import type { NewEvent } from "../ports/engine-ports.ts";
import { type ExecutionRef, type GitHubPorts, workingBranch } from "./ports.ts";
import { taskBranchPrefix } from "./result-record.ts";

/** Where the plan is read from, on the default branch. */
export const PLAN_PATH = ".github/orchestrate.yml";

/** Who may start an execution, and what a refused start says. */
const START_LEVELS = new Set(["admin", "maintain", "write"]);

export interface StartInput {
  /** The delivery of the label event that starts it (kept, so its redelivery is known later). */
  delivery?: string;
  sender: string;
  title: string;
  body: string;
  author: string;
  now: number;
  seed: number;
}

/** The id of an execution on GitHub. */
export function executionId(ref: ExecutionRef): string {
  return `${ref.owner}/${ref.repo}#${ref.issue}`;
}

/**
 * Prepares a new execution for a labeled issue: checks the labeler's permission, loads the plan
 * from the default branch (or the full-delivery template), parses the request, builds the graph
 * and the working branch. Returns the start event, or a comment explaining why nothing starts.
 */
export async function prepareExecution(
  ports: GitHubPorts,
  ref: ExecutionRef,
  input: StartInput,
): Promise<{ start: NewEvent; notes: string[] } | { refused: string }> {
  const level = await ports.permissions.level(ref, input.sender);
  if (!START_LEVELS.has(level)) {
    return {
      refused: `@${input.sender} only people with write access can start Orchestrate (your permission: ${level}). Nothing was started.`,
    };
  }
  const base = await ports.branches.defaultBranch(ref);
  const notes: string[] = [];
  let text = await ports.contents.read(ref, PLAN_PATH, base.sha);
  if (text === undefined) {
    text = "version: 1\nextends: full-delivery\n";
    notes.push(
      `No \`${PLAN_PATH}\` on \`${base.name}\`: using the \`full-delivery\` template, whose agents are placeholders. ` +
        "Run `npx orchestrate init` and set each agent's `run` command to customise it.",
    );
  }
  const loaded = loadPlan(text, { file: PLAN_PATH });
  if (!loaded.ok) {
    const list = loaded.problems.map((p) => `- ${formatProblem(p)}`).join("\n");
    return {
      refused: `The plan \`${PLAN_PATH}\` on \`${base.name}\` has problems, so nothing was started:\n\n${list}`,
    };
  }
  const plan: Plan = loaded.plan;
  const request = parseRequest({ title: input.title, body: input.body }, { now: input.now });
  const repo = repoFactsFromPaths(await ports.contents.list(ref, base.sha), base.name);
  const built = buildGraph(plan, factsOf(request, repo));
  if (!built.ok) {
    const list = built.problems.map((p) => `- ${formatProblem(p)}`).join("\n");
    return { refused: `The plan's task graph is invalid, so nothing was started:\n\n${list}` };
  }
  const branch = workingBranch(ref.issue);
  const head = await ports.branches.ensure(ref, branch, base.sha);
  const start = startEventOf(built.graph, plan.policy, {
    execution: executionId(ref),
    seed: input.seed,
    plan,
    meta: {
      request,
      repo,
      plan,
      issue: ref.issue,
      owner: ref.owner,
      name: ref.repo,
      requester: input.author,
      default_branch: base.name,
      working_branch: branch,
      // The commit the phases' check runs are created on, so any process finds them there.
      checks_sha: head,
      ...(input.delivery !== undefined ? { start_delivery: input.delivery } : {}),
    },
  });
  return { start: { ...start, id: `start:${ref.issue}`, by: input.sender }, notes };
}

/**
 * Deletes the task branches an earlier execution of the issue left (its state was removed, say):
 * they hold result records of the same tasks and attempts, which the new execution must not take
 * for its own. Called once the new execution's first save landed (a second process creating the
 * same execution loses that save, and deletes nothing) and before its tasks are dispatched.
 * Returns the note that says so, if any were deleted.
 */
export async function deleteLeftTaskBranches(
  ports: GitHubPorts,
  ref: ExecutionRef,
): Promise<string | undefined> {
  const left = await ports.branches.named(ref, taskBranchPrefix(ref.issue));
  for (const name of left) await ports.delivery.deleteBranch(ref, name);
  if (left.length === 0) return undefined;
  return `Deleted ${left.length} task branch${left.length === 1 ? "" : "es"} an earlier execution of this issue left (\`${taskBranchPrefix(ref.issue)}…\`), so that its results are not taken for this execution's. The working branch \`${workingBranch(ref.issue)}\` is kept as it is, with the work that joined it.`;
}
