import { createHash } from "node:crypto";
import { issueText } from "../core/json-problem.ts";
import { EventSchema, type ExecutionEvent } from "../core/state/events.ts";
import { ExecutionStateSchema } from "../core/state/state-schema.ts";
import type { ExecutionState } from "../core/state/types.ts";
import { CorruptStateError } from "./ports.ts";

/** The files of one execution on the state branch. */
export function executionPaths(issue: number): { state: string; events: string; finished: string } {
  const dir = `executions/${issue}`;
  return { state: `${dir}/state.json`, events: `${dir}/events.jsonl`, finished: `${dir}/finished` };
}

/**
 * The `finished` file beside each state: `true` once the execution finished, else `false`. Its
 * blob id tells a listing of the branch's tree which executions still need a tick, without
 * reading any file.
 */
export function finishedText(state: ExecutionState): string {
  return `${state.finished_at !== undefined}\n`;
}

/** The git blob id of `finished` saying `true`. */
export const FINISHED_BLOB = gitBlobId("true\n");

function gitBlobId(content: string): string {
  const body = Buffer.from(content);
  return createHash("sha1").update(`blob ${body.length}\0`).update(body).digest("hex");
}

/** `state.json` as written: pretty JSON with a final line end. */
export function stateText(state: ExecutionState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

/** The log with `events` appended, one JSON line each; the old text gets a line end if it lacks one. */
export function appendEvents(log: string, events: readonly ExecutionEvent[]): string {
  const base = log === "" || log.endsWith("\n") ? log : `${log}\n`;
  return base + events.map((event) => `${JSON.stringify(event)}\n`).join("");
}

/**
 * Parses `state.json`. The file's own value is returned (keys the schema does not know are kept);
 * unreadable JSON or a state of the wrong shape is a CorruptStateError naming the problem.
 */
export function parseState(text: string, path: string): ExecutionState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptStateError(path, `invalid JSON: ${(error as Error).message}`);
  }
  const parsed = ExecutionStateSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problems)` : "";
    throw new CorruptStateError(path, `not a valid execution state: ${issueText(issues[0]!)}${more}`);
  }
  return value as ExecutionState;
}

/** Parses `events.jsonl`: one event per line, blank lines skipped; a bad line is a CorruptStateError. */
export function parseEvents(text: string, path: string): ExecutionEvent[] {
  const events: ExecutionEvent[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new CorruptStateError(path, `line ${index + 1}: invalid JSON: ${(error as Error).message}`);
    }
    const parsed = EventSchema.safeParse(value);
    if (!parsed.success) {
      throw new CorruptStateError(
        path,
        `line ${index + 1}: not a valid event: ${issueText(parsed.error.issues[0]!)}`,
      );
    }
    events.push(parsed.data as ExecutionEvent);
  }
  return events;
}
