import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import { dashboardMarkdown } from "../../../src/core/render/dashboard.ts";
import {
  cutAt,
  fullTextAt,
  REASON_LIMIT,
  SUMMARY_FLOOR,
  SUMMARY_LIMIT,
  shortened,
  summaryLimit,
} from "../../../src/core/render/excerpt.ts";
import { cell, inert } from "../../../src/core/render/markdown.ts";
import { PULL_REQUEST_BODY_LIMIT, pullRequestBody } from "../../../src/core/render/pull-request.ts";
import { reportMarkdown } from "../../../src/core/render/report-markdown.ts";
import { type EventInput, EventSchema, type ExecutionState, reduce } from "../../../src/core/state/index.ts";
import { checkFields } from "../../../src/github/checks.ts";
import { COMMENT_LIMIT, replyBody } from "../../../src/github/comments.ts";
import { executionPaths } from "../../../src/github/parse-stored.ts";
import { checkOf, PHASE_SUMMARY_LIMIT, summaryCheck } from "../../../src/github/phase-checks.ts";
import { STATE_BRANCH } from "../../../src/github/ports.ts";

const SHORTENED =
  "_(shortened: the full text is in `executions/12/state.json` on the `orchestrate-state` branch)_";
const bytes = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * An execution of issue 12 on GitHub: `summaries[i]` is task `t<i>`'s summary; alice sets a budget
 * (an audit entry) and the last task fails with `error`, so the report has every section.
 */
function execution(summaries: string[], error = "boom"): ExecutionState {
  const ids = summaries.map((_, i) => `t${i}`);
  const failing = `t${summaries.length}`;
  const inputs: Record<string, unknown>[] = [
    {
      type: "execution_started",
      execution: "o/r#12",
      tasks: [...ids, failing].map((id) => ({ id, agent: "dev", phase: "build" })),
      phases: [{ id: "build", name: "build", needs: [], tasks: [...ids, failing], parallel: true }],
      policy: { ...defaultPolicy(), retry: { ...defaultPolicy().retry, max_attempts: 1 } },
      meta: { issue: 12, request: { title: "Sign-up", requirements: ["OAuth"] } },
    },
    { type: "budget_set", by: "alice", usd: 50 },
    ...ids.flatMap((task, i) => [
      { type: "task_started", task, attempt: 1 },
      { type: "task_succeeded", task, attempt: 1, summary: summaries[i], artifacts: [] },
    ]),
    { type: "task_started", task: failing, attempt: 1 },
    { type: "task_failed", task: failing, attempt: 1, error: { kind: "crash", message: error } },
  ];
  let state: ExecutionState | undefined;
  for (const [n, input] of inputs.entries())
    state = reduce(
      state,
      EventSchema.parse({ id: `e${n}`, at: 1000 * (n + 1), ...input } as EventInput),
    ).state;
  return state!;
}

/** The `## ` headings of `markdown`, in order. */
const headings = (markdown: string) => markdown.split("\n").filter((line) => line.startsWith("## "));

describe("a long task summary in the pull request body", () => {
  const long = "a".repeat(72_000);

  it("is shortened, with a note saying where the full text is, and the sections after it are kept", () => {
    const body = pullRequestBody(execution([long, "short"]), 12);
    expect(body.length).toBeLessThan(10_000);
    expect(body).toContain(`| \`t0\` | succeeded | ${"a".repeat(SUMMARY_LIMIT)}… ${SHORTENED} |`);
    expect(body).toContain("| `t1` | succeeded | short |");
    expect(headings(body)).toEqual(["## What was done", "## Metrics", "## Approvals"]);
    expect(body).toContain("- alice: set the budget to $50.00");
  });

  it("stays within GitHub's limit with many tasks, each given a share", () => {
    const body = pullRequestBody(execution(Array.from({ length: 150 }, () => long)), 12);
    expect(body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT);
    expect(headings(body)).toEqual(["## What was done", "## Metrics", "## Approvals"]);
    expect(body).toContain(`| \`t149\` | succeeded | ${"a".repeat(summaryLimit(151))}… ${SHORTENED} |`);
  });

  it("is capped as a whole, with a note, when the rows alone are too many", () => {
    const body = pullRequestBody(execution(Array.from({ length: 1_000 }, () => long)), 12);
    expect(body.length).toBe(PULL_REQUEST_BODY_LIMIT);
    expect(body.startsWith("Closes #12\n")).toBe(true);
    expect(body).toMatch(/_\(truncated: longer than GitHub allows in a pull request description\)_\n$/);
  });

  it("shortens the request's fields, pointing at the issue", () => {
    const state = execution(["done"]);
    (state.meta.request as { requirements: string[] }).requirements = [
      "x".repeat(30_000),
      "y".repeat(30_000),
    ];
    const body = pullRequestBody(state, 12);
    expect(body).toContain(
      `**Requirements:** ${"x".repeat(SUMMARY_LIMIT)}… _(shortened: the full text is in #12)_`,
    );
    expect(headings(body)).toEqual(["## What was done", "## Metrics", "## Approvals"]);
  });
});

describe("a long task summary in the closing report", () => {
  it("is shortened, so the errors, approvals and graph after the task table are kept", () => {
    const report = reportMarkdown(execution(["요약".repeat(36_000), "short"], "x".repeat(5_000)));
    expect(report).toContain(`| ${"요약".repeat(SUMMARY_LIMIT / 2)}… ${SHORTENED} |`);
    expect(report).toContain(`| crash | ${"x".repeat(300)}… ${SHORTENED} |`);
    expect(headings(report)).toEqual([
      "## Metrics",
      "## Phases",
      "## Tasks",
      "## Errors",
      "## Approvals and commands",
      "## Graph",
    ]);
    // The comment is posted whole: nothing is cut off at GitHub's limit.
    expect(replyBody(report)).toContain(report);
  });

  it("fits a comment and a check run's bytes with many tasks writing Korean, graph included", () => {
    const state = execution(Array.from({ length: 60 }, () => "회원가입 구현 완료. ".repeat(5_000)));
    const report = reportMarkdown(state);
    expect(report.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(bytes(report)).toBeLessThanOrEqual(65_535);
    expect(headings(report).at(-1)).toBe("## Graph");
    const check = checkFields({ owner: "o", repo: "r", issue: 12 }, summaryCheck(state), new Date(0));
    expect(check.output.summary).toBe(report);
  });

  it("shortens a long reason and audit entry too", () => {
    const state = execution(["done"]);
    state.reason = "r".repeat(10_000);
    state.audit.push({ at: 0, by: "bob", what: `rejected phase build: ${"w".repeat(10_000)}` });
    state.tasks.t1!.reason = "q".repeat(10_000);
    const report = reportMarkdown(state);
    expect(report).toContain(`— ${"r".repeat(REASON_LIMIT)}… ${SHORTENED}`);
    expect(report).toContain(
      `| bob | ${`rejected phase build: ${"w".repeat(10_000)}`.slice(0, REASON_LIMIT)}… ${SHORTENED} |`,
    );
    const dashboard = dashboardMarkdown(state, 100_000);
    expect(dashboard).toContain(`> ${"r".repeat(REASON_LIMIT)}… ${SHORTENED}`);
    expect(dashboard).toContain(`- \`t1\` failed: ${"q".repeat(REASON_LIMIT)}… ${SHORTENED}`);
    expect(pullRequestBody(state, 12)).toContain(
      `- bob: ${`rejected phase build: ${"w".repeat(10_000)}`.slice(0, REASON_LIMIT)}… ${SHORTENED}`,
    );
  });
});

describe("a long task summary in its phase's check run", () => {
  it("is shortened to its share, so every task and the instructions after them are kept", () => {
    const state = execution(["s".repeat(100_000), "short"]);
    const summary = checkOf(state, state.phases[0]!).summary;
    const share = summaryLimit(3, PHASE_SUMMARY_LIMIT);
    expect(share).toBe(5_333);
    expect(summary).toContain(`- \`t0\`: succeeded, 1s — ${"s".repeat(share)}… ${SHORTENED}\n`);
    expect(summary).toContain("- `t1`: succeeded, 1s — short");
    expect(summary).toContain("- `t2`: failed, 1s — crash: boom");
  });
});

describe("shortened", () => {
  it("counts the escaped text, never leaves half an escape or half a surrogate pair", () => {
    expect(shortened("<".repeat(10), 10, "X")).toBe("&lt;&lt;… _(shortened: the full text is in X)_");
    expect(shortened("a|b|c|d|e|", 8, "X")).toBe("a\\|b\\|c… _(shortened: the full text is in X)_");
    expect(shortened("😀".repeat(10), 5, "X")).toBe("😀😀… _(shortened: the full text is in X)_");
    expect(shortened("short", 10, "X")).toBe("short");
    expect(shortened("a\r\n".repeat(5), 10, "X")).toBe("a a a a a ");
    // Every character reference inert text uses is dropped whole when cut.
    expect(shortened("`".repeat(10), 12, "X", inert)).toBe(
      "&#96;&#96;… _(shortened: the full text is in X)_",
    );
    expect(shortened("&&&", 7, "X", inert)).toBe("&amp;… _(shortened: the full text is in X)_");
    expect(shortened("\\[x", 8, "X", inert)).toBe("&#92;… _(shortened: the full text is in X)_");
  });

  it("is the escaped text, or a prefix of it within the limit, whatever the text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 300 }),
          fc.string({ unit: fc.constantFrom("&", "<", "`", "[", "\\", "|", "a", "#"), maxLength: 300 }),
        ),
        fc.integer({ min: 1, max: 200 }),
        (text, limit) => {
          for (const render of [cell, inert]) {
            const out = shortened(text, limit, "X", render);
            const whole = render(text);
            if (whole.length <= limit) expect(out).toBe(whole);
            else {
              const shown = out.slice(0, out.indexOf("… _(shortened"));
              expect(shown.length).toBeLessThanOrEqual(limit);
              expect(whole.startsWith(shown)).toBe(true);
              expect(shown).not.toMatch(/&[#\w]*$|\\$|[\ud800-\udbff]$/);
            }
          }
        },
      ),
    );
  });

  it("gives each task a share of the budget, between the floor and the most", () => {
    expect(summaryLimit(1)).toBe(SUMMARY_LIMIT);
    expect(summaryLimit(0)).toBe(SUMMARY_LIMIT);
    expect(summaryLimit(40)).toBe(400);
    expect(summaryLimit(10_000)).toBe(SUMMARY_FLOOR);
    expect(summaryLimit(1, 16_000)).toBe(16_000);
  });

  it("cuts before a surrogate pair, not inside it", () => {
    expect(cutAt("ab😀", 3)).toBe("ab");
    expect(cutAt("ab😀", 4)).toBe("ab😀");
    expect(cutAt("ab", 0)).toBe("");
  });

  it("names the state file the GitHub state store writes, or the CLI's report", () => {
    const state = execution(["done"]);
    expect(fullTextAt(state)).toBe(`\`${executionPaths(12).state}\` on the \`${STATE_BRANCH}\` branch`);
    expect(fullTextAt({ ...state, id: "signup", meta: {} })).toBe(
      "`orchestrate report signup --format json`",
    );
  });
});
