/** Environment variables whose values are always scrubbed from logs and reports when set. */
export const DEFAULT_SECRET_ENV = [
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "NPM_TOKEN",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "SLACK_TOKEN",
];

/** Values of the named environment variables (default list plus `--secret NAME`), set ones only. */
export function secretValues(env: NodeJS.ProcessEnv, names: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const name of [...DEFAULT_SECRET_ENV, ...names]) {
    const value = env[name];
    if (value && value.length >= 4) values.add(value);
  }
  return [...values];
}
