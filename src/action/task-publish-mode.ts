import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { failure, statusOf } from "../github/errors.ts";
import { githubPorts } from "../github/index.ts";
import { workingBranch } from "../github/ports.ts";
import { type ResultRecord, taskBranch } from "../github/result-record.ts";
import type { ModeContext } from "./mode-context.ts";
import { filesWithSecrets, SECRET_IN_OUTPUT, secretInOutput } from "./secret-outputs.ts";
import { staleNotice, type TaskTarget, taskTarget } from "./task-attempt.ts";
import { BUNDLE_MANIFEST, type BundleProblem, bundleFolder, readBundle } from "./task-bundle.ts";
import { failureLine, publishTaskResult, reportTaskResult, type TaskOutcome } from "./task-result.ts";

/**
 * Mode `task-publish`: the committing half of a task split over two jobs. Runs no agent and no git:
 * it reads the bundle `task-run` left (downloaded from the agent job's artifact) as untrusted data
 * (`readBundle`: the record must be this task's attempt, every path and size within the commit
 * rules, the artifacts exactly the files of the task's artifacts folder), checks that the attempt
 * started from a commit of the working branch and that no file holds a secret this job knows,
 * then commits it to the task branch and sends `orchestrate-result` exactly as `task` does. A
 * missing bundle (the agent job failed, timed out or was cancelled), an invalid one, or one whose
 * files hold a secret is published as a failed attempt naming the problem (`agent_job_failed`,
 * `bundle_invalid`, `secret_in_output`), so the orchestrator learns at once.
 * Returns 0 when the attempt succeeded (or is stale), 1 when it failed.
 */
export async function runTaskPublishMode(ctx: ModeContext): Promise<number> {
  const { io } = ctx;
  const target = await taskTarget(ctx);
  if (target.staleAt !== undefined) {
    io.notice(staleNotice(target));
    io.setOutput("status", "stale");
    return 0;
  }
  const { entry, resolved } = target;
  const dir = bundleFolder(ctx.inputs.bundle, ctx.env.RUNNER_TEMP);
  const read = await readBundle(
    dir,
    {
      execution: resolved.state.id,
      issue: target.issue,
      task: entry.id,
      attempt: entry.attempt,
      outputs: resolved.agent.outputs,
    },
    ctx.scrub,
  );
  let outcome: TaskOutcome;
  if (read.ok) {
    const problem = (await baseProblem(ctx, target, read.outcome.base)) ?? secretProblem(ctx, read.outcome);
    outcome = problem ? await failedOutcome(ctx, target, problem) : read.outcome;
  } else {
    outcome = await failedOutcome(ctx, target, read);
  }
  const sha = await publishTaskResult(ctx, target, outcome);
  if (sha === undefined) {
    io.setOutput("status", "stale");
    return 0;
  }
  reportTaskResult(ctx, target, outcome, { sha });
  const { record } = outcome;
  if (record.status === "failed") io.error(failureLine(record));
  return record.status === "succeeded" ? 0 : 1;
}

/**
 * Why the bundle's base may not be committed on: it must be the working branch's head or one of
 * its ancestors (the checkout the agent started from), not any other commit of the repository.
 */
async function baseProblem(
  ctx: ModeContext,
  target: TaskTarget,
  base: string,
): Promise<BundleProblem | undefined> {
  const branch = workingBranch(target.issue);
  const invalid = (why: string): BundleProblem => ({
    kind: "bundle_invalid",
    message: `the result bundle is not valid: its base ${base} ${why}`,
  });
  try {
    const { data } = await ctx.client.rest.repos.compareCommitsWithBasehead({
      owner: target.ref.owner,
      repo: target.ref.repo,
      basehead: `${base}...${branch}`,
    });
    if (data.merge_base_commit.sha !== base) return invalid(`is not a commit of ${branch}`);
    // The result commit's second parent is the task branch's head (an earlier attempt): the
    // base must hold everything of the working branch that head's history shares with it, or
    // merging the result would take back what joined the working branch since that base.
    const earlier = await githubPorts(ctx.client).branches.head(
      target.ref,
      taskBranch(target.issue, target.entry.id),
    );
    if (earlier !== undefined && earlier !== base) {
      const compare = (basehead: string) =>
        ctx.client.rest.repos.compareCommitsWithBasehead({
          owner: target.ref.owner,
          repo: target.ref.repo,
          basehead,
        });
      const [shared, reached] = await Promise.all([
        compare(`${earlier}...${branch}`),
        compare(`${earlier}...${base}`),
      ]);
      if (shared.data.merge_base_commit.sha !== reached.data.merge_base_commit.sha)
        return invalid(
          `is older than what ${taskBranch(target.issue, target.entry.id)} and ${branch} share (${shared.data.merge_base_commit.sha})`,
        );
    }
    return undefined;
  } catch (error) {
    if (statusOf(error) === 404) return invalid(`is not a commit of ${branch}`);
    throw failure(
      `compare ${base}...${branch} in ${target.ref.owner}/${target.ref.repo}`,
      error,
      "contents: read",
    );
  }
}

/**
 * Why the bundle's files may not be committed although `task-run` checked them: one holds a
 * secret this job knows (its `secrets-to-mask`, its tokens). The agent's job wrote the bundle and
 * may have skipped that check; this one runs where the agent does not.
 */
function secretProblem(ctx: ModeContext, outcome: TaskOutcome): PublishProblem | undefined {
  const leaked = filesWithSecrets(outcome.files, ctx.secrets.all);
  if (leaked.length === 0) return undefined;
  const failure = secretInOutput(leaked);
  return { kind: SECRET_IN_OUTPUT, message: failure.message };
}

/** Why the attempt is published as failed: no valid bundle, or files that may not be committed. */
type PublishProblem = BundleProblem | { kind: typeof SECRET_IN_OUTPUT; message: string };

/** A failed attempt naming why there is nothing to publish, on the working branch's head. */
async function failedOutcome(
  ctx: ModeContext,
  target: TaskTarget,
  problem: PublishProblem,
): Promise<TaskOutcome> {
  const { entry, issue, ref, resolved } = target;
  const base = await githubPorts(ctx.client).branches.head(ref, workingBranch(issue));
  if (base === undefined) throw new Error(`the working branch of ${resolved.state.id} does not exist`);
  const agentJobs = ctx.inputs.agentResult;
  const message =
    problem.kind !== "agent_job_failed"
      ? problem.message
      : agentJobs === "success"
        ? await wiringMessage(ctx, problem.message)
        : `the agent job left no result (${problem.message}): it failed, timed out or was cancelled before its bundle was uploaded${agentJobs ? ` (agent jobs of the run: ${agentJobs})` : ""}`;
  const record: ResultRecord = {
    execution: resolved.state.id,
    task: entry.id,
    attempt: entry.attempt,
    status: "failed",
    artifacts: [],
    error: { kind: problem.kind, message: ctx.scrub(message) },
  };
  return { base, record, files: [], leftOut: [], sources: [], durationMs: 0 };
}

/**
 * No bundle although the agent jobs succeeded: the workflow's download step did not put it at the
 * `bundle` input (download-artifact without `name:` adds a folder per artifact). Says where one
 * was found, if one level down.
 */
async function wiringMessage(ctx: ModeContext, problem: string): Promise<string> {
  const dir = bundleFolder(ctx.inputs.bundle, ctx.env.RUNNER_TEMP);
  let nested: string | undefined;
  try {
    for (const entry of await readdir(dir, { withFileTypes: true }))
      if (entry.isDirectory() && (await stat(join(dir, entry.name, BUNDLE_MANIFEST)).catch(() => undefined)))
        nested = join(dir, entry.name);
  } catch {
    // No folder at all: nothing to point at.
  }
  return `the agent job succeeded but its bundle is not where this step reads it (${problem}): the workflow's download step must put the artifact \`orchestrate-bundle-\${{ strategy.job-index }}\` at the \`bundle\` input (download-artifact with \`name:\` and \`path:\`)${nested ? `; a bundle was found at ${nested}` : ""}`;
}
