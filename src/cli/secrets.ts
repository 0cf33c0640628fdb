import { MIN_SECRET_LENGTH, scrub } from "../core/scrub/index.ts";
import { CliError, EXIT } from "./io.ts";

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

/** What `--secret` takes: the name of an environment variable. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks `--secret` names before anything is stored or printed: each must be a variable's name.
 * A value given instead (`--secret "$TOKEN"`) is refused without being repeated, so it is not
 * shown on the terminal nor kept with the execution: anything that is not a name, a known token
 * format (`ghp_…` could be a name), or an unset name that is the value of a variable of `env`.
 * Returns the names without repeats.
 */
export function secretNames(env: NodeJS.ProcessEnv, names: readonly string[] = []): string[] {
  const values = new Set(Object.values(env));
  for (const name of names) {
    const isValue =
      !VARIABLE_NAME.test(name) || scrub(name) !== name || (env[name] === undefined && values.has(name));
    if (isValue) {
      throw new CliError(
        "--secret takes the NAME of an environment variable (letters, digits and _), not its value",
        EXIT.usage,
        ["e.g. --secret DEPLOY_TOKEN, with DEPLOY_TOKEN set in the environment"],
      );
    }
  }
  return [...new Set(names)];
}

/**
 * Warnings for named secrets that cannot be masked: a variable that is not set (nothing to mask,
 * most often a typo) or whose value is shorter than the scrubber's minimum (masking it would mask
 * ordinary text). `recorded` are the names the execution kept from earlier commands.
 */
export function secretWarnings(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  recorded: ReadonlySet<string> = new Set(),
): string[] {
  const warnings: string[] = [];
  for (const name of names) {
    const value = env[name];
    const given = recorded.has(name) ? `secret ${name} (recorded with the execution)` : `--secret ${name}`;
    if (value === undefined || value === "") {
      warnings.push(`warning: ${given}: the variable is not set here, so there is nothing to mask`);
    } else if (value.length < MIN_SECRET_LENGTH) {
      warnings.push(
        `warning: ${given}: its value is shorter than ${MIN_SECRET_LENGTH} characters and is not masked (masking it would mask ordinary text)`,
      );
    }
  }
  return warnings;
}

/** Values of the named environment variables (default list plus `--secret NAME`), set ones only. */
export function secretValues(env: NodeJS.ProcessEnv, names: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const name of [...DEFAULT_SECRET_ENV, ...names]) {
    const value = env[name];
    if (value && value.length >= MIN_SECRET_LENGTH) values.add(value);
  }
  return [...values];
}
