import { TaskFailure } from "../core/errors.ts";
import { createSecretFinder, secretLine, tokenKinds } from "../core/scrub/index.ts";
import type { TaskFile } from "../github/task-commit.ts";

/** The error kind of an attempt whose files hold a configured secret. */
export const SECRET_IN_OUTPUT = "secret_in_output";
/** Paths named in a message; the rest are counted. */
const SHOWN_PATHS = 5;
/** Files warned about one by one; the rest are counted in one more warning. */
const WARNED_FILES = 10;
/** How much of a file git reads to tell binary from text (a NUL byte there: binary). */
const BINARY_SNIFF_BYTES = 8000;

/**
 * The paths of the files to commit whose path or content holds one of `secrets` (as written,
 * encoded, or a line of a multi-line one: see `createSecretFinder`). Only values secret by
 * themselves count (`secretLine`: 16+ characters, no whitespace): a PEM key given line by line
 * must not refuse every file with a `-----BEGIN …` header, nor a short password every file that
 * names it (they are still masked in logs). Deletions commit no content and are not searched.
 * Contents are bounded by the commit rules (`MAX_FILE_BYTES` each).
 */
export function filesWithSecrets(files: readonly TaskFile[], secrets: readonly string[]): string[] {
  const holds = createSecretFinder(secrets.filter(secretLine));
  return files
    .filter((file) => file.content !== null && (holds(Buffer.from(file.path)) || holds(file.content)))
    .map((file) => file.path);
}

/**
 * The failure of an attempt whose files hold a configured secret: names the files (the caller
 * scrubs the message, which masks a secret in a path), never the secret, and says what to do.
 */
export function secretInOutput(paths: readonly string[]): TaskFailure {
  const shown = paths.slice(0, SHOWN_PATHS).map((p) => JSON.stringify(p));
  const more = paths.length > SHOWN_PATHS ? ` and ${paths.length - SHOWN_PATHS} more` : "";
  return new TaskFailure(
    SECRET_IN_OUTPUT,
    `the value of a configured secret (\`secrets-to-mask\`, \`github-token\` or a token of the runner), as written or encoded, is in ${paths.length === 1 ? "a file" : "files"} the agent left to commit: ${shown.join(", ")}${more}; nothing was committed. Agents must not write secrets into files: the code they write should read them from the environment at run time`,
  );
}

/**
 * One warning per file to commit that holds something in a known token format (GitHub, OpenAI or
 * Anthropic, AWS, Slack, npm, private keys), naming the file and the formats, at most
 * `WARNED_FILES` and then a count. Such files are still committed: test fixtures and examples
 * look like tokens too; only configured secret values refuse a commit. Binary files (a NUL byte
 * in their first 8000, as git tells them) are not read: token formats are text, and decoding
 * large binaries as text would cost seconds for a warning.
 */
export function tokenWarnings(files: readonly TaskFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (file.content === null || file.content.subarray(0, BINARY_SNIFF_BYTES).includes(0)) continue;
    const kinds = tokenKinds(file.content.toString("utf8"));
    if (kinds.length > 0) found.push(`${JSON.stringify(file.path)} (${kinds.join(", ")})`);
  }
  const warnings = found
    .slice(0, WARNED_FILES)
    .map(
      (what) =>
        `${what} holds what looks like a credential and is committed as written: if it is a real one, revoke it and keep it out of the agent's files`,
    );
  if (found.length > WARNED_FILES)
    warnings.push(`${found.length - WARNED_FILES} more files hold what looks like a credential`);
  return warnings;
}
