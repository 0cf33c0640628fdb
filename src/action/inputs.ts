import { z } from "zod";

/**
 * The Action's inputs as `action.yml` declares them (the runner passes each as `INPUT_<NAME>`,
 * upper-cased, hyphens kept). Defaults here equal those in `action.yml`, so the bundle behaves the
 * same when started directly.
 */
export const ActionInputsSchema = z.object({
  /**
   * `task` runs one agent task and commits its result in the same job; `task-run` runs it and
   * leaves a result bundle, which `task-publish` (in another job) checks and commits;
   * `orchestrate` runs the orchestrator on the workflow's event.
   */
  mode: z.enum(["task", "task-run", "task-publish", "orchestrate"], {
    error: (issue) =>
      issue.input === undefined
        ? "input `mode` is required: set `mode: task-run`, `task-publish`, `task` or `orchestrate`"
        : `input \`mode\` is "${String(issue.input)}": use \`task-run\`, \`task-publish\`, \`task\` or \`orchestrate\``,
  }),
  /** Token for the GitHub API; an app installation token wakes other workflows, `GITHUB_TOKEN` mostly does not. */
  githubToken: z.string().default(""),
  /** Task mode: one matrix entry of the agents workflow, as JSON. */
  task: z.string().default(""),
  /** Task mode: the issue number of the execution (default: from the working branch name). */
  issue: z.string().default(""),
  /** The plan's path on the default branch. */
  config: z.string().min(1).default(".github/orchestrate.yml"),
  /** Extra secret values to mask and scrub, one per line. */
  secretsToMask: z.string().default(""),
  /** Orchestrate mode: the label that starts an execution. */
  label: z.string().min(1).default("orchestrate"),
  /** Orchestrate mode: the agents workflow dispatched for ready tasks. */
  workflow: z.string().min(1).default("orchestrate-agents.yml"),
  /** Task mode: the repository checkout the agent runs in (default: `GITHUB_WORKSPACE`). */
  workingDirectory: z.string().default(""),
  /** Orchestrate mode: bots whose `/orchestrate` commands are heard, comma- or line-separated. */
  allowBots: z.string().default(""),
  /** `task-run` and `task-publish`: the result bundle's folder (default: `$RUNNER_TEMP/orchestrate-bundle`). */
  bundle: z.string().default(""),
  /**
   * `task-publish`: how the agent jobs ended (`needs.<job>.result`). Over a matrix this is the
   * result of all of them together, so it only annotates a missing bundle; the bundle decides.
   */
  agentResult: z
    .enum(["", "success", "failure", "cancelled", "skipped"], {
      error: (issue) =>
        `input \`agent-result\` is "${String(issue.input)}": pass \`\${{ needs.<agent job>.result }}\` (success, failure, cancelled or skipped)`,
    })
    .default(""),
});

export type ActionInputs = z.output<typeof ActionInputsSchema>;

/** Each input's name in `action.yml`. Exhaustive: a new input must be named here. */
export const INPUT_NAMES: Record<keyof ActionInputs, string> = {
  mode: "mode",
  githubToken: "github-token",
  task: "task",
  issue: "issue",
  config: "config",
  secretsToMask: "secrets-to-mask",
  label: "label",
  workflow: "workflow",
  workingDirectory: "working-directory",
  allowBots: "allow-bots",
  bundle: "bundle",
  agentResult: "agent-result",
};

/** The raw inputs, as the runner passed them (unset or blank: undefined). */
export type RawInputs = Record<keyof ActionInputs, string | undefined>;

/** The environment variable that carries an input (`github-token` → `INPUT_GITHUB-TOKEN`). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/** Reads every input from an environment; blank values count as unset (the runner's behaviour). */
export function readInputs(env: Record<string, string | undefined>): RawInputs {
  const raw = {} as RawInputs;
  for (const key of Object.keys(INPUT_NAMES) as (keyof ActionInputs)[]) {
    const value = env[inputVariable(INPUT_NAMES[key])]?.trim();
    raw[key] = value === "" ? undefined : value;
  }
  return raw;
}

/** Parses raw inputs; a problem is returned as one sentence naming the input to fix. */
export function parseInputs(
  raw: RawInputs,
): { ok: true; inputs: ActionInputs } | { ok: false; message: string } {
  const parsed = ActionInputsSchema.safeParse(raw);
  if (parsed.success) return { ok: true, inputs: parsed.data };
  const issue = parsed.error.issues[0];
  const key = issue?.path[0] as keyof ActionInputs | undefined;
  const name = key !== undefined ? INPUT_NAMES[key] : "?";
  const message = issue?.message.startsWith("input `")
    ? issue.message
    : `input \`${name}\`: ${issue?.message}`;
  return { ok: false, message };
}
