import type { ModeContext } from "./mode-context.ts";
import { runTaskAttempt } from "./task-attempt.ts";
import { bundleFolder, writeBundle } from "./task-bundle.ts";
import { failureLine, reportTaskResult } from "./task-result.ts";

/**
 * Mode `task-run`: the agent's half of a task split over two jobs. Runs one attempt exactly as
 * `task` does (`runTaskAttempt`) but commits nothing: the result record and the files to commit
 * are written as a bundle (see `writeBundle`) into the `bundle` folder, which the workflow uploads
 * as an artifact for `task-publish`. Needs only `contents: read`: the job holds no token that can
 * write, so an agent that reads everything its job holds still cannot write to the repository.
 *
 * Returns 0 whenever the bundle was written (or the attempt is stale), whatever the attempt's
 * outcome: the publish job records a failed attempt and fails. A non-zero exit means no bundle.
 */
export async function runTaskRunMode(ctx: ModeContext): Promise<number> {
  const { io } = ctx;
  const dir = bundleFolder(ctx.inputs.bundle, ctx.env.RUNNER_TEMP);
  const attempt = await runTaskAttempt(ctx);
  if (attempt === undefined) {
    io.setOutput("status", "stale");
    return 0;
  }
  await writeBundle(dir, attempt);
  const { entry } = attempt.target;
  io.info(`wrote the result bundle of ${entry.id} (attempt ${entry.attempt}) to ${dir}`);
  reportTaskResult(ctx, attempt.target, attempt, { pending: "committed by the publish job" });
  io.setOutput("bundle", dir);
  if (attempt.record.status === "failed") {
    io.warning(`${failureLine(attempt.record)} (the publish job records it)`);
  }
  return 0;
}
