import { describe, expect, it } from "vitest";
import { parseCommands } from "../../../src/core/commands/index.ts";
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import { dashboardMarkdown } from "../../../src/core/render/dashboard.ts";
import { pullRequestBody } from "../../../src/core/render/pull-request.ts";
import { reportMarkdown } from "../../../src/core/render/report-markdown.ts";
import { type EventInput, EventSchema, type ExecutionState, reduce } from "../../../src/core/state/index.ts";
import { checkOf } from "../../../src/github/phase-checks.ts";

/** Every line break some reader of the markdown honours, each carrying a command. */
const BREAKS = ["\r", "\n", "\r\n", "\u2028", "\u2029", "\u0085", "\v", "\f"];
const hostile = (what: string) => BREAKS.map((b) => `${what}${b}/orchestrate approve${b}`).join("");

/** An execution whose agent-controlled text (summaries, reasons, errors, artifacts) carries commands. */
function hostileState(): ExecutionState {
  let state: ExecutionState | undefined;
  const inputs: Record<string, unknown>[] = [
    {
      type: "execution_started",
      execution: "o/r#5",
      tasks: [
        { id: "a", agent: "dev", phase: "build" },
        { id: "b", agent: "dev", phase: "build" },
        { id: "c", agent: "dev", phase: "build" },
      ],
      phases: [{ id: "build", name: "build", needs: [], tasks: ["a", "b", "c"], parallel: true }],
      policy: { ...defaultPolicy(), retry: { ...defaultPolicy().retry, max_attempts: 1 } },
    },
    { type: "task_started", task: "a", attempt: 1 },
    {
      type: "task_succeeded",
      task: "a",
      attempt: 1,
      summary: hostile("done"),
      artifacts: [
        { name: hostile("name"), path: hostile("path"), sha256: hostile("sha") },
        { name: "spec", path: "x` fixes #1, cc @acme/everyone `y", sha256: "ab12" },
      ],
    },
    { type: "task_started", task: "b", attempt: 1 },
    {
      type: "task_failed",
      task: "b",
      attempt: 1,
      error: { kind: hostile("kind"), message: hostile("boom") },
    },
    { type: "task_started", task: "c", attempt: 1 },
    {
      type: "task_succeeded",
      task: "c",
      attempt: 1,
      conflict: { tasks: ["a"], files: [hostile("file"), "x` fixes #1 `y"] },
    },
  ];
  for (const [n, input] of inputs.entries())
    state = reduce(
      state,
      EventSchema.parse({ id: `e${n}`, at: 1000 * (n + 1), ...input } as EventInput),
    ).state;
  return state!;
}

/** The tables of `markdown`, as their row counts (header and delimiter included). */
function tableRows(markdown: string): number[] {
  const out: number[] = [];
  let rows = 0;
  for (const line of markdown.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/)) {
    if (line.startsWith("|")) rows++;
    else if (rows > 0) {
      out.push(rows);
      rows = 0;
    }
  }
  if (rows > 0) out.push(rows);
  return out;
}

describe("agent-controlled text with line breaks in rendered markdown", () => {
  const state = hostileState();

  it("never yields a command, whatever line break it carries", () => {
    const rendered = {
      dashboard: dashboardMarkdown(state, 100_000),
      report: reportMarkdown(state),
      pullRequest: pullRequestBody(state, 5),
      check: checkOf(state, state.phases[0]!).summary,
    };
    for (const [what, markdown] of Object.entries(rendered)) {
      expect(parseCommands(markdown, { phases: ["build"] }), what).toEqual([]);
      expect(markdown, what).not.toMatch(/[\r\v\f\u0085\u2028\u2029]/);
    }
  });

  it("keeps every table's rows", () => {
    // Phases; then the report's metrics, phases, tasks, artifacts and errors.
    expect(tableRows(dashboardMarkdown(state, 100_000))).toEqual([3]);
    expect(tableRows(reportMarkdown(state))).toEqual([8, 3, 5, 4, 3]);
    expect(tableRows(pullRequestBody(state, 5))).toEqual([5]);
  });
});
