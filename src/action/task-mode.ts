import type { ModeContext } from "./mode-context.ts";
import { runTaskAttempt } from "./task-attempt.ts";
import { failureLine, publishTaskResult, reportTaskResult } from "./task-result.ts";

/**
 * Mode `task`: runs one attempt of one task in this job. The agent gets the request, context,
 * feedback and upstream artifacts as files (the command agent contract) and runs in the checkout
 * with no GitHub credentials in its environment. Afterwards this runner — not the agent — commits
 * the checkout's changes, the declared outputs (under `.orchestrate/issue-<n>/artifacts/<task dir>/`) and the
 * result record to the task branch (no file at all when one holds a configured secret:
 * `secret_in_output`), then wakes the orchestrator with `orchestrate-result`.
 *
 * The agent runs in the same job, as a child of this process, while the job holds a token that can
 * write: it is kept out of the agent's environment, but not out of its reach (the parent's
 * environment, the checkout's git config and hooks, the action's files on disk). For trusted agents
 * only; `task-run` with `task-publish` separates the two.
 * Returns the exit code: 0 when the attempt succeeded (or is stale), 1 when it failed.
 */
export async function runTaskMode(ctx: ModeContext): Promise<number> {
  const { io } = ctx;
  const attempt = await runTaskAttempt(ctx);
  if (attempt === undefined) {
    io.setOutput("status", "stale");
    return 0;
  }
  const sha = await publishTaskResult(ctx, attempt.target, attempt);
  if (sha === undefined) {
    io.setOutput("status", "stale");
    return 0;
  }
  reportTaskResult(ctx, attempt.target, attempt, { sha });
  const { record } = attempt;
  if (record.status === "failed") io.error(failureLine(record));
  return record.status === "succeeded" ? 0 : 1;
}
