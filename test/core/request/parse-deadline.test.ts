import { describe, expect, it } from "vitest";
import { findDeadline, parseDeadline, parseRequest } from "../../../src/core/request/index.ts";

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

describe("parseDeadline", () => {
  const relative: [string, number][] = [
    ["3일", 3 * DAY],
    ["3 일", 3 * DAY],
    ["3 days", 3 * DAY],
    ["1 day", DAY],
    ["3d", 3 * DAY],
    ["1 week", 7 * DAY],
    ["2 weeks", 14 * DAY],
    ["a week", 7 * DAY],
    ["1주", 7 * DAY],
    ["2주일", 14 * DAY],
    ["5 hours", 5 * HOUR],
    ["5시간", 5 * HOUR],
    ["90 minutes", 90 * MIN],
    ["1.5 days", 1.5 * DAY],
    ["2 months", 60 * DAY],
    ["in 3 days", 3 * DAY],
    ["within 2 weeks", 14 * DAY],
    ["3 Days", 3 * DAY],
    ["3일 이내", 3 * DAY],
    ["3일안에", 3 * DAY],
    ["tomorrow", DAY],
    ["Tomorrow", DAY],
    ["내일", DAY],
    ["내일까지", DAY],
    ["모레", 2 * DAY],
  ];
  for (const [text, offset] of relative) {
    it(`adds ${text} to now`, () => {
      expect(parseDeadline(text, NOW)).toBe(iso(NOW + offset));
    });
  }

  it("reads a date as the end of that day in UTC", () => {
    expect(parseDeadline("2026-12-01", NOW)).toBe("2026-12-01T23:59:59.999Z");
    expect(parseDeadline("2026/12/01", NOW)).toBe("2026-12-01T23:59:59.999Z");
    expect(parseDeadline("2026.12.01", NOW)).toBe("2026-12-01T23:59:59.999Z");
    expect(parseDeadline("2026년 12월 1일", NOW)).toBe("2026-12-01T23:59:59.999Z");
    expect(parseDeadline("by 2026-02-28", NOW)).toBe("2026-02-28T23:59:59.999Z");
  });

  it("reads ISO date-times, with or without a zone", () => {
    expect(parseDeadline("2026-12-01T10:30:00Z", NOW)).toBe("2026-12-01T10:30:00.000Z");
    expect(parseDeadline("2026-12-01T10:30Z", NOW)).toBe("2026-12-01T10:30:00.000Z");
    expect(parseDeadline("2026-12-01T10:30:15.250Z", NOW)).toBe("2026-12-01T10:30:15.250Z");
    expect(parseDeadline("2026-12-01T10:30:00+09:00", NOW)).toBe("2026-12-01T01:30:00.000Z");
    expect(parseDeadline("2026-12-01 10:30-0130", NOW)).toBe("2026-12-01T12:00:00.000Z");
    expect(parseDeadline("2026-12-01T10:30", NOW)).toBe("2026-12-01T10:30:00.000Z");
  });

  it("returns null for text that is not a deadline", () => {
    for (const text of [
      "",
      "soon",
      "ASAP",
      "3 fortnights",
      "2026-02-30",
      "2026-13-01",
      "2026-12-01T25:00Z",
      "0099-01-01",
      "1234567 days",
      "3 days, ideally less",
      "x".repeat(500),
    ]) {
      expect(parseDeadline(text, NOW), text).toBeNull();
    }
  });

  it("returns null for relative deadlines when now is not a number", () => {
    expect(parseDeadline("3 days", Number.NaN)).toBeNull();
    expect(parseDeadline("2026-12-01", Number.NaN)).toBe("2026-12-01T23:59:59.999Z");
  });
});

describe("findDeadline", () => {
  it("finds a deadline after a cue word", () => {
    expect(findDeadline("Ship it in 3 days please", NOW)).toEqual({ text: "3 days", ms: NOW + 3 * DAY });
    expect(findDeadline("Due tomorrow.", NOW)).toEqual({ text: "tomorrow", ms: NOW + DAY });
    expect(findDeadline("Launch by 2026-12-01.", NOW)?.text).toBe("2026-12-01");
    expect(findDeadline("마감 1주", NOW)?.ms).toBe(NOW + 7 * DAY);
  });

  it("finds Korean durations followed by a limit word", () => {
    expect(findDeadline("3일 안에 만들어줘", NOW)).toEqual({ text: "3일 안에", ms: NOW + 3 * DAY });
    expect(findDeadline("내일까지 부탁해", NOW)?.ms).toBe(NOW + DAY);
  });

  it("ignores numbers without a cue", () => {
    expect(findDeadline("Show 3 days of history and 2 weeks of logs", NOW)).toBeNull();
    expect(findDeadline("3일 동안 보관", NOW)).toBeNull();
  });
});

describe("parseRequest deadlines", () => {
  it("keeps the text of an unreadable deadline", () => {
    const r = parseRequest({ body: "Project: X\nDeadline: when it is ready" }, { now: NOW });
    expect(r.deadline).toBeNull();
    expect(r.deadline_text).toBe("when it is ready");
  });

  it("uses the injected now", () => {
    const a = parseRequest({ body: "Deadline: 5 hours" }, { now: 0 });
    const b = parseRequest({ body: "Deadline: 5 hours" }, { now: DAY });
    expect(a.deadline).toBe(iso(5 * HOUR));
    expect(b.deadline).toBe(iso(DAY + 5 * HOUR));
  });
});
