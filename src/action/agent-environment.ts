/** Variables through which the runner hands a job its own credentials. */
const RUNTIME_CREDENTIALS = [
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_URL",
  "ACTIONS_RESULTS_URL",
  "ACTIONS_CACHE_URL",
  "ACTIONS_RUNTIME_URL",
];

/**
 * Overrides for the agent's environment that blank every variable carrying a credential of this
 * step: the Action's own inputs (`INPUT_*`, among them `github-token`), the runner's job tokens,
 * and any variable whose value contains one of `credentials` (e.g. a `GITHUB_TOKEN` set on the
 * step). The agent keeps everything else the step was given, such as its model API key.
 */
export function agentEnvironment(
  env: Record<string, string | undefined>,
  credentials: readonly string[],
): Record<string, string> {
  const blank: Record<string, string> = {};
  const tokens = credentials.filter((c) => c.length >= 8);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (
      name.startsWith("INPUT_") ||
      RUNTIME_CREDENTIALS.includes(name) ||
      tokens.some((token) => value.includes(token))
    ) {
      blank[name] = "";
    }
  }
  for (const name of RUNTIME_CREDENTIALS) if (env[name] !== undefined) blank[name] = "";
  return blank;
}
