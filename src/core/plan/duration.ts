/** A duration as written in a plan: `500ms`, `30s`, `10m`, `2h`, `1d`, or a plain number of seconds. */
export type DurationInput = string | number;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/**
 * Parses a duration into milliseconds. Returns `undefined` when the text is not a duration,
 * so callers can report the problem where it was written.
 */
export function parseDuration(input: DurationInput): number | undefined {
  if (typeof input === "number") {
    return Number.isFinite(input) && input >= 0 ? Math.round(input * 1000) : undefined;
  }
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(input)) return Math.round(Number(input) * 1000);
  const match = PATTERN.exec(input);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}

/** Formats milliseconds the way a person reads them: `850ms`, `12s`, `3m 20s`, `2h 5m`, `1d 3h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}
