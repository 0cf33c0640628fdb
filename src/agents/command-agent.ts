import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { OutputConfig } from "../core/plan/schema.ts";
import { createScrubber } from "../core/scrub/index.ts";
import type { Artifact } from "../core/state/index.ts";
import { collectOutputs } from "./collect-outputs.ts";
import { forgetGroup, recordGroup, stopLeftoverGroups } from "./leftover-groups.ts";
import { type AttemptPaths, attemptPaths, prepareAttempt } from "./prepare-attempt.ts";
import { readContextOut, readResultFile } from "./read-agent-files.ts";
import { runProcessGroup } from "./run-process-group.ts";
import { ScrubbedLog } from "./scrubbed-log.ts";

/** An upstream task whose artifacts the attempt receives under `ORCHESTRATE_INPUTS`. */
export interface UpstreamInput {
  task: string;
  agent: string;
  phase?: string;
  /** That task's artifacts folder. */
  dir: string;
  /** Its recorded artifacts; paths relative to `dir`. A recorded sha256 is checked on copy. */
  artifacts: Artifact[];
}

/** One attempt of a task whose agent is a command line. */
export interface CommandTask {
  execution: string;
  task: {
    id: string;
    agent: string;
    phase?: string;
    matrix?: Record<string, string>;
    params?: Record<string, unknown>;
  };
  /** 1-based. */
  attempt: number;
  /** The plan's `run` line, run with `sh -c`. Nothing is ever interpolated into it. */
  command: string;
  /** The working directory the command runs in. */
  cwd: string;
  /** This attempt's folder (see `ATTEMPT_LAYOUT`); created if missing. */
  workDir: string;
  /** Written to `<workDir>/request.json`. */
  request: unknown;
  /** Written to `<workDir>/context.json`. */
  context: Record<string, unknown>;
  /** Copied into `<workDir>/inputs/<taskDirName(task)>/…`, listed in `inputs/index.json`. */
  inputs: UpstreamInput[];
  /** Declared outputs; none: every file the command leaves in `artifacts/` is recorded. */
  outputs: Record<string, OutputConfig>;
  /** A gate's rejection feedback: written to `<workDir>/feedback.md`, `ORCHESTRATE_FEEDBACK` set. */
  feedback?: string;
  /** Extra environment variables (e.g. `ORCHESTRATE_PLAN_DIR`); the contract's own take precedence. */
  env?: Record<string, string>;
  /** Values masked in logs, messages, summary and context. */
  secrets: readonly string[];
  /** Abort: the command's whole process group is stopped. */
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL when stopping (default 2000). */
  killGraceMs?: number;
  /**
   * Called with the id of the process group the command runs in, once it runs: a host that must
   * exit at once (a second Ctrl-C) kills the groups it knows rather than leave them running.
   */
  onGroup?: (pgid: number) => void;
}

/**
 * How an attempt ended. Failure kinds: `cancelled`, `timeout` (aborted), `config` (exit 78),
 * `exit` (other non-zero exit), `killed` (by a signal), `spawn`, `prepare`, `input_missing`,
 * `input_invalid`, `output_missing`, `output_invalid`, `result_invalid`.
 */
export type CommandResult =
  | {
      ok: true;
      artifacts: Artifact[];
      summary?: string;
      cost?: { usd: number; tokens: number };
      context?: Record<string, unknown>;
      durationMs: number;
    }
  | {
      ok: false;
      kind: string;
      message: string;
      exitCode: number | null;
      signal: string | null;
      durationMs: number;
    };

/** Exit code by which an agent reports a configuration error (EX_CONFIG): not worth retrying. */
export const CONFIG_EXIT_CODE = 78;
const DEFAULT_KILL_GRACE_MS = 2000;
const STDERR_TAIL_LINES = 5;

/** Environment variables of the agent contract; inherited values of these are never passed on. */
const CONTRACT_VARIABLES = [
  "ORCHESTRATE_EXECUTION",
  "ORCHESTRATE_TASK",
  "ORCHESTRATE_AGENT",
  "ORCHESTRATE_PHASE",
  "ORCHESTRATE_ATTEMPT",
  "ORCHESTRATE_MATRIX",
  "ORCHESTRATE_PARAMS",
  "ORCHESTRATE_REQUEST",
  "ORCHESTRATE_CONTEXT",
  "ORCHESTRATE_CONTEXT_OUT",
  "ORCHESTRATE_RESULT",
  "ORCHESTRATE_INPUTS",
  "ORCHESTRATE_ARTIFACTS",
  "ORCHESTRATE_FEEDBACK",
] as const;

/**
 * Runs one attempt of a task: prepares its folder, runs `sh -c <command>` in its own process group
 * with the contract's environment, streams scrubbed output to the logs, then checks the declared
 * outputs and reads the agent's result and context files. Never throws for a failed attempt: the
 * failure is returned with its kind.
 */
export async function runCommandTask(t: CommandTask): Promise<CommandResult> {
  const started = performance.now();
  const scrub = createScrubber(t.secrets);
  const fail = (
    kind: string,
    message: string,
    exitCode: number | null = null,
    signal: string | null = null,
  ): CommandResult => ({
    ok: false,
    kind,
    message: scrub(message),
    exitCode,
    signal,
    durationMs: Math.round(performance.now() - started),
  });
  const failAborted = (exitCode: number | null = null, signal: string | null = null): CommandResult => {
    const { kind, message } = abortCause(t.signal.reason);
    return fail(kind, message, exitCode, signal);
  };
  if (t.signal.aborted) return failAborted();

  const paths = attemptPaths(t.workDir);
  try {
    await prepareAttempt(paths, {
      request: t.request,
      context: t.context,
      inputs: t.inputs,
      ...(t.feedback !== undefined ? { feedback: t.feedback } : {}),
    });
  } catch (error) {
    return fail(failureKind(error, "prepare"), (error as Error).message);
  }
  const cwd = resolve(t.cwd);
  const cwdProblem = await folderProblem(cwd);
  if (cwdProblem) return fail("spawn", `working directory ${cwd} ${cwdProblem}`);
  if (t.signal.aborted) return failAborted();

  // An earlier attempt whose host died (kill -9) may still run: it is stopped first.
  await stopLeftoverGroups(t.workDir, t.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  let recording: Promise<void> | undefined;
  const stdout = new ScrubbedLog(paths.stdout, scrub);
  const stderr = new ScrubbedLog(paths.stderr, scrub, STDERR_TAIL_LINES);
  const end = await runProcessGroup({
    command: t.command,
    cwd,
    env: agentEnvironment(t, paths),
    signal: t.signal,
    killGraceMs: t.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    onStdout: (chunk) => stdout.write(chunk),
    onStderr: (chunk) => stderr.write(chunk),
    onStart: (pgid) => {
      t.onGroup?.(pgid);
      recording = recordGroup(t.workDir, pgid);
    },
  });
  // The group is gone (runProcessGroup resolves once it is): its record goes too.
  await recording;
  await forgetGroup(t.workDir);
  await Promise.all([stdout.end(), stderr.end()]);

  const { exitCode, signal } = end;
  if (end.spawnError) return fail("spawn", `cannot start /bin/sh: ${end.spawnError.message}`);
  if (end.aborted) return failAborted(exitCode, signal);
  const tail = stderr.tail();
  const withTail = (text: string): string => (tail.length > 0 ? `${text}\n${tail.join("\n")}` : text);
  if (signal !== null) return fail("killed", withTail(`killed by ${signal}`), exitCode, signal);
  if (exitCode === CONFIG_EXIT_CODE) {
    return fail("config", withTail(`exited with code ${exitCode} (configuration error)`), exitCode, signal);
  }
  if (exitCode !== 0) return fail("exit", withTail(`exited with code ${exitCode}`), exitCode, signal);

  try {
    const artifacts = await collectOutputs(paths.artifacts, t.outputs);
    const result = await readResultFile(paths.result);
    const context = await readContextOut(paths.contextOut);
    return {
      ok: true,
      artifacts,
      ...(result.summary !== undefined ? { summary: scrub(result.summary) } : {}),
      ...(result.cost ? { cost: result.cost } : {}),
      ...(context ? { context: scrubDeep(context, scrub) as Record<string, unknown> } : {}),
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return fail(failureKind(error, "output_invalid"), (error as Error).message, exitCode, signal);
  }
}

/** The command's environment: the parent's, the caller's extras, then the contract's variables. */
function agentEnvironment(t: CommandTask, paths: AttemptPaths): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...t.env };
  for (const name of CONTRACT_VARIABLES) delete env[name];
  Object.assign(env, {
    ORCHESTRATE_EXECUTION: t.execution,
    ORCHESTRATE_TASK: t.task.id,
    ORCHESTRATE_AGENT: t.task.agent,
    ORCHESTRATE_ATTEMPT: String(t.attempt),
    ORCHESTRATE_MATRIX: JSON.stringify(t.task.matrix ?? {}),
    ORCHESTRATE_PARAMS: JSON.stringify(t.task.params ?? {}),
    ORCHESTRATE_REQUEST: paths.request,
    ORCHESTRATE_CONTEXT: paths.context,
    ORCHESTRATE_CONTEXT_OUT: paths.contextOut,
    ORCHESTRATE_RESULT: paths.result,
    ORCHESTRATE_INPUTS: paths.inputs,
    ORCHESTRATE_ARTIFACTS: paths.artifacts,
  });
  if (t.task.phase !== undefined) env.ORCHESTRATE_PHASE = t.task.phase;
  if (t.feedback !== undefined) env.ORCHESTRATE_FEEDBACK = paths.feedback;
  return env;
}

/** `timeout` when the abort reason says so (a `kind: "timeout"` error or a TimeoutError), else `cancelled`. */
function abortCause(reason: unknown): { kind: string; message: string } {
  const { kind, name, message } = (typeof reason === "object" && reason !== null ? reason : {}) as {
    kind?: unknown;
    name?: unknown;
    message?: unknown;
  };
  const timeout = kind === "timeout" || name === "TimeoutError";
  const text = typeof message === "string" && message !== "" ? message : undefined;
  if (timeout) return { kind: "timeout", message: text ?? "timed out" };
  return { kind: "cancelled", message: text && name !== "AbortError" ? `cancelled: ${text}` : "cancelled" };
}

function failureKind(error: unknown, fallback: string): string {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return typeof kind === "string" ? kind : fallback;
}

async function folderProblem(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isDirectory() ? undefined : "is not a folder";
  } catch {
    return "does not exist";
  }
}

/** Masks secrets in every string of a JSON value, keys included. */
export function scrubDeep(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === "string") return scrub(value);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrub));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k), scrubDeep(v, scrub)]));
  }
  return value;
}
