import { OrchestrateError } from "../../core/errors.ts";
import { issueText, jsonProblem } from "../../core/json-problem.ts";
import { EventSchema, type ExecutionEvent } from "../../core/state/events.ts";

/** Options of reading an event log. */
export interface EventLogOptions {
  /**
   * Ignore a torn last line: no line end and not valid JSON, the mark of a write cut off by a
   * crash. Such an event never took effect (the state is written after it). Any other bad line
   * is still an error.
   */
  tolerateTornTail?: boolean;
}

/**
 * Parses the text of an `events.jsonl`: one event per line, each validated with `EventSchema`.
 * Blank lines are skipped. Throws `events_corrupt` naming `path:line` for a bad line, and
 * `events_torn` for a torn last line unless `tolerateTornTail` is set.
 */
export function parseEventLog(text: string, path: string, options: EventLogOptions = {}): ExecutionEvent[] {
  const lines = text.split("\n");
  const endsClean = text === "" || text.endsWith("\n");
  const events: ExecutionEvent[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const where = `${path}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (!endsClean && index === lines.length - 1) {
        if (options.tolerateTornTail) break;
        throw new OrchestrateError(
          "events_torn",
          `${where}: the last line is cut off (no line end, not valid JSON): a write was interrupted`,
          {
            hint: "the cut-off event never took effect; removing that last line is safe (the rest of the log is intact)",
            cause: error,
          },
        );
      }
      throw corrupt(
        `${where}: invalid JSON: ${jsonProblem(line, error, { singleLine: true })}`,
        index + 1,
        error,
      );
    }
    const parsed = EventSchema.safeParse(value);
    if (!parsed.success) {
      const [first, ...more] = parsed.error.issues.map(issueText);
      // The first problem is in the message; the others, if any, follow it.
      throw corrupt(`${where}: not a valid event: ${first}`, index + 1, undefined, more);
    }
    if (events.length === 0 && parsed.data.type !== "execution_started") {
      throw new OrchestrateError(
        "events_corrupt",
        `${where}: the first event is ${parsed.data.type}, not execution_started: the start of the log is missing`,
        { hint: `the file was left untouched; ${RESTORE_HINT}` },
      );
    }
    events.push(parsed.data);
  }
  return events;
}

/** What to do about a log that lost events: it is the execution's history, so it is never rewritten. */
export const RESTORE_HINT =
  "restore events.jsonl from a copy or backup (its first line is the execution's execution_started event), or start a new execution";

function corrupt(message: string, line: number, cause?: unknown, details?: string[]): OrchestrateError {
  return new OrchestrateError("events_corrupt", message, {
    hint: `the file was left untouched; it is the execution's history, so repair line ${line} by hand (keep a copy first) or start a new execution`,
    ...(details ? { details } : {}),
    ...(cause !== undefined ? { cause } : {}),
  });
}
