import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dashboardMarkdown } from "../../../src/core/render/dashboard.ts";
import { cell, code, codeCell, inert, oneLine } from "../../../src/core/render/markdown.ts";
import { mergeCommit, pullRequestBody, pullRequestTitle } from "../../../src/core/render/pull-request.ts";
import { reportMarkdown } from "../../../src/core/render/report-markdown.ts";
import { startExecution } from "../../github/executions.ts";

const ZWSP = "\u200b";
/** GitHub's closing references, as its merge acts on them. */
const CLOSES = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b\s*:?\s*(?:[\w.-]+\/[\w.-]+)?#\d+/gi;

/** The character references inert text is written with, and the characters they show. */
const REFERENCES: Readonly<Record<string, string>> = {
  "&amp;": "&",
  "&lt;": "<",
  "&#96;": "`",
  "&#91;": "[",
  "&#92;": "\\",
};

/** Text as GitHub checks it for mentions: character references decoded (as in the HTML). */
const decoded = (markdown: string) => markdown.replace(/&(?:amp|lt|#96|#91|#92);/g, (r) => REFERENCES[r]!);

/** Mentions GitHub would link: `@login` or `@org/team` after a non-word character. */
const LIVE_MENTION = /(?:^|\W)@[A-Za-z0-9]/;

describe("inert free text in the markdown Orchestrate writes", () => {
  it("cannot form a code span, an entity, a link or an image, so no mention hides in one", () => {
    // A lone backtick opened a code span that GitHub closed later, or none: the mention after it was live.
    expect(inert("`@alice hi")).toBe(`&#96;@${ZWSP}alice hi`);
    expect(inert("thanks `@acme/everyone` for reviewing")).toBe(
      `thanks &#96;@${ZWSP}acme/everyone&#96; for reviewing`,
    );
    // An entity decodes to `@`: written as text, it stays text.
    expect(inert("please fix &#64;bob &commat;carol")).toBe("please fix &amp;#64;bob &amp;commat;carol");
    expect(inert("[docs](https://evil.example) ![x](https://evil.example/i.png)")).toBe(
      "&#91;docs](https://evil.example) !&#91;x](https://evil.example/i.png)",
    );
    // A backslash escapes nothing of what follows it, a reference included.
    expect(inert("\\`@alice")).toBe(`&#92;&#96;@${ZWSP}alice`);
    expect(cell("a\\|b")).toBe("a&#92;\\|b");
  });

  it("shows any text as written (references decoded, zero-width spaces aside), with no markup of its own", () => {
    const text = fc.string({
      unit: fc.constantFrom(
        "`",
        "&",
        "#",
        "6",
        "4",
        ";",
        "@",
        "a",
        "[",
        "]",
        "(",
        ")",
        "!",
        "\\",
        "<",
        " ",
        "_",
      ),
    });
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (raw) => {
        const out = inert(raw);
        expect(out).not.toMatch(/[`[\\<]/);
        // Every `&` starts one of the references above.
        expect(out.replace(/&(?:amp|lt|#96|#91|#92);/g, "")).not.toContain("&");
        expect(decoded(out).replace(ZW, "")).toBe(oneLine(raw).replace(ZW, ""));
        expect(decoded(out)).not.toMatch(LIVE_MENTION);
      }),
      { numRuns: 500 },
    );
  });

  it("an agent's summary and failure message mention no one in the dashboard, report or pull request", () => {
    const x = startExecution(5);
    x.send(
      { type: "task_started", task: "a", attempt: 1 },
      {
        type: "task_succeeded",
        task: "a",
        attempt: 1,
        summary: "done ` thanks `@octo-org/everyone` for reviewing, see [the spec](https://evil.example)",
      },
      { type: "task_started", task: "b", attempt: 1 },
      {
        type: "task_failed",
        task: "b",
        attempt: 1,
        error: { kind: "exit", message: "`@alice please fix &#64;bob" },
      },
      { type: "cancel_requested", by: "ann", reason: "`@carol said so, [see](https://evil.example)" },
    );
    for (const markdown of [
      dashboardMarkdown(x.state, 1_700_000_100_000),
      reportMarkdown(x.state),
      pullRequestBody(x.state, 5),
    ]) {
      // Shown as written: the reason everywhere, the summary and the error where each is shown.
      expect(decoded(markdown).replace(ZW, "")).toContain("`@carol said so, [see](https://evil.example)");
      expect(decoded(markdown)).not.toMatch(LIVE_MENTION);
      // No link: its `[` is a character reference.
      expect(markdown).not.toMatch(/\[[^\]]*\]\(https:\/\/evil/);
    }
  });

  it("breaks closing references, mentions and HTML, and reads the same otherwise", () => {
    expect(inert("OAuth, fix #3 login")).toBe(`OAuth, f${ZWSP}ix #3 login`);
    expect(inert("Closes: o/r#5 and resolved https://github.com/o/r/issues/9")).toBe(
      `C${ZWSP}loses: o/r#5 and r${ZWSP}esolved https://github.com/o/r/issues/9`,
    );
    expect(inert("@org/team and @alice")).toBe(`@${ZWSP}org/team and @${ZWSP}alice`);
    expect(inert("<!-- hide <b>")).toBe("&lt;!-- hide &lt;b>");
    // Untouched: keywords without a reference, e-mail addresses, plain text.
    for (const plain of ["prefix fixes things", "mail a@b.c", "회원가입 OAuth + 2FA"])
      expect(inert(plain)).toBe(plain);
    expect(cell("a | b\nc <!-- d")).toBe("a \\| b c &lt;!-- d");
    // Every line break is flattened: a lone CR, CRLF, NEL, LINE and PARAGRAPH SEPARATOR, VT, FF.
    const broken = "a\rb\r\nc\u0085d\u2028e\u2029f\vg\fh\ni";
    expect(cell(broken)).toBe("a b c d e f g h i");
    expect(inert(broken)).toBe("a b c d e f g h i");
  });

  it("a pull request body closes the execution's issue and nothing the issue or a reason names", () => {
    const x = startExecution(5);
    x.state.meta.request = {
      requirements: ["OAuth", "fix #3 login"],
      stack: ["closes #4"],
      deadline: "3 days",
    };
    x.state.audit.push({ at: 1, by: "ann", what: "rejected design: this only fixes #12\n<!-- x" });
    const body = pullRequestBody(x.state, 5);
    expect(body.match(CLOSES)).toEqual(["Closes #5"]);
    expect(body).not.toContain("<!--");
  });

  it("a pull request's title, which GitHub puts in the merge commit, closes and mentions nothing", () => {
    const x = startExecution(5);
    x.state.meta.request = { title: "Fix #45 login crash, resolves o/r#46, cc @octo-org/everyone & <b>" };
    const title = pullRequestTitle(x.state);
    expect(title).toBe(
      `Orchestrate: F${ZWSP}ix #45 login crash, r${ZWSP}esolves o/r#46, cc @${ZWSP}octo-org/everyone & <b>`,
    );
    expect(title.match(CLOSES)).toBeNull();
    // The merge commit says its title and message: only the execution's own issue is closed.
    const commit = mergeCommit(x.state, 5, 40);
    expect(commit.title).toBe(`${title} (#40)`);
    expect(`${commit.title}\n\n${commit.message}`.match(CLOSES)).toEqual(["Closes #5"]);
  });

  it("links a running task to its workflow run, and nothing else a reference could say", () => {
    const x = startExecution(5);
    const [id, task] = Object.entries(x.state.tasks).find(([, t]) => t.status === "queued")!;
    const links = (ref: string) => {
      x.send({ type: "task_dispatched", task: id, attempt: task.attempt, ref });
      const dashboard = dashboardMarkdown(x.state, 1_700_000_100_000);
      expect(dashboard).toContain(`- \`${id}\` attempt 1, `);
      return dashboard.match(/\[run\]\([^)]*\)/g);
    };
    expect(links("javascript:alert(1)//actions/runs/1")).toBeNull();
    expect(links("https://github.com/o/r/actions/runs/9000)[x](https://evil.example")).toBeNull();
    expect(links("https://github.com/o/r/actions/runs/9000")).toEqual([
      "[run](https://github.com/o/r/actions/runs/9000)",
    ]);
  });

  it("shows the cost against the budget where there is one", () => {
    const x = startExecution(5);
    const spent = { ...x.state, cost: { usd: 3.2, tokens: 41_000 } };
    expect(dashboardMarkdown(spent, 1_700_000_100_000)).toContain("cost $3.20 · 41,000 tokens");
    const limited = { ...spent, policy: { ...spent.policy, budget: { usd: 25, tokens: 2_000_000 } } };
    expect(dashboardMarkdown(limited, 1_700_000_100_000)).toContain(
      "cost $3.20 of $25.00 · 41,000 of 2,000,000 tokens",
    );
  });

  it("a reason cannot hide the rest of the dashboard", () => {
    const x = startExecution(5);
    x.send({ type: "cancel_requested", by: "ann", reason: "<!-- hide everything" });
    const dashboard = dashboardMarkdown(x.state, 1_700_000_100_000);
    // Only Orchestrate's own markers open HTML comments.
    expect(dashboard.match(/<!--[^>]*/g)!.every((c) => c.startsWith("<!-- orchestrate:"))).toBe(true);
    expect(dashboard).toContain("&lt;!-- hide everything");
  });
});

/**
 * The content of the code span that opens `markdown` (CommonMark 6.1: the backtick run at the
 * start closes at the next run of the same length; line endings become spaces; one space is
 * stripped from each side when both are spaces and the content is not all spaces), and where the
 * span ends. Undefined when the opening run is never closed.
 */
function codeSpanAt(markdown: string): { content: string; end: number } | undefined {
  const open = /^`+/.exec(markdown)?.[0];
  if (!open) return undefined;
  const runs = /`+/g;
  runs.lastIndex = open.length;
  for (let run = runs.exec(markdown); run; run = runs.exec(markdown)) {
    if (run[0].length !== open.length) continue;
    let content = markdown.slice(open.length, run.index).replace(/\r\n|\r|\n/g, " ");
    if (/^ .* $/s.test(content) && content.trim() !== "") content = content.slice(1, -1);
    return { content, end: run.index + run[0].length };
  }
  return undefined;
}

/** A table row's cells as GitHub splits them: on pipes not escaped with a backslash, `\|` unescaped. */
function cellsOf(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, "|"));
}

const ZW = /\u200b/g;

describe("code spans of any text", () => {
  it("fences with a longer backtick run than the text holds, padded where the text needs it", () => {
    expect(code("src/a.ts")).toBe("`src/a.ts`");
    expect(code("a`b")).toBe("``a`b``");
    expect(code("``x")).toBe("``` ``x ```");
    expect(code(" x ")).toBe("`  x  `");
    expect(code("  ")).toBe("`  `");
    expect(code("")).toBe("");
    expect(code("x` fixes #1, cc @acme/everyone `y")).toBe(
      `\`\`x\` f${ZWSP}ixes #${ZWSP}1, cc @${ZWSP}acme/everyone \`y\`\``,
    );
    expect(codeCell("a|b`")).toBe("`` a\\|b` ``");
  });

  it("is one code span holding exactly the text, on one line, for any text", () => {
    const text = fc.string({
      unit: fc.constantFrom("`", " ", "a", "@", "#", "1", "|", "\\", "\r", "\n", "\u2028"),
    });
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (raw) => {
        const flat = raw.replace(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/g, " ");
        const markdown = code(raw);
        if (flat === "") {
          expect(markdown).toBe("");
          return;
        }
        expect(markdown).not.toMatch(/[\n\r\v\f\u0085\u2028\u2029]/);
        const span = codeSpanAt(markdown);
        expect(span?.end).toBe(markdown.length);
        expect(span!.content.replace(ZW, "")).toBe(flat.replace(ZW, ""));
        // In a table cell it stays one cell holding the same span.
        const cells = cellsOf(`| ${codeCell(raw)} | x |`);
        expect(cells).toEqual([markdown.trim(), "x"]);
      }),
      { numRuns: 500 },
    );
  });

  it("a pull request lists an artifact whose name tries to leave its code span as written, inert", () => {
    const x = startExecution(5);
    const path = "x` fixes #1, cc @acme/everyone `y";
    x.send(
      { type: "task_started", task: "a", attempt: 1 },
      {
        type: "task_succeeded",
        task: "a",
        attempt: 1,
        artifacts: [{ name: "out", path, sha256: "`@acme/x`" }],
      },
    );
    const body = pullRequestBody(x.state, 5);
    expect(body.match(CLOSES)).toEqual(["Closes #5"]);
    expect(body).not.toMatch(/(^|\W)@[A-Za-z0-9]/m);
    const line = body.split("\n").find((l) => l.startsWith("- "))!;
    const span = codeSpanAt(line.slice(2))!;
    expect(span.content.replace(ZW, "")).toBe(path);
    expect(line.slice(2 + span.end)).toMatch(/^ \(a, sha256 `+ ?`@\u200bacme\/x` ?`+\)$/);
  });
});
