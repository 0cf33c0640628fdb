import { z } from "zod";
import type { RepoRef } from "../github/ports.ts";

const optional = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/** The runner's default environment variables the Action reads; nothing else is read from it. */
export const ActionEnvSchema = z.object({
  GITHUB_REPOSITORY: z
    .string({ error: "GITHUB_REPOSITORY is not set: run the Action inside a GitHub Actions job" })
    .regex(/^[^/\s]+\/[^/\s]+$/, { error: "GITHUB_REPOSITORY must be <owner>/<repo>" }),
  GITHUB_API_URL: z.string().url().default("https://api.github.com"),
  GITHUB_SERVER_URL: z.string().default("https://github.com"),
  GITHUB_EVENT_NAME: optional,
  GITHUB_EVENT_PATH: optional,
  GITHUB_WORKSPACE: optional,
  GITHUB_REF_NAME: optional,
  GITHUB_RUN_ID: optional,
  GITHUB_OUTPUT: optional,
  GITHUB_STEP_SUMMARY: optional,
  RUNNER_TEMP: optional,
});

export type ActionEnv = z.output<typeof ActionEnvSchema>;

/** Exhaustive list of the variables `ActionEnvSchema` reads. */
export const ENV_NAMES: Record<keyof ActionEnv, true> = {
  GITHUB_REPOSITORY: true,
  GITHUB_API_URL: true,
  GITHUB_SERVER_URL: true,
  GITHUB_EVENT_NAME: true,
  GITHUB_EVENT_PATH: true,
  GITHUB_WORKSPACE: true,
  GITHUB_REF_NAME: true,
  GITHUB_RUN_ID: true,
  GITHUB_OUTPUT: true,
  GITHUB_STEP_SUMMARY: true,
  RUNNER_TEMP: true,
};

/** Reads and checks the runner's variables; a problem is one sentence. */
export function parseEnv(
  env: Record<string, string | undefined>,
): { ok: true; env: ActionEnv } | { ok: false; message: string } {
  const picked = Object.fromEntries(Object.keys(ENV_NAMES).map((name) => [name, env[name]]));
  const parsed = ActionEnvSchema.safeParse(picked);
  if (parsed.success) return { ok: true, env: parsed.data };
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? "environment");
  const message = issue?.message ?? "invalid";
  return { ok: false, message: message.startsWith(name) ? message : `${name}: ${message}` };
}

/** The repository of the workflow run. */
export function repoOf(env: ActionEnv): RepoRef {
  const [owner = "", repo = ""] = env.GITHUB_REPOSITORY.split("/");
  return { owner, repo };
}
