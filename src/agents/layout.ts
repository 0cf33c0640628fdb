/**
 * Names of the files and folders inside one attempt's work folder (`CommandTask.workDir`).
 * These names are part of the agent contract: agents receive their paths in environment variables.
 */
export const ATTEMPT_LAYOUT = {
  /** This task's outputs (`ORCHESTRATE_ARTIFACTS`); emptied before each run. */
  artifacts: "artifacts",
  /** Copies of upstream tasks' artifacts (`ORCHESTRATE_INPUTS`); rebuilt before each run. */
  inputs: "inputs",
  /** The list of upstream tasks and their artifacts, inside `inputs`. */
  inputsIndex: "index.json",
  /** The command's standard output, secrets scrubbed. */
  stdout: "stdout.log",
  /** The command's standard error, secrets scrubbed. */
  stderr: "stderr.log",
  /** The project request as JSON (`ORCHESTRATE_REQUEST`). */
  request: "request.json",
  /** The shared context as a JSON object (`ORCHESTRATE_CONTEXT`). */
  context: "context.json",
  /** Optionally written by the agent: keys merged into the shared context (`ORCHESTRATE_CONTEXT_OUT`). */
  contextOut: "context-out.json",
  /** Optionally written by the agent: summary and cost (`ORCHESTRATE_RESULT`). */
  result: "result.json",
  /** A gate's rejection feedback, present only when there is feedback (`ORCHESTRATE_FEEDBACK`). */
  feedback: "feedback.md",
} as const;

/** Characters kept as they are in a task folder name. */
const PLAIN = /[A-Za-z0-9.@-]/;

/**
 * A filesystem-safe, readable folder name for a task id, e.g. `development/dev@backend` →
 * `development__dev@backend`.
 *
 * Mapping, character by character: `/` → `__`; `_` → `%5F`; letters, digits, `.`, `@` and `-` are
 * kept; any other character → `%XX` for each byte of its UTF-8 form. The whole names `.` and `..`
 * become `%2E` and `%2E%2E`. Every replacement starts with `_` or `%` and no two of them share a
 * prefix, so different ids always give different names (the mapping can be undone). Names differing
 * only in letter case stay apart only on case-sensitive filesystems.
 */
export function taskDirName(taskId: string): string {
  if (taskId === "." || taskId === "..") return "%2E".repeat(taskId.length);
  let name = "";
  for (const char of taskId) {
    if (char === "/") name += "__";
    else if (PLAIN.test(char)) name += char;
    else name += percentEncode(char);
  }
  return name;
}

function percentEncode(char: string): string {
  let out = "";
  for (const byte of Buffer.from(char, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  return out;
}
