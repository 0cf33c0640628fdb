import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type CommandResult, runCommandTask, type UpstreamInput } from "../agents/command-agent.ts";
import { ATTEMPT_LAYOUT, taskDirName } from "../agents/layout.ts";
import { TaskFailure } from "../core/errors.ts";
import { githubPorts } from "../github/index.ts";
import { type ExecutionRef, workingBranch } from "../github/ports.ts";
import { type ResultRecord, taskBranch } from "../github/result-record.ts";
import { artifactsFolder, downloadArtifacts } from "../github/task-artifacts.ts";
import { commitTaskResult, StaleAttemptError, type TaskFile } from "../github/task-commit.ts";
import { dispatchTaskResult } from "../github/task-dispatch.ts";
import { agentEnvironment } from "./agent-environment.ts";
import { artifactFiles } from "./artifact-files.ts";
import { LogTail } from "./log-tail.ts";
import type { ModeContext } from "./mode-context.ts";
import { resolveTask } from "./task-setup.ts";
import { issueOf, parseTaskEntry } from "./task-spec.ts";
import { type TaskReport, taskSummary } from "./task-summary.ts";
import { type InputSource, upstreamInputs } from "./upstream-inputs.ts";
import { checkoutHead, hasPersistedCredentials, workspaceChanges } from "./workspace-changes.ts";

/**
 * Mode `task`: runs one attempt of one task in this job. The agent gets the request, context,
 * feedback and upstream artifacts as files (the command agent contract) and runs in the checkout
 * with no GitHub credentials in its environment. Afterwards this runner — not the agent — commits
 * the checkout's changes, the declared outputs (under `.orchestrate/artifacts/<task dir>/`) and the
 * result record to the task branch, then wakes the orchestrator with `orchestrate-result`.
 * Returns the exit code: 0 when the attempt succeeded (or is stale), 1 when it failed.
 */
export async function runTaskMode(ctx: ModeContext): Promise<number> {
  const { io, env, inputs } = ctx;
  const entry = parseTaskEntry(inputs.task);
  const issue = issueOf(inputs.issue, env.GITHUB_REF_NAME);
  const ref: ExecutionRef = { ...ctx.repo, issue };
  const ports = githubPorts(ctx.client);
  const resolved = await resolveTask(ports, ref, entry, inputs.config);
  const { state, spec, agent } = resolved;
  const current = state.tasks[entry.id]?.attempt ?? 0;
  if (current > entry.attempt) {
    io.notice(
      `attempt ${entry.attempt} of ${entry.id} is stale (the execution is at attempt ${current}): nothing to run`,
    );
    io.setOutput("status", "stale");
    return 0;
  }

  const cwd = resolve(inputs.workingDirectory || env.GITHUB_WORKSPACE || process.cwd());
  const temp = join(env.RUNNER_TEMP ?? tmpdir(), "orchestrate", taskDirName(entry.id), String(entry.attempt));
  const head = await checkoutHead(cwd);
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
        artifactsFolder(taskDirName(entry.id)),
        result.artifacts,
      );
      files = [...changes.files, ...outputs];
      leftOut = changes.leftOut;
    } catch (error) {
      if (!(error instanceof TaskFailure)) throw error;
      result = failed(error.kind, ctx.scrub(error.message), result.durationMs);
    }
  }
  for (const l of leftOut) io.warning(`left out of the commit: ${l.path} (${l.why})`);

  const record: ResultRecord = {
    execution: state.id,
    task: entry.id,
    attempt: entry.attempt,
    status: result.ok ? "succeeded" : "failed",
    artifacts: result.ok ? result.artifacts : [],
    ...(result.ok && result.summary !== undefined ? { summary: result.summary } : {}),
    ...(result.ok && result.cost ? { cost: result.cost } : {}),
    ...(result.ok && result.context ? { context: result.context } : {}),
    ...(result.ok ? {} : { error: { kind: result.kind, message: result.message } }),
  };
  let sha: string;
  try {
    sha = await commitTaskResult(ctx.client, ref, {
      issue,
      base,
      files: result.ok ? files : [],
      record,
      message: `orchestrate #${issue}: ${entry.id} attempt ${entry.attempt} ${record.status}`,
    });
  } catch (error) {
    if (!(error instanceof StaleAttemptError)) throw error;
    io.notice(error.message);
    io.setOutput("status", "stale");
    return 0;
  }
  io.info(`committed ${record.status} result of ${entry.id} (attempt ${entry.attempt}) as ${sha}`);
  try {
    await dispatchTaskResult(ctx.client, ref, { issue, task: entry.id, attempt: entry.attempt, sha });
  } catch (error) {
    // The commit is the result; the orchestrator's reconcile pass finds it without the wake-up.
    io.warning(`${ctx.scrub((error as Error).message)} (the result is committed and will be picked up)`);
  }

  const report: TaskReport = {
    execution: state.id,
    task: entry.id,
    agent: entry.agent,
    attempt: entry.attempt,
    status: record.status,
    durationMs: result.durationMs,
    artifacts: record.artifacts,
    changed: files.filter((f) => !f.path.startsWith(".orchestrate/")).map((f) => f.path),
    leftOut,
    inputs: sources,
    ...(record.cost ? { cost: record.cost } : {}),
    ...(record.summary !== undefined ? { summary: record.summary } : {}),
    ...(record.error ? { error: record.error } : {}),
    branch: taskBranch(issue, entry.id),
    sha,
    repoUrl: `${env.GITHUB_SERVER_URL}/${ctx.repo.owner}/${ctx.repo.repo}`,
  };
  io.summary(taskSummary(report));
  io.setOutput("status", record.status);
  io.setOutput("result-sha", sha);
  io.setOutput("cost-usd", String(record.cost?.usd ?? 0));
  io.setOutput("tokens", String(record.cost?.tokens ?? 0));
  if (!result.ok) io.error(`${entry.id} attempt ${entry.attempt} failed (${result.kind}): ${result.message}`);
  return result.ok ? 0 : 1;
}

/** Runs the agent, showing its scrubbed output live with workflow commands off. */
async function runAgent(
  ctx: ModeContext,
  t: {
    entry: ReturnType<typeof parseTaskEntry>;
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
