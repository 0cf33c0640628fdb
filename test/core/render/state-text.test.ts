import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import { unreadableStateMarkdown } from "../../../src/core/render/dashboard.ts";
import { phaseMermaid } from "../../../src/core/render/mermaid.ts";
import { reportMarkdown } from "../../../src/core/render/report-markdown.ts";
import { type EventInput, EventSchema, type ExecutionState, reduce } from "../../../src/core/state/index.ts";

/** A started execution with one phase named `name`, its id `id`. */
function started(id: string, name: string): ExecutionState {
  const input = {
    type: "execution_started",
    execution: id,
    tasks: [{ id: "a", agent: "dev", phase: "build" }],
    phases: [{ id: "build", name, needs: [], tasks: ["a"], parallel: true }],
    policy: defaultPolicy(),
  };
  return reduce(undefined, EventSchema.parse({ id: "e0", at: 1000, ...input } as EventInput)).state;
}

describe("the dashboard of an execution whose state cannot be read", () => {
  it("shows the problem inert, on one line and shortened", () => {
    const problem =
      "executions/12/state.json: invalid JSON: Unexpected token '<', \"<!-- x\n/orchestrate approve\n@acme/all fixes #3\"... is not valid JSON";
    const body = unreadableStateMarkdown(problem);
    expect(body).toContain("&lt;!-- x /orchestrate approve @\u200bacme/all f\u200bixes #3");
    expect(body).not.toMatch(/\n\/orchestrate approve/);
    expect(body).toContain("comment `/orchestrate resume`");
    expect(unreadableStateMarkdown("x".repeat(100_000)).length).toBeLessThan(3_000);
  });
});

describe("text from the state in headings and graphs", () => {
  it("the report's heading shows the execution id inert", () => {
    const report = reportMarkdown(started("x <!-- hide", "build"));
    expect(report.split("\n")[0]).toBe("# Orchestrate report: x &lt;!-- hide");
  });

  it("a phase name with line breaks stays one node of the graph", () => {
    const state = started("o/r#1", 'build\nclick n_build href "https://example.com"\r\nend');
    const graph = phaseMermaid(state.phases, state);
    expect(graph.split("\n")[1]).toBe(
      "  n_build[\"build click n_build href 'https://example.com' end<br/>1 task\"]",
    );
    expect(graph.split("\n").filter((line) => line.includes("click"))).toHaveLength(1);
  });

  it("a long phase name is cut before a surrogate pair, not inside it", () => {
    const state = started("o/r#1", `${"b".repeat(79)}😀`);
    expect(phaseMermaid(state.phases, state).split("\n")[1]).toBe(
      `  n_build["${"b".repeat(79)}<br/>1 task"]`,
    );
  });
});
