const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MAX_DEADLINE_TEXT = 200;
const MAX_EPOCH_MS = 8.64e15;

/**
 * Units of a relative deadline, in milliseconds. A month counts as 30 days.
 */
export const DEADLINE_UNITS: Readonly<Record<string, number>> = {
  minute: MINUTE,
  minutes: MINUTE,
  min: MINUTE,
  mins: MINUTE,
  분: MINUTE,
  hour: HOUR,
  hours: HOUR,
  hr: HOUR,
  hrs: HOUR,
  h: HOUR,
  시간: HOUR,
  day: DAY,
  days: DAY,
  d: DAY,
  일: DAY,
  week: 7 * DAY,
  weeks: 7 * DAY,
  wk: 7 * DAY,
  wks: 7 * DAY,
  w: 7 * DAY,
  주: 7 * DAY,
  주일: 7 * DAY,
  month: 30 * DAY,
  months: 30 * DAY,
  개월: 30 * DAY,
  달: 30 * DAY,
};

/** Words read as a number of units (`a week`, `two days`, `한 달`). */
const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  한: 1,
  두: 2,
  세: 3,
  네: 4,
};

/** Offsets from now for named days. */
const NAMED_DAYS: Readonly<Record<string, number>> = {
  tomorrow: DAY,
  "day after tomorrow": 2 * DAY,
  내일: DAY,
  모레: 2 * DAY,
};

const LEADING = ["in ", "within ", "by ", "due ", "before ", "until "];
const TRAILING = [
  " from now",
  " later",
  "까지",
  "이내",
  "안에",
  "내에",
  "만에",
  "후에",
  "후",
  "뒤",
  "내로",
  "내",
];

const RELATIVE = /^(\d{1,6}(?:\.\d{1,3})?|[a-z]+|[가-힣])\s*([a-z]+|[가-힣]+)$/;
const ISO_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\.?$/;
const KOREAN_DATE = /^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[t ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?$/;

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
export function deadlineMs(text: string, now: number): number | null {
  let t = text.trim().toLowerCase();
  if (t.length === 0 || t.length > MAX_DEADLINE_TEXT) return null;
  t = t.split(/\s+/).join(" ");
  const absolute = absoluteMs(t);
  if (absolute !== null) return absolute;
  if (!Number.isFinite(now)) return null;
  for (const lead of LEADING) if (t.startsWith(lead)) t = t.slice(lead.length);
  for (const trail of TRAILING)
    if (t.endsWith(trail) && t.length > trail.length) t = t.slice(0, -trail.length).trim();
  const named = NAMED_DAYS[t];
  if (named !== undefined) return inRange(now + named);
  const match = RELATIVE.exec(t);
  if (!match) return absoluteMs(t);
  const unit = DEADLINE_UNITS[match[2]!];
  const amount = NUMBER_WORDS[match[1]!] ?? Number(match[1]);
  if (unit === undefined || !Number.isFinite(amount)) return null;
  return inRange(now + amount * unit);
}

/** {@link deadlineMs} as an ISO 8601 UTC timestamp, or `null`. */
export function parseDeadline(text: string, now: number): string | null {
  const ms = deadlineMs(text, now);
  return ms === null ? null : new Date(ms).toISOString();
}

function absoluteMs(t: string): number | null {
  const date = ISO_DATE.exec(t) ?? KOREAN_DATE.exec(t);
  if (date) return utc(Number(date[1]), Number(date[2]), Number(date[3]), 23, 59, 59, 999);
  const dt = ISO_DATE_TIME.exec(t);
  if (!dt) return null;
  const fraction = dt[7] ? Math.floor(Number(`0.${dt[7]}`) * 1000) : 0;
  const base = utc(
    Number(dt[1]),
    Number(dt[2]),
    Number(dt[3]),
    Number(dt[4]),
    Number(dt[5]),
    Number(dt[6] ?? 0),
    fraction,
  );
  if (base === null) return null;
  const zone = dt[8];
  if (!zone || zone === "z") return base;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || 0);
  if (hours > 23 || minutes > 59) return null;
  const offset = (hours * 60 + minutes) * MINUTE * (zone[0] === "-" ? -1 : 1);
  return inRange(base - offset);
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.getTime();
}

function inRange(ms: number): number | null {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_EPOCH_MS ? ms : null;
}

const DEADLINE_CUES = new Set(["in", "within", "by", "due", "before", "until", "deadline", "마감", "기한"]);
const KOREAN_AFTER = ["이내", "안에", "내에", "내로", "만에", "까지"];
/** Most candidate phrases {@link findDeadline} tries before giving up. */
export const MAX_DEADLINE_ATTEMPTS = 200;
const OPENERS = "(\"'`[";
const CLOSERS = ")\"'`].,;:!?";

/**
 * Finds a deadline in free text, conservatively: a duration or date right after a cue word
 * (`in`, `within`, `by`, `due`, `before`, `until`, `deadline`, `마감`, `기한`), or a Korean duration
 * followed by `이내`/`안에`/`까지`… (`3일 안에`, `3일이내`, `내일까지`). Returns the text as found.
 * Gives up after {@link MAX_DEADLINE_ATTEMPTS} candidates.
 */
export function findDeadline(text: string, now: number): { text: string; ms: number } | null {
  const words = text.split(/\s+/).filter((w) => w.length > 0 && w.length <= MAX_DEADLINE_TEXT);
  let attempts = 0;
  for (let i = 0; i < words.length && attempts < MAX_DEADLINE_ATTEMPTS; i++) {
    const word = trimWord(words[i]);
    const next = trimWord(words[i + 1]);
    if (DEADLINE_CUES.has(word.toLowerCase())) {
      attempts++;
      for (const candidate of [next, `${next} ${trimWord(words[i + 2])}`.trim()]) {
        const ms = candidate ? deadlineMs(candidate, now) : null;
        if (ms !== null) return { text: candidate, ms };
      }
      continue;
    }
    if (!/[가-힣]$/.test(word)) continue;
    const candidate = KOREAN_AFTER.includes(next) ? `${word} ${next}` : word;
    if (candidate === word && !KOREAN_AFTER.some((after) => word.endsWith(after))) continue;
    attempts++;
    const ms = deadlineMs(candidate, now);
    if (ms !== null) return { text: candidate, ms };
  }
  return null;
}

function trimWord(word: string | undefined): string {
  const w = word ?? "";
  let start = 0;
  let end = w.length;
  while (start < end && OPENERS.includes(w[start]!)) start++;
  while (end > start && CLOSERS.includes(w[end - 1]!)) end--;
  return w.slice(start, end);
}
