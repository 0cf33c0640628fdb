import { describe, expect, it } from "vitest";
import { parseRequest } from "../../../src/core/request/index.ts";

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("parseRequest: one-line lists", () => {
  it("reads the Korean one-liner", () => {
    const r = parseRequest(
      {
        body: "프로젝트: 회원가입 시스템, 요구: OAuth + 2FA + Email verification, 스택: FastAPI + React, 마감: 3일",
      },
      { now: NOW },
    );
    expect(r.project).toBe("회원가입 시스템");
    expect(r.requirements).toEqual(["OAuth", "2FA", "Email verification"]);
    expect(r.stack).toEqual(["FastAPI", "React"]);
    expect(r.deadline).toBe(iso(NOW + 3 * DAY));
    expect(r.deadline_text).toBe("3일");
    expect(r.facts.needs_auth).toBe(true);
    expect(r.stack_tags).toEqual(["fastapi", "react", "python", "javascript"]);
    expect(r.fields).toEqual({
      project: "회원가입 시스템",
      requirements: "OAuth + 2FA + Email verification",
      stack: "FastAPI + React",
      deadline: "3일",
    });
  });

  it("reads the English one-liner with any key case", () => {
    const r = parseRequest(
      { body: "PROJECT: Shop, Features: cart, checkout; Tech: Django + Vue, Due: 1 week" },
      { now: NOW },
    );
    expect(r.project).toBe("Shop");
    expect(r.requirements).toEqual(["cart", "checkout"]);
    expect(r.stack).toEqual(["Django", "Vue"]);
    expect(r.deadline).toBe(iso(NOW + 7 * DAY));
  });

  it("reads the one-liner written as sentences (the product's own example)", () => {
    const r = parseRequest(
      {
        body: "Project: signup system. Requirements: OAuth + 2FA + email verification. Stack: FastAPI + React. Deadline: 3 days",
      },
      { now: NOW },
    );
    expect(r.project).toBe("signup system");
    expect(r.requirements).toEqual(["OAuth", "2FA", "email verification"]);
    expect(r.stack).toEqual(["FastAPI", "React"]);
    expect(r.deadline).toBe(iso(NOW + 3 * DAY));
  });

  it("keeps full stops inside a value when no known key follows (versions, abbreviations)", () => {
    const r = parseRequest(
      { body: "Project: Acme Inc. portal v2.1. Stack: Node.js 20. Next. Deadline: 2 days" },
      { now: NOW },
    );
    expect(r.project).toBe("Acme Inc. portal v2.1");
    expect(r.stack).toEqual(["Node.js 20. Next"]);
  });

  it("keeps commas inside a value when no known key follows", () => {
    const r = parseRequest({ body: "Project: Tom, Dick and Harry's shop, Stack: Flask" }, { now: NOW });
    expect(r.project).toBe("Tom, Dick and Harry's shop");
    expect(r.stack).toEqual(["Flask"]);
  });
});

describe("parseRequest: key: value lines", () => {
  const body = [
    "Project: Team blog",
    "Requirements:",
    "- Posts with comments",
    "* Tags",
    "1. RSS feed",
    "Stack: Next.js, PostgreSQL / Prisma",
    "Deadline: 2026-12-01",
    "Owner: Kim",
    "**Priority**: high",
    "",
    "Some background that belongs to no field.",
  ].join("\n");
  const r = parseRequest({ title: "[orchestrate] Blog", body }, { now: NOW });

  it("reads known keys and list values", () => {
    expect(r.project).toBe("Team blog");
    expect(r.title).toBe("Blog");
    expect(r.requirements).toEqual(["Posts with comments", "Tags", "RSS feed"]);
    expect(r.stack).toEqual(["Next.js", "PostgreSQL", "Prisma"]);
    expect(r.deadline).toBe("2026-12-01T23:59:59.999Z");
  });

  it("keeps unknown keys lower-cased in fields and free text out of fields", () => {
    expect(r.fields["owner"]).toBe("Kim");
    expect(r.fields["priority"]).toBe("high");
    expect(Object.values(r.fields).join("\n")).not.toContain("background");
    expect(r.text).toBe(body);
  });

  it("accepts every synonym of the known keys", () => {
    const cases: [string, string][] = [
      ["name", "project"],
      ["프로젝트", "project"],
      ["requirement", "requirements"],
      ["요구사항", "requirements"],
      ["features", "requirements"],
      ["technology", "stack"],
      ["기술", "stack"],
      ["스택", "stack"],
      ["due", "deadline"],
      ["기한", "deadline"],
      ["마감", "deadline"],
    ];
    for (const [key, english] of cases) {
      const parsed = parseRequest({ body: `${key.toUpperCase()}: value` }, { now: NOW });
      expect(parsed.fields[english], key).toBe("value");
    }
  });

  it("does not take a URL or a long sentence for a key", () => {
    const parsed = parseRequest(
      { body: "https://example.com/spec\nPlease build what this page says: a todo app" },
      { now: NOW },
    );
    expect(parsed.fields).toEqual({});
    expect(parsed.project).toBe("https://example.com/spec");
  });

  it("treats _No response_ as empty", () => {
    const parsed = parseRequest({ body: "Project: X\nStack: _No response_" }, { now: NOW });
    expect(parsed.fields["stack"]).toBeUndefined();
    expect(parsed.stack).toEqual([]);
  });
});

describe("parseRequest: free text", () => {
  it("takes the sentence as project and guesses stack and requirements from known words", () => {
    const r = parseRequest(
      { body: "Build a signup system with OAuth and 2FA using FastAPI and React within 2 weeks." },
      { now: NOW },
    );
    expect(r.project).toBe("Build a signup system with OAuth and 2FA using FastAPI and React within 2 weeks");
    expect(r.stack).toEqual(["FastAPI", "React"]);
    expect(r.requirements).toEqual(["Sign-up", "OAuth", "2FA"]);
    expect(r.deadline).toBe(iso(NOW + 14 * DAY));
    expect(r.deadline_text).toBe("2 weeks");
    expect(r.fields).toEqual({});
  });

  it("prefers the title as project", () => {
    const r = parseRequest(
      { title: "[orchestrate] Recipe site", body: "A place to share recipes." },
      { now: NOW },
    );
    expect(r.project).toBe("Recipe site");
    expect(r.title).toBe("Recipe site");
    expect(r.stack).toEqual([]);
    expect(r.requirements).toEqual([]);
    expect(r.deadline).toBeNull();
  });

  it("reads Korean free text with particles attached", () => {
    const r = parseRequest({ body: "3일 안에 로그인 페이지 만들어줘. FastAPI와 React로" }, { now: NOW });
    expect(r.stack).toEqual(["FastAPI", "React"]);
    expect(r.deadline).toBe(iso(NOW + 3 * DAY));
    expect(r.facts.needs_auth).toBe(true);
    expect(r.project).toBe("3일 안에 로그인 페이지 만들어줘");
  });

  it("does not guess ambiguous words as stack", () => {
    const r = parseRequest({ body: "Let's go: an express delivery tracker for spring" }, { now: NOW });
    expect(r.stack).toEqual([]);
    expect(r.stack_tags).toEqual([]);
  });

  it("handles an empty request", () => {
    const r = parseRequest({ body: "" }, { now: NOW });
    expect(r).toMatchObject({
      title: "",
      project: "",
      requirements: [],
      stack: [],
      deadline: null,
      text: "",
    });
  });
});
