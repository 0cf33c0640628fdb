/**
 * Units of a relative deadline, in milliseconds. A month counts as 30 days.
 */
export declare const DEADLINE_UNITS: Readonly<Record<string, number>>;
/**
 * Reads a deadline and returns it as epoch milliseconds, or `null` when the text is not one.
 *
 * - Relative, added to `now`: `3일`, `3 days`, `3d`, `1 week`, `2 weeks`, `1주`, `5 hours`,
 *   `5시간`, `30 minutes`, `2 months` (30 days each), `a week`, `in 3 days`, `3일 이내`.
 * - Named days, added to `now`: `tomorrow`/`내일` (+1 day), `모레` (+2 days).
 * - A date (`2026-12-01`, `2026/12/01`, `2026.12.01`, `2026년 12월 1일`): the end of that day in UTC,
 *   `23:59:59.999Z`, so a task due on a date may still finish on it.
 * - An ISO date-time (`2026-12-01T10:00Z`, `2026-12-01 10:00+09:00`); without a zone it is read as UTC.
 */
export declare function deadlineMs(text: string, now: number): number | null;
/** {@link deadlineMs} as an ISO 8601 UTC timestamp, or `null`. */
export declare function parseDeadline(text: string, now: number): string | null;
/** Most candidate phrases {@link findDeadline} tries before giving up. */
export declare const MAX_DEADLINE_ATTEMPTS = 200;
/**
 * Finds a deadline in free text, conservatively: a duration or date right after a cue word
 * (`in`, `within`, `by`, `due`, `before`, `until`, `deadline`, `마감`, `기한`), or a Korean duration
 * followed by `이내`/`안에`/`까지`… (`3일 안에`, `3일이내`, `내일까지`). Returns the text as found.
 * Gives up after {@link MAX_DEADLINE_ATTEMPTS} candidates.
 */
export declare function findDeadline(text: string, now: number): {
    text: string;
    ms: number;
} | null;
