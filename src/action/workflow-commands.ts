import { randomBytes } from "node:crypto";
import { appendFileSync } from "node:fs";

/**
 * Workflow commands and environment files of GitHub Actions, written without global state: lines
 * go to `write` (the job log) and files are named by the environment passed in, so the runner can
 * be driven from tests exactly as the runner machine drives it.
 */
export interface ActionIO {
  /** One raw line of the job log (a newline is added). */
  line(text: string): void;
  /** `::error::` — one line: newlines in `message` are escaped. */
  error(message: string): void;
  warning(message: string): void;
  notice(message: string): void;
  info(message: string): void;
  /** `::add-mask::` for a value, and for each line of a multi-line value (lines of 4+ characters). */
  mask(value: string): void;
  /** Writes `name=value` to `$GITHUB_OUTPUT` (heredoc form); logged when there is no such file. */
  setOutput(name: string, value: string): void;
  /** Appends markdown to `$GITHUB_STEP_SUMMARY` (nothing when there is no such file). */
  summary(markdown: string): void;
  /**
   * Runs `fn` with workflow commands off: `::stop-commands::<random token>` before, `::<token>::`
   * after, so text `fn` writes to the log cannot issue commands (the token is never shown to it).
   */
  verbatim<T>(fn: () => Promise<T>): Promise<T>;
}

/** Escapes a command's message: `%`, CR and LF (so a message is always one log line). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Where the environment files are. */
export interface WorkflowFiles {
  GITHUB_OUTPUT?: string | undefined;
  GITHUB_STEP_SUMMARY?: string | undefined;
}

/** An `ActionIO` writing lines to `write` and files named in `files`. */
export function actionIO(write: (text: string) => void, files: WorkflowFiles): ActionIO {
  const line = (text: string) => write(`${text}\n`);
  const command = (name: string, message: string) => line(`::${name}::${escapeData(message)}`);
  return {
    line,
    error: (message) => command("error", message),
    warning: (message) => command("warning", message),
    notice: (message) => command("notice", message),
    info: (message) => line(message),
    mask(value) {
      const values = new Set([value, ...value.split(/\r?\n/)].map((v) => v.trim()));
      for (const v of values) if (v.length >= 4) line(`::add-mask::${escapeData(v)}`);
    },
    setOutput(name, value) {
      if (!files.GITHUB_OUTPUT) {
        line(`output ${name}=${value}`);
        return;
      }
      const delimiter = `orchestrate_${randomBytes(12).toString("hex")}`;
      appendFileSync(files.GITHUB_OUTPUT, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
    },
    summary(markdown) {
      if (files.GITHUB_STEP_SUMMARY) appendFileSync(files.GITHUB_STEP_SUMMARY, `${markdown}\n`);
    },
    async verbatim(fn) {
      const token = randomBytes(16).toString("hex");
      line(`::stop-commands::${token}`);
      try {
        return await fn();
      } finally {
        line(`::${token}::`);
      }
    },
  };
}
