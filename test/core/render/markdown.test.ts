import { describe, expect, it } from "vitest";
import { dashboardMarkdown } from "../../../src/core/render/dashboard.ts";
import { cell, inert } from "../../../src/core/render/markdown.ts";
import { pullRequestBody } from "../../../src/core/render/pull-request.ts";
import { startExecution } from "../../github/executions.ts";

const ZWSP = "\u200b";
/** GitHub's closing references, as its merge acts on them. */
const CLOSES = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b\s*:?\s*(?:[\w.-]+\/[\w.-]+)?#\d+/gi;

describe("inert free text in the markdown Orchestrate writes", () => {
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

  it("a reason cannot hide the rest of the dashboard", () => {
    const x = startExecution(5);
    x.send({ type: "cancel_requested", by: "ann", reason: "<!-- hide everything" });
    const dashboard = dashboardMarkdown(x.state, 1_700_000_100_000);
    // Only Orchestrate's own markers open HTML comments.
    expect(dashboard.match(/<!--[^>]*/g)!.every((c) => c.startsWith("<!-- orchestrate:"))).toBe(true);
    expect(dashboard).toContain("&lt;!-- hide everything");
  });
});
