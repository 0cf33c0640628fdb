import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type CommandResult, runCommandTask, type UpstreamInput } from "../agents/command-agent.ts";
import { ATTEMPT_LAYOUT, taskDirName } from "../agents/layout.ts";
import { TaskFailure } from "../core/errors.ts";
import { IN_FLIGHT } from "../core/state/types.ts";
import { githubPorts } from "../github/index.ts";
import { type ExecutionRef, workingBranch } from "../github/ports.ts";
import { type ResultRecord, sameExecution, taskBranch } from "../github/result-record.ts";
import { artifactsFolder, downloadArtifacts } from "../github/task-artifacts.ts";
import { publishedAttempt, type TaskFile } from "../github/task-commit.ts";
import { agentEnvironment } from "./agent-environment.ts";
import { artifactFiles } from "./artifact-files.ts";
import { ActionInputError } from "./errors.ts";
import { LogTail } from "./log-tail.ts";
import type { ModeContext } from "./mode-context.ts";
import { filesWithSecrets, secretInOutput, tokenWarnings } from "./secret-outputs.ts";
import { problemList, taskFileProblems } from "./task-files.ts";
import type { TaskOutcome } from "./task-result.ts";
import { type ResolvedTask, resolveTask } from "./task-setup.ts";
import { issueOf, parseTaskEntry, type TaskEntry } from "./task-spec.ts";
import type { TaskReport } from "./task-summary.ts";
import { type InputSource, upstreamInputs } from "./upstream-inputs.ts";
import { checkoutHead, hasPersistedCredentials, workspaceChanges } from "./workspace-changes.ts";

/** The matrix entry of a task mode, with the execution it belongs to, checked against the state. */
export interface TaskTarget {
  entry: TaskEntry;
  issue: number;
  ref: ExecutionRef;
  resolved: ResolvedTask;
  /** The attempt the execution is at, when later than the entry's: nothing is to be done. */
  staleAt?: number;
  /** The entry's attempt already ended in the execution (its status there). */
  ended?: string;
  /** The attempt whose result the task branch holds, when it is this one or a later one. */
  published?: number;
  /**
   * Set when the entry was dispatched by an earlier execution of the issue (its `created_at`):
   * the issue has a new execution, whose ids and attempt numbers repeat.
   */
  earlier?: number;
}

/**
 * Reads the `task` and `issue` inputs and finds the task in the plan and the execution state (see
 * `resolveTask`); says when the entry's attempt is stale (the execution is at a later one).
 */
export async function taskTarget(ctx: ModeContext): Promise<TaskTarget> {
  const entry = parseTaskEntry(ctx.inputs.task);
  const issue = issueOf(ctx.inputs.issue, ctx.env.GITHUB_REF_NAME);
  const ref: ExecutionRef = { ...ctx.repo, issue };
  const resolved = await resolveTask(githubPorts(ctx.client), ref, entry, ctx.inputs.config);
  const task = resolved.state.tasks[entry.id];
  const current = task?.attempt ?? 0;
  const created = resolved.state.created_at;
  if (!sameExecution(entry.execution_created_at, created))
    return { entry, issue, ref, resolved, staleAt: current, earlier: entry.execution_created_at! };
  // The execution already recorded how this attempt ended (a re-run of its job): nothing to add.
  const ended = task !== undefined && current === entry.attempt && !IN_FLIGHT.has(task.status);
  const target: TaskTarget = {
    entry,
    issue,
    ref,
    resolved,
    ...(current > entry.attempt || ended ? { staleAt: current } : {}),
    ...(ended ? { ended: task.status } : {}),
  };
  if (target.staleAt !== undefined) return target;
  // Its result published already, not yet applied (a job run again right away): not run twice.
  const published = await publishedAttempt(ctx.client, ref, issue, entry.id, created);
  return published !== undefined && published >= entry.attempt
    ? { ...target, staleAt: published, published }
    : target;
}

/** The notice for a stale attempt. */
export function staleNotice(target: TaskTarget): string {
  const { entry, staleAt, ended, published, earlier } = target;
  if (earlier !== undefined)
    return `attempt ${entry.attempt} of ${entry.id} was dispatched by an earlier execution of issue #${target.issue} (created ${new Date(earlier).toISOString()}); the issue has a new one (created ${new Date(target.resolved.state.created_at).toISOString()}): nothing to run`;
  if (published !== undefined)
    return published === entry.attempt
      ? `attempt ${entry.attempt} of ${entry.id} was published already (a job run again): nothing to run`
      : `attempt ${entry.attempt} of ${entry.id} is stale: its task branch already holds attempt ${published}`;
  if (ended !== undefined) {
    const done = `attempt ${entry.attempt} of ${entry.id} already ended in the execution (now ${ended}): nothing to run here`;
    if (ended === "pending" || ended === "ready") return `${done}; its next attempt is scheduled`;
    if (["failed", "cancelled", "blocked", "escalated"].includes(ended))
      return `${done}; comment \`/orchestrate retry ${entry.id}\` on issue #${target.issue} to run the task again`;
    return done;
  }
  return `attempt ${entry.attempt} of ${entry.id} is stale (the execution is at attempt ${staleAt}): nothing to run`;
}

/** What one attempt produced, ready to commit (see TaskOutcome), and the task it was for. */
export interface TaskAttempt extends TaskOutcome {
  target: TaskTarget;
}

/**
 * Runs one attempt of one task in this job, up to what is to be committed: checks the attempt is
 * not stale, fetches the upstream artifacts, runs the agent in the checkout with no GitHub
 * credentials in its environment, then collects the checkout's changes and the declared outputs
 * (under `.orchestrate/issue-<n>/artifacts/<task dir>/`) and builds the result record. Files that break the
 * commit rules (`taskFileProblems`) fail the attempt (`output_invalid`), files holding a configured
 * secret fail it (`secret_in_output`), and files holding what looks like a token are committed
 * with a warning (`tokenWarnings`). Either failure leaves no file to commit. Returns undefined for a
 * stale attempt (after a notice). Shared by `task` (which commits at once) and `task-run` (which
 * leaves a bundle for `task-publish`).
 */
export async function runTaskAttempt(ctx: ModeContext): Promise<TaskAttempt | undefined> {
  const { io, env, inputs } = ctx;
  const target = await taskTarget(ctx);
  if (target.staleAt !== undefined) {
    io.notice(staleNotice(target));
    return undefined;
  }
  const { entry, issue, ref } = target;
  const { state, spec, agent } = target.resolved;
  const ports = githubPorts(ctx.client);

  const cwd = resolve(inputs.workingDirectory || env.GITHUB_WORKSPACE || process.cwd());
  if (inputs.workingDirectory && !(await isFolder(cwd)))
    throw new ActionInputError(
      `input \`working-directory\`: ${cwd} is not a folder; point it at the checkout (or leave it unset for the workspace)`,
    );
  const temp = join(env.RUNNER_TEMP ?? tmpdir(), "orchestrate", taskDirName(entry.id), String(entry.attempt));
  const head = await checkoutHead(cwd);
  if (head === undefined)
    io.warning(
      `${cwd} is not a git checkout: only the task's declared outputs are committed, not other files its agent changes; add an actions/checkout step (persist-credentials: false) or set working-directory`,
    );
  if (head !== undefined && (await hasPersistedCredentials(cwd))) {
    io.warning(
      "the checkout keeps a GitHub token in its git config, which the agent can read: check it out with `persist-credentials: false`",
    );
  }
  const base = head ?? (await ports.branches.head(ref, workingBranch(issue)));
  if (base === undefined) throw new Error(`the working branch of ${state.id} does not exist`);

  const started = ctx.now();
  let sources: InputSource[] = [];
  let result: CommandResult;
  try {
    const upstream = await upstreamInputs({
      state,
      task: entry.id,
      issue,
      repo: ref,
      cwd,
      downloads: join(temp, "upstream"),
      branches: ports.branches,
      download: (_task, commit, folder, artifacts, dest) =>
        downloadArtifacts(ctx.client, ref, commit, folder, artifacts, dest),
      taskBranch,
    });
    sources = upstream.sources;
    result = await runAgent(ctx, {
      entry,
      spec,
      command: agent.run,
      params: agent.params,
      outputs: agent.outputs,
      cwd,
      workDir: join(temp, "attempt"),
      request: state.meta.request ?? {},
      context: state.context,
      inputs: upstream.inputs,
      feedback: entry.feedback ?? state.tasks[entry.id]?.feedback,
      execution: state.id,
    });
  } catch (error) {
    if (!(error instanceof TaskFailure)) throw error;
    result = failed(error.kind, ctx.scrub(error.message), ctx.now() - started);
  }

  const workDir = join(temp, "attempt");
  let files: TaskFile[] = [];
  let leftOut: TaskReport["leftOut"] = [];
  if (result.ok) {
    try {
      const changes = head !== undefined ? await workspaceChanges(cwd) : { files: [], leftOut: [] };
      const outputs = await artifactFiles(
        cwd,
        head,
        join(workDir, ATTEMPT_LAYOUT.artifacts),
        artifactsFolder(issue, entry.id),
        result.artifacts,
      );
      files = [...changes.files, ...outputs];
      leftOut = changes.leftOut;
      const problems = taskFileProblems(files, issue, entry.id);
      if (problems.length > 0) throw new TaskFailure("output_invalid", problemList(problems));
      const leaked = filesWithSecrets(files, ctx.secrets.all);
      if (leaked.length > 0) throw secretInOutput(leaked);
    } catch (error) {
      if (!(error instanceof TaskFailure)) throw error;
      result = failed(error.kind, ctx.scrub(error.message), result.durationMs);
      files = [];
    }
  }
  for (const l of leftOut) io.warning(`left out of the commit: ${l.path} (${l.why})`);
  for (const warning of tokenWarnings(files)) io.warning(ctx.scrub(warning));

  const record: ResultRecord = {
    execution: state.id,
    execution_created_at: state.created_at,
    task: entry.id,
    attempt: entry.attempt,
    status: result.ok ? "succeeded" : "failed",
    artifacts: result.ok ? result.artifacts : [],
    ...(result.ok && result.summary !== undefined ? { summary: result.summary } : {}),
    ...(result.ok && result.cost ? { cost: result.cost } : {}),
    ...(result.ok && result.context ? { context: result.context } : {}),
    ...(result.ok ? {} : { error: { kind: result.kind, message: result.message } }),
  };
  return { target, base, record, files, leftOut, sources, durationMs: result.durationMs };
}

/** Runs the agent, showing its scrubbed output live with workflow commands off. */
async function runAgent(
  ctx: ModeContext,
  t: {
    entry: TaskEntry;
    spec: {
      id: string;
      agent: string;
      phase?: string;
      matrix?: Record<string, string>;
      params?: Record<string, unknown>;
    };
    command: string;
    params: Record<string, unknown>;
    outputs: Parameters<typeof runCommandTask>[0]["outputs"];
    cwd: string;
    workDir: string;
    request: unknown;
    context: Record<string, unknown>;
    inputs: UpstreamInput[];
    feedback: string | undefined;
    execution: string;
  },
): Promise<CommandResult> {
  const { io } = ctx;
  const logs = [join(t.workDir, ATTEMPT_LAYOUT.stdout), join(t.workDir, ATTEMPT_LAYOUT.stderr)];
  io.line(`::group::${t.entry.id} (agent ${t.entry.agent}, attempt ${t.entry.attempt})`);
  try {
    return await io.verbatim(async () => {
      const tail = new LogTail(logs, (line) => io.line(line));
      try {
        return await runCommandTask({
          execution: t.execution,
          task: {
            id: t.spec.id,
            agent: t.spec.agent,
            ...(t.spec.phase ? { phase: t.spec.phase } : {}),
            ...(t.spec.matrix ? { matrix: t.spec.matrix } : {}),
            params: t.spec.params ?? t.params,
          },
          attempt: t.entry.attempt,
          command: t.command,
          cwd: t.cwd,
          workDir: t.workDir,
          request: t.request,
          context: t.context,
          inputs: t.inputs,
          outputs: t.outputs,
          ...(t.feedback !== undefined ? { feedback: t.feedback } : {}),
          env: {
            ...agentEnvironment({ ...process.env, ...ctx.processEnv }, ctx.secrets.credentials),
            ORCHESTRATE_PLAN_DIR: dirname(join(t.cwd, ctx.inputs.config)),
          },
          secrets: ctx.secrets.all,
          signal: ctx.signal,
        });
      } finally {
        await tail.stop();
      }
    });
  } finally {
    io.line("::endgroup::");
  }
}

function failed(kind: string, message: string, durationMs: number): CommandResult {
  return { ok: false, kind, message, exitCode: null, signal: null, durationMs };
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
