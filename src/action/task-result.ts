import type { ResultRecord } from "../github/result-record.ts";
import { taskBranch } from "../github/result-record.ts";
import { commitTaskResult, StaleAttemptError, type TaskFile } from "../github/task-commit.ts";
import { dispatchTaskResult } from "../github/task-dispatch.ts";
import type { ModeContext } from "./mode-context.ts";
import type { TaskTarget } from "./task-attempt.ts";
import { type TaskReport, taskSummary } from "./task-summary.ts";
import type { InputSource } from "./upstream-inputs.ts";

/** An attempt's result as it is committed: the record, its files, and what the summary shows. */
export interface TaskOutcome {
  /** The commit the attempt started from (the checkout's HEAD, else the working branch head). */
  base: string;
  record: ResultRecord;
  /** Empty when the attempt failed. */
  files: TaskFile[];
  leftOut: TaskReport["leftOut"];
  sources: InputSource[];
  durationMs: number;
}

/**
 * Commits the result record and files to the task branch (`commitTaskResult`), then wakes the
 * orchestrator with `orchestrate-result`. Returns the commit, or undefined when the task branch
 * already holds a later attempt (after a notice). A failed wake-up is only a warning: the commit
 * is the result, and the orchestrator's reconcile pass finds it.
 */
export async function publishTaskResult(
  ctx: ModeContext,
  target: TaskTarget,
  outcome: TaskOutcome,
): Promise<string | undefined> {
  const { io } = ctx;
  const { entry, issue, ref } = target;
  const { record } = outcome;
  let sha: string;
  try {
    sha = await commitTaskResult(ctx.client, ref, {
      issue,
      base: outcome.base,
      files: record.status === "succeeded" ? outcome.files : [],
      record,
      message: `orchestrate #${issue}: ${entry.id} attempt ${entry.attempt} ${record.status}`,
    });
  } catch (error) {
    if (!(error instanceof StaleAttemptError)) throw error;
    io.notice(error.message);
    return undefined;
  }
  io.info(`committed ${record.status} result of ${entry.id} (attempt ${entry.attempt}) as ${sha}`);
  try {
    await dispatchTaskResult(ctx.client, ref, { issue, task: entry.id, attempt: entry.attempt, sha });
  } catch (error) {
    io.warning(`${ctx.scrub((error as Error).message)} (the result is committed and will be picked up)`);
  }
  return sha;
}

/**
 * Writes the job summary and the outputs `status`, `cost-usd` and `tokens` (and `result-sha`
 * when committed). `pending` says who commits the result when this step did not.
 */
export function reportTaskResult(
  ctx: ModeContext,
  target: TaskTarget,
  outcome: TaskOutcome,
  committed: { sha: string } | { pending: string },
): void {
  const { io, env } = ctx;
  const { entry, issue } = target;
  const { record, files } = outcome;
  const report: TaskReport = {
    execution: record.execution,
    task: entry.id,
    agent: entry.agent,
    attempt: entry.attempt,
    status: record.status,
    durationMs: outcome.durationMs,
    artifacts: record.artifacts,
    changed: files.filter((f) => !f.path.startsWith(".orchestrate/")).map((f) => f.path),
    leftOut: outcome.leftOut,
    inputs: outcome.sources,
    ...(record.cost ? { cost: record.cost } : {}),
    ...(record.summary !== undefined ? { summary: record.summary } : {}),
    ...(record.error ? { error: record.error } : {}),
    branch: taskBranch(issue, entry.id),
    ...("sha" in committed ? { sha: committed.sha } : { pending: committed.pending }),
    repoUrl: `${env.GITHUB_SERVER_URL}/${ctx.repo.owner}/${ctx.repo.repo}`,
  };
  io.summary(taskSummary(report));
  io.setOutput("status", record.status);
  if ("sha" in committed) io.setOutput("result-sha", committed.sha);
  io.setOutput("cost-usd", String(record.cost?.usd ?? 0));
  io.setOutput("tokens", String(record.cost?.tokens ?? 0));
}

/** The one-line error of a failed attempt. */
export function failureLine(record: ResultRecord): string {
  const kind = record.error?.kind ?? "unknown";
  return `${record.task} attempt ${record.attempt} failed (${kind}): ${record.error?.message ?? ""}`;
}
