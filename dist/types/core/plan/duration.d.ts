/** A duration as written in a plan: `500ms`, `30s`, `10m`, `2h`, `1d`, or a plain number of seconds. */
export type DurationInput = string | number;
/**
 * Parses a duration into milliseconds. Returns `undefined` when the text is not a duration,
 * so callers can report the problem where it was written.
 */
export declare function parseDuration(input: DurationInput): number | undefined;
/** Formats milliseconds the way a person reads them: `850ms`, `12s`, `3m 20s`, `2h 5m`, `1d 3h`. */
export declare function formatDuration(ms: number): string;
