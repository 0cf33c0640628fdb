import { createScrubber } from "../core/scrub/index.ts";
import { type CreateOctokitOptions, createOctokit, type GitHubClient } from "../github/octokit.ts";
import { parseEnv, repoOf } from "./environment.ts";
import { ActionInputError } from "./errors.ts";
import { type ActionInputs, parseInputs, type RawInputs } from "./inputs.ts";
import type { ModeContext } from "./mode-context.ts";
import { runOrchestrateMode } from "./orchestrate-mode.ts";
import { runTaskMode } from "./task-mode.ts";
import { runTaskPublishMode } from "./task-publish-mode.ts";
import { runTaskRunMode } from "./task-run-mode.ts";
import { type ActionIO, actionIO } from "./workflow-commands.ts";

/** What the runner is given besides inputs and environment; tests pass their own. */
export interface RunnerOptions {
  /** Default: lines to `process.stdout`, files named by the environment. */
  io?: ActionIO;
  /** Builds the GitHub client (default `createOctokit`: retries and rate-limit handling). */
  createClient?: (options: CreateOctokitOptions) => GitHubClient;
  /** Aborts a running agent (the job was cancelled or timed out). */
  signal?: AbortSignal;
  now?: () => number;
  random?: () => number;
}

/** Each mode's runner. */
const MODES: Record<ActionInputs["mode"], (ctx: ModeContext) => Promise<number>> = {
  task: runTaskMode,
  "task-run": runTaskRunMode,
  "task-publish": runTaskPublishMode,
  orchestrate: runOrchestrateMode,
};

/** Variables whose values are always masked when set. */
const SECRET_VARIABLES = [
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
];

/**
 * Runs the Action: checks the inputs and the runner's environment, masks every secret, then runs
 * the mode. Returns the process exit code; every failure is reported as one `::error::` line that
 * says what to fix (or what GitHub refused), scrubbed of secrets.
 */
export async function runAction(
  raw: RawInputs,
  processEnv: Record<string, string | undefined>,
  options: RunnerOptions = {},
): Promise<number> {
  const io =
    options.io ??
    actionIO((text) => process.stdout.write(text), {
      GITHUB_OUTPUT: processEnv.GITHUB_OUTPUT,
      GITHUB_STEP_SUMMARY: processEnv.GITHUB_STEP_SUMMARY,
    });
  const parsed = parseInputs(raw);
  // Mask before anything else is written, even when the other inputs are wrong.
  const token = raw.githubToken ?? "";
  const credentials = [token, ...SECRET_VARIABLES.map((n) => processEnv[n] ?? "")].filter(
    (v) => v.length >= 4,
  );
  const extra = (raw.secretsToMask ?? "")
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 4);
  const all = [...new Set([...credentials, ...extra])];
  for (const secret of all) io.mask(secret);
  const scrub = createScrubber(all);

  // Every failure sets `status`, so a later step's `if:` can read it whichever way the step failed.
  const fail = (message: string) => {
    io.error(scrub(message));
    io.setOutput("status", "failed");
    return 1;
  };
  if (!parsed.ok) return fail(parsed.message);
  const env = parseEnv(processEnv);
  if (!env.ok) return fail(env.message);
  const { inputs } = parsed;
  if (inputs.githubToken === "") {
    return fail(
      `input \`github-token\` is required in ${inputs.mode} mode: pass \`github-token: \${{ secrets.GITHUB_TOKEN }}\` or an app token (actions/create-github-app-token)`,
    );
  }
  const ctx: ModeContext = {
    inputs,
    env: env.env,
    processEnv,
    io,
    client: (options.createClient ?? createOctokit)({
      auth: inputs.githubToken,
      baseUrl: env.env.GITHUB_API_URL,
      userAgent: "orchestrate-action",
    }),
    repo: repoOf(env.env),
    secrets: { all, credentials },
    scrub,
    signal: options.signal ?? new AbortController().signal,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
  try {
    return await MODES[inputs.mode](ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(error instanceof ActionInputError ? message : `${inputs.mode} mode failed: ${message}`);
  }
}
