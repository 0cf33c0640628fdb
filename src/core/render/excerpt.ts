/**
 * Long free text (a task's summary, a reason, an error message) shortened where Orchestrate's
 * markdown shows it, with a note saying where the whole text is. An agent's summary may run to
 * megabytes; GitHub takes 65,536 characters in a comment or pull request description and 65,535
 * bytes in a check run's summary, so one long summary would otherwise push everything after it
 * (or the whole text) past the limit.
 */
import type { ExecutionState } from "../state/types.ts";
import { cell, code } from "./markdown.ts";

/** Most characters of one task's summary (or reason) in a table. */
export const SUMMARY_LIMIT = 2_000;

/**
 * About how many characters all tasks' summaries take together: with many tasks each gets less
 * (never under `SUMMARY_FLOOR`), so the sections after the task table still fit. Even all of it in
 * three-byte characters (Korean, Chinese, Japanese) stays well within a check run's 65,535 bytes.
 */
export const SUMMARIES_BUDGET = 16_000;

/** The fewest characters a task's summary is shortened to, however many tasks there are. */
export const SUMMARY_FLOOR = 100;

/** Most characters of a reason, an error message or an audit entry. */
export const REASON_LIMIT = 500;

/** The characters each of `tasks` summaries may take: `max` at most, less when there are many. */
export function summaryLimit(tasks: number, max = SUMMARY_LIMIT): number {
  return Math.max(SUMMARY_FLOOR, Math.min(max, Math.floor(SUMMARIES_BUDGET / Math.max(1, tasks))));
}

/** The first `units` UTF-16 units of `text`, one fewer where the last would split a surrogate pair. */
export function cutAt(text: string, units: number): string {
  if (text.length <= units) return text;
  const end = Math.max(0, units);
  const last = text.charCodeAt(end - 1);
  return text.slice(0, end > 0 && last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}

/**
 * Where the whole text of what is shortened can be read. On GitHub (the state names its issue) the
 * execution state file on the state branch (the paths `StateStore` writes); elsewhere, the report
 * as JSON.
 */
export function fullTextAt(state: ExecutionState): string {
  const issue = state.meta.issue;
  return typeof issue === "number" && Number.isInteger(issue)
    ? `${code(`executions/${issue}/state.json`)} on the ${code("orchestrate-state")} branch`
    : `${code(`orchestrate report ${state.id} --format json`)}`;
}

/**
 * `text` escaped by `render` (as a table cell by default), at most `limit` characters of it shown;
 * when cut, a note says the full text is at `where`. The cut is made after escaping, so the
 * escaped text (which may be longer than the text) is what is bounded; an escape cut in half
 * (`&lt;`, `&#96;`, `\|`) is dropped: every `&` of escaped text starts a character reference.
 */
export function shortened(
  text: string,
  limit: number,
  where: string,
  render: (text: string) => string = cell,
): string {
  // Escaping at most halves the text (a CRLF becomes one space), so this much is enough to fill
  // `limit` and to know whether there is more.
  const escaped = render(cutAt(text, 2 * limit + 2));
  if (escaped.length <= limit) return escaped;
  const shown = cutAt(escaped, limit).replace(/(?:&[#\w]*|\\)$/, "");
  return `${shown}… _(shortened: the full text is in ${where})_`;
}
