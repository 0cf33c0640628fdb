import { describe, expect, it } from "vitest";
import type { ExecutionState } from "../../src/core/state/index.ts";
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { createTestOctokit, githubPorts } from "../../src/github/index.ts";
import { GitHubOrchestrator, type Trigger } from "../../src/github/orchestrator.ts";
import { resultPath, taskBranch } from "../../src/github/result-record.ts";
import { triggersOf } from "../../src/github/webhook-triggers.ts";
import { fakeRepo, useGitHubMock } from "../support/github/index.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";

const gh = useGitHubMock();

const PLAN = (delivery: string) => `version: 1
agents:
  dev: { run: ./dev.sh }
  qa: { run: ./qa.sh }
phases:
  - { id: build, agents: [dev] }
  - { id: testing, needs: [build], agents: [qa] }
delivery: ${delivery}
`;

interface World {
  repo: ReturnType<typeof fakeRepo>;
  comments: string[];
  dispatches: { id: string; attempt: number; feedback?: string }[][];
  deployments: { id: number; environment: string; sha: string; payload: unknown }[];
  /** CI check runs by head: completed with `conclusion`, or still `queued` (no runner took the job). */
  ci: Record<string, { conclusion?: string; name: string; status?: "queued" }[]>;
  mergeAnswer: () => [number, unknown];
  /** What GitHub says of the pull request's mergeability (`dirty`: it conflicts with its base). */
  mergeableState?: string;
  /** A person closed the pull request without merging it. */
  pullClosed?: boolean;
  pulls: { number: number; head: string; draft: boolean; body: string }[];
  closed: boolean;
  autoMerge?: boolean;
  autoMerged?: boolean;
  autoMergeDisabled?: boolean;
  /** The pull request sits in a merge queue (REST then reads `auto_merge: null`). */
  inMergeQueue?: boolean;
  /** Set when a person merged the pull request on GitHub: its merge commit. */
  mergedBy?: string;
  deployFailures?: number;
  /** Creations GitHub carries out whose answer is lost (a 502 after the deployment was created). */
  deployLost?: number;
  deploymentStates: Record<number, string>;
  cancelledRuns: number[];
  deleted: string[];
  /** Check runs created, as their requests said (and their updates since). */
  checkRuns: {
    id: number;
    head_sha: string;
    name: string;
    external_id?: string;
    conclusion?: string;
    output: { title: string; summary: string };
  }[];
  /** Checks branch protection requires on the default branch (none: unprotected). */
  required?: string[];
}

function world(plan: string): World {
  const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan } });
  const w: World = {
    repo,
    comments: [],
    dispatches: [],
    deployments: [],
    ci: {},
    mergeAnswer: () => [200, {}],
    pulls: [],
    closed: false,
    cancelledRuns: [],
    deleted: [],
    deploymentStates: {},
    checkRuns: [],
  };
  // Everyone may write but `triager` (triage: may close issues and remove labels, not cancel).
  gh.on("GET /repos/{owner}/{repo}/collaborators/{username}/permission", ({ params }) =>
    params.username === "triager"
      ? [200, { permission: "read", role_name: "triage", user: null }]
      : [200, { permission: "write", role_name: "write", user: null }],
  );
  gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", () => [200, []]);
  gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", ({ body }) => {
    w.comments.push((body as { body: string }).body);
    return [201, { id: w.comments.length }];
  });
  gh.on("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", ({ params }) => [
    200,
    { id: Number(params.comment_id) },
  ]);
  // The issue as GitHub has it now: the label removed (the tests' unlabel and close events say so).
  gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}", ({ params }) => [
    200,
    {
      id: 1,
      node_id: "I_1",
      number: Number(params.issue_number),
      title: "Signup",
      state: w.closed ? "closed" : "open",
      labels: [],
      user: { login: "octocat", id: 1, type: "User" },
    },
  ]);
  gh.on("PATCH /repos/{owner}/{repo}/issues/{issue_number}", ({ body }) => {
    w.closed = (body as { state?: string }).state === "closed";
    return [200, { number: 5 }];
  });
  gh.on("POST /repos/{owner}/{repo}/check-runs", ({ body }) => {
    const run = { id: 1000 + w.checkRuns.length, ...(body as Omit<World["checkRuns"][number], "id">) };
    w.checkRuns.push(run);
    return [201, { id: run.id }];
  });
  gh.on("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", ({ params, body }) => {
    const run = w.checkRuns.find((r) => r.id === Number(params.check_run_id));
    if (run) Object.assign(run, body as object);
    return [200, { id: Number(params.check_run_id) }];
  });
  gh.on("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", ({ body }) => {
    w.dispatches.push(JSON.parse((body as { inputs: { tasks: string } }).inputs.tasks));
    return [204];
  });
  gh.on("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", ({ params, query }) => {
    const runs = [
      ...(w.ci[params.ref!] ?? []).map((r, i) => ({
        id: 100 + i,
        name: r.name,
        status: r.status ?? "completed",
        conclusion: r.conclusion ?? null,
        output: { title: `${r.name} ${r.conclusion ?? r.status}` },
      })),
      ...w.checkRuns
        .filter((r) => r.head_sha === params.ref)
        .map((r) => ({ ...r, status: r.conclusion ? "completed" : "queued" })),
    ].filter((r) => query.check_name === undefined || r.name === query.check_name);
    return [200, { total_count: runs.length, check_runs: runs }];
  });
  gh.on("GET /repos/{owner}/{repo}/commits/{ref}/status", () => [
    200,
    { state: "success", statuses: [], sha: "x", total_count: 0 },
  ]);
  gh.on("GET /repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks", () =>
    w.required
      ? [
          200,
          {
            strict: false,
            contexts: w.required,
            checks: w.required.map((context) => ({ context, app_id: null })),
          },
        ]
      : [404, { message: "Branch not protected" }],
  );
  gh.on("GET /repos/{owner}/{repo}/pulls", ({ query }) => [
    200,
    w.pulls.filter((p) => `o:${p.head}` === query.head).map((p) => pullJson(w, p)),
  ]);
  gh.on("POST /repos/{owner}/{repo}/pulls", ({ body }) => {
    const b = body as { head: string; draft: boolean; body: string };
    const pull = { number: 40 + w.pulls.length, head: b.head, draft: b.draft, body: b.body };
    w.pulls.push(pull);
    return [201, pullJson(w, pull)];
  });
  gh.on("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", ({ params, body }) => {
    const pull = w.pulls.find((p) => p.number === Number(params.pull_number))!;
    pull.body = (body as { body: string }).body;
    return [200, pullJson(w, pull)];
  });
  gh.on("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", () => w.mergeAnswer());
  gh.onGraphQL("enablePullRequestAutoMerge", () => {
    if (!w.autoMerge) throw new Error("Pull request Auto merge is not allowed for this repository");
    w.autoMerged = true;
    return {
      enablePullRequestAutoMerge: {
        pullRequest: { autoMergeRequest: { enabledAt: "2026-11-22T00:00:00Z" } },
      },
    };
  });
  gh.on("GET /repos/{owner}/{repo}/pulls/{pull_number}", ({ params }) => {
    const pull = w.pulls.find((p) => p.number === Number(params.pull_number))!;
    return [
      200,
      {
        ...pullJson(w, pull),
        state: w.mergedBy || w.pullClosed ? "closed" : "open",
        merged: w.mergedBy !== undefined,
        merge_commit_sha: w.mergedBy ?? null,
        mergeable_state: w.mergeableState ?? "clean",
        auto_merge: w.autoMerged
          ? { merge_method: "squash", enabled_by: null, commit_title: "", commit_message: "" }
          : null,
      },
    ];
  });
  gh.onGraphQL("node", () => ({
    node: {
      isInMergeQueue: w.inMergeQueue === true,
      autoMergeRequest: w.autoMerged ? { enabledAt: "2026-11-22T00:00:00Z" } : null,
    },
  }));
  gh.onGraphQL("disablePullRequestAutoMerge", () => {
    w.autoMerged = false;
    w.autoMergeDisabled = true;
    return { disablePullRequestAutoMerge: { pullRequest: { number: 40 } } };
  });
  gh.onGraphQL("markPullRequestReadyForReview", () => {
    for (const p of w.pulls) p.draft = false;
    return { markPullRequestReadyForReview: { pullRequest: { isDraft: false } } };
  });
  gh.on("POST /repos/{owner}/{repo}/deployments", ({ body }) => {
    if (w.deployFailures && w.deployFailures-- > 0) return [500, { message: "Server Error" }];
    const b = body as { environment: string; ref: string; payload: unknown };
    const d = { id: 900 + w.deployments.length, environment: b.environment, sha: b.ref, payload: b.payload };
    w.deployments.push(d);
    if (w.deployLost && w.deployLost-- > 0) return [502, { message: "Bad Gateway" }];
    return [201, { id: d.id, environment: d.environment }];
  });
  gh.on("GET /repos/{owner}/{repo}/deployments", ({ query }) => [
    200,
    w.deployments
      .filter((d) => d.sha === query.sha && d.environment === query.environment)
      .reverse()
      .map((d) => ({ id: d.id, sha: d.sha, ref: d.sha, environment: d.environment, payload: d.payload })),
  ]);
  gh.on("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", ({ params }) => {
    const state = w.deploymentStates[Number(params.deployment_id)];
    return [200, state ? [{ id: 1, state, description: `${state} (read back)` }] : []];
  });
  gh.on("DELETE /repos/{owner}/{repo}/git/refs/{ref}", ({ params }) => {
    w.deleted.push(params.ref!);
    return [204];
  });
  gh.on("GET /repos/{owner}/{repo}/actions/runs", ({ query }) => [
    200,
    { total_count: 1, workflow_runs: query.status === "in_progress" ? [{ id: 77 }] : [] },
  ]);
  gh.on("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", ({ params }) => {
    w.cancelledRuns.push(Number(params.run_id));
    return [202, {}];
  });
  return w;
}

function pullJson(w: World, p: { number: number; head: string; draft: boolean }) {
  return {
    number: p.number,
    node_id: `PR_${p.number}`,
    draft: p.draft,
    head: { ref: p.head, sha: w.repo.git.head(p.head) },
  };
}

const ref = { owner: "o", repo: "r", issue: 5 };

async function setup(delivery: string) {
  const w = world(PLAN(delivery));
  const clock = new VirtualClock(1_800_000_000_000);
  const o = new GitHubOrchestrator(githubPorts(createTestOctokit()), {
    clock,
    random: seededRandom(2),
    workflow: "agents.yml",
  });
  let state = await o.handle(ref, [
    {
      kind: "labeled",
      delivery: "l",
      sender: "octocat",
      author: "octocat",
      title: "Signup",
      body: "Project: signup",
    },
  ]);
  /** Runs every dispatched task of the last batch to success (as their jobs would). */
  const runBatch = async () => {
    const batch = w.dispatches.at(-1)!;
    const triggers: Trigger[] = batch.map((t) => {
      const branch = taskBranch(5, t.id);
      if (!w.repo.git.head(branch)) w.repo.git.branch(branch, "orchestrate/issue-5");
      const sha = w.repo.git.commitFiles(branch, {
        [resultPath(5, t.id)]: JSON.stringify({
          execution: "o/r#5",
          task: t.id,
          attempt: t.attempt,
          status: "succeeded",
        }),
        [`src/${t.id.replace("/", "-")}-${t.attempt}.txt`]: `${state?.tasks[t.id]?.feedback ?? "work"}\n`,
      }).sha;
      return {
        kind: "result",
        delivery: `${t.id}#${t.attempt}`,
        result: { issue: 5, task: t.id, attempt: t.attempt, sha },
      };
    });
    state = await o.handle(ref, triggers);
    return state!;
  };
  /** CI reports on the working branch head, delivered as a real check_suite webhook. */
  const ci = async (conclusion: "success" | "failure") => {
    const head = w.repo.git.head("orchestrate/issue-5")!;
    w.ci[head] = [{ name: "unit tests", conclusion }];
    const payload = withPatch(examplePayload("check_suite", "completed"), {
      check_suite: { head_branch: "orchestrate/issue-5", head_sha: head },
      repository: { name: "r", owner: { login: "o" } },
    });
    const routed = triggersOf("check_suite", payload as never, `cs-${head}`, { label: "orchestrate" });
    expect(routed).toHaveLength(1);
    state = await o.handle(routed[0]!.ref, [routed[0]!.trigger]);
    return state!;
  };
  /** A status of deployment `id` (by default the first one to `environment`), as its webhook says. */
  const deployment = async (
    environment: string,
    state_: "success" | "failure",
    id = w.deployments.find((x) => x.environment === environment)!.id,
  ) => {
    const d = { id };
    const payload = withPatch(examplePayload("deployment_status", "created"), {
      deployment: { id: d.id, environment, payload: { orchestrate: { issue: 5 } } },
      deployment_status: { state: state_, description: `${environment} ${state_}` },
      repository: { name: "r", owner: { login: "o" } },
    } as never);
    const routed = triggersOf("deployment_status", payload as never, `ds-${d.id}-${state_}`, {
      label: "orchestrate",
    });
    state = await o.handle(routed[0]!.ref, [routed[0]!.trigger]);
    return state!;
  };
  return { w, o, clock, runBatch, ci, deployment, state: () => state as ExecutionState };
}

/** An execution whose pull request passed CI and waits for GitHub auto-merge (no environments). */
async function autoMergeWaiting() {
  const s = await setup("{ environments: [] }");
  s.w.autoMerge = true;
  await s.runBatch();
  await s.runBatch();
  await s.ci("success");
  return s;
}

describe("delivery on GitHub", () => {
  it("green path: PR with Closes #5, CI green, merged, staging then production, issue closed, branches deleted", async () => {
    const s = await setup("{ environments: [staging, production], merge_method: squash }");
    s.w.mergeAnswer = () => [200, { sha: "d".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    const afterTests = await s.runBatch();
    expect(afterTests.status).toBe("delivering");
    expect(s.w.pulls).toHaveLength(1);
    expect(s.w.pulls[0]!.body).toContain("Closes #5");
    expect(s.w.pulls[0]!.draft).toBe(false);
    await s.ci("success");
    expect(s.w.deployments.map((d) => d.environment)).toEqual(["staging"]);
    await s.deployment("staging", "success");
    expect(s.w.deployments.map((d) => d.environment)).toEqual(["staging", "production"]);
    const done = await s.deployment("production", "success");
    expect(done.status).toBe("succeeded");
    expect(done.delivery).toMatchObject({ status: "done", pr: 40, merged_sha: "d".repeat(40) });
    expect(s.w.closed).toBe(true);
    expect(s.w.deleted.sort()).toEqual([
      `heads/${taskBranch(5, "build/dev")}`,
      `heads/${taskBranch(5, "testing/qa")}`,
    ]);
    expect(s.w.comments.at(-1)).toContain("# Orchestrate report: o/r#5");
    // The merge commit says what it is: the pull request's title and number, closing the issue.
    const merge = gh.requests.find((r) => r.route === "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge");
    expect(merge?.body).toMatchObject({
      merge_method: "squash",
      commit_title: expect.stringMatching(/^Orchestrate: .+ \(#40\)$/),
      commit_message: expect.stringMatching(/^Closes #5\n/),
    });
  });

  it("the pull request's head carries the execution's summary check, which branch protection may require", async () => {
    const s = await setup("{ merge: auto }");
    s.w.required = ["orchestrate / all phases", "unit tests"];
    s.w.mergeAnswer = () => [200, { sha: "e".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    const head = s.w.repo.git.head("orchestrate/issue-5")!;
    const summary = s.w.checkRuns.filter((r) => r.head_sha === head);
    expect(summary).toEqual([
      expect.objectContaining({
        name: "orchestrate / all phases",
        conclusion: "success",
        output: expect.objectContaining({ title: "2 phase(s) succeeded" }),
      }),
    ]);
    expect(summary[0]!.output.summary).toContain("# Orchestrate report: o/r#5");
    // The phases' own check runs are elsewhere (the commit the working branch started from).
    expect(
      s.w.checkRuns.filter((r) => r.name === "orchestrate / build").map((r) => r.head_sha),
    ).not.toContain(head);
    // A tick puts it there again (in case its first write failed): found by name, not added twice.
    await s.o.handle({ owner: "o", repo: "r", issue: 5 }, [{ kind: "tick" }]);
    expect(s.w.checkRuns.filter((r) => r.head_sha === head)).toHaveLength(1);
    // Required: the summary counts as passed, and with the unit tests green the pull request merges.
    expect((await s.ci("success")).status).toBe("succeeded");
  });

  it("red CI: the testing phase runs again with the failing checks as feedback, then green merges", async () => {
    const s = await setup("{ merge: auto }");
    s.w.mergeAnswer = () => [200, { sha: "e".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    const red = await s.ci("failure");
    expect(red.status).toBe("running");
    expect(s.w.dispatches.at(-1)).toEqual([expect.objectContaining({ id: "testing/qa", attempt: 2 })]);
    // The task job reads its feedback from the state.
    expect(s.state().tasks["testing/qa"]!.feedback).toBe(
      "The pull request's checks failed: unit tests.\n- unit tests: unit tests failure",
    );
    await s.runBatch();
    expect(s.w.pulls).toHaveLength(1);
    expect((await s.ci("success")).status).toBe("succeeded");
  });

  it("a person merges while a phase runs again for red CI: the revision is dropped and delivery finishes from the merge", async () => {
    const s = await setup("{ merge: auto, environments: [staging] }");
    await s.runBatch();
    await s.runBatch();
    const red = await s.ci("failure");
    expect(red.delivery?.status).toBe("revising");
    expect(red.tasks["testing/qa"]!.status).toBe("queued");
    // The pull request merged by hand (the pull_request webhook was lost); the issue closes by its
    // "Closes #5": that close is the merge, not a cancel.
    s.w.mergedBy = "f".repeat(40);
    const closed = await s.o.handle(ref, [
      { kind: "stop", delivery: "c9", by: "octocat", reason: "the issue was closed", closed: true },
    ]);
    expect(closed!.status).toBe("delivering");
    expect(closed!.delivery).toMatchObject({ status: "deploying", merged_sha: "f".repeat(40) });
    expect(closed!.tasks["testing/qa"]).toMatchObject({
      status: "skipped",
      reason: "#40 was merged by someone before this revision ended",
    });
    // The revision's job is stopped: its work no longer matters.
    expect(s.w.cancelledRuns).toEqual([77]);
    expect(s.w.deployments.map((d) => d.environment)).toEqual(["staging"]);
    // The revision's job reports late: it changes nothing.
    const late = await s.runBatch();
    expect(late.tasks["testing/qa"]!.status).toBe("skipped");
    expect((await s.deployment("staging", "success")).status).toBe("succeeded");
  });

  it("a merge by hand seen only after the revision ended: no second pull request, the close is no cancel", async () => {
    const s = await setup("{ merge: auto }");
    await s.runBatch();
    await s.runBatch();
    await s.ci("failure");
    s.w.mergedBy = "f".repeat(40);
    // GitHub lists only open pull requests: the merged #40 is not among them.
    gh.on("GET /repos/{owner}/{repo}/pulls", ({ query }) => [
      200,
      s.w.pulls.filter((p) => `o:${p.head}` === query.head && p.number !== 40).map((p) => pullJson(s.w, p)),
    ]);
    // The revision's job reports before the merge's webhooks are handled.
    const ended = await s.runBatch();
    expect(s.w.pulls.map((p) => p.number)).toEqual([40]);
    expect(ended.status).toBe("succeeded");
    expect(ended.delivery).toMatchObject({ status: "done", merged_sha: "f".repeat(40) });
    const closed = await s.o.handle(ref, [
      { kind: "stop", delivery: "c9", by: "octocat", reason: "the issue was closed", closed: true },
    ]);
    expect(closed!.status).toBe("succeeded");
  });

  it("a merge by hand during a revision is also read on the tick", async () => {
    const s = await setup("{ merge: auto }");
    await s.runBatch();
    await s.runBatch();
    await s.ci("failure");
    s.w.mergedBy = "f".repeat(40);
    const done = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(done!.status).toBe("succeeded");
    expect(done!.delivery).toMatchObject({ status: "done", merged_sha: "f".repeat(40) });
  });

  it("a merge whose head moved reads the checks again for the new head, and is not called a conflict", async () => {
    const s = await setup("{ merge: auto }");
    s.w.mergeAnswer = () => [409, { message: "Head branch was modified. Review and try the merge again." }];
    await s.runBatch();
    await s.runBatch();
    const state = await s.ci("success");
    expect(state.delivery?.status).toBe("conflict");
    expect(s.w.comments.some((c) => c.includes("merge conflict"))).toBe(false);
    expect(
      s.w.comments.some((c) => c.includes("#40 was not merged: its head moved since its checks passed")),
    ).toBe(true);
  });

  it("a merge conflict is reported and waits for the branch to be updated", async () => {
    const s = await setup("{ merge: auto }");
    // GitHub answers 405 "not mergeable"; the pull request says why: it conflicts (`dirty`).
    s.w.mergeAnswer = () => [405, { message: "Pull Request is not mergeable" }];
    s.w.mergeableState = "dirty";
    await s.runBatch();
    await s.runBatch();
    const state = await s.ci("success");
    expect(state.status).toBe("delivering");
    expect(state.delivery?.status).toBe("conflict");
    expect(s.w.comments.some((c) => c.includes("#40 has a merge conflict"))).toBe(true);
    // Someone updates the branch: the new head gets the summary check when CI is read for it.
    const fixed = s.w.repo.git.commitFiles("orchestrate/issue-5", { "merge-fix.txt": "resolved\n" }).sha;
    await s.ci("success");
    expect(s.w.checkRuns.filter((r) => r.head_sha === fixed).map((r) => r.name)).toEqual([
      "orchestrate / all phases",
    ]);
  });

  it("a conflict a person resolves and merges by hand: the tick reads the merge and delivery goes on", async () => {
    const s = await setup("{ environments: [] }");
    s.w.mergeAnswer = () => [405, { message: "Pull Request is not mergeable" }];
    s.w.mergeableState = "dirty";
    await s.runBatch();
    await s.runBatch();
    expect((await s.ci("success")).delivery?.status).toBe("conflict");
    s.w.mergedBy = "c".repeat(40);
    const done = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(done!.status).toBe("succeeded");
    expect(done!.delivery?.merged_sha).toBe("c".repeat(40));
  });

  it("a pull request a person closed is not replaced by a new one: delivery says so once and waits for it", async () => {
    const s = await setup("{ environments: [] }");
    s.w.mergeAnswer = () => [200, { sha: "a".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    s.w.pullClosed = true;
    const waiting = await s.ci("success");
    expect(waiting.delivery?.status).toBe("merging");
    expect(s.w.pulls).toHaveLength(1);
    const notices = () => s.w.comments.filter((c) => c.includes("it was closed without merging")).length;
    expect(notices()).toBe(1);
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(notices()).toBe(1);
    expect(s.w.pulls).toHaveLength(1);
    // Reopened: the next tick merges it.
    s.w.pullClosed = false;
    const done = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(done!.status).toBe("succeeded");
  });

  it("a failed staging deployment stops production", async () => {
    const s = await setup("{ environments: [staging, production] }");
    s.w.mergeAnswer = () => [200, { sha: "f".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    await s.ci("success");
    const failed = await s.deployment("staging", "failure");
    expect(failed.status).toBe("failed");
    expect(failed.reason).toBe("deployment to staging failed: staging failure");
    expect(s.w.deployments.map((d) => d.environment)).toEqual(["staging"]);
    expect(s.w.closed).toBe(false);
  });

  it("a pull request GitHub keeps refusing to open holds back no other trigger: a cancel beside the tick applies", async () => {
    const s = await setup("{ merge: manual }");
    gh.on("POST /repos/{owner}/{repo}/pulls", () => [
      403,
      { message: "GitHub Actions is not permitted to create or approve pull requests." },
    ]);
    await s.runBatch();
    await s.runBatch();
    expect(s.state().delivery?.status).toBe("opening_pr");
    gh.on("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", () => [
      201,
      { id: 1, content: "eyes" },
    ]);
    const comment: Trigger = {
      kind: "comment",
      delivery: "c1",
      commentId: 31,
      user: "alice",
      userType: "User",
      body: "/orchestrate cancel",
    };
    // As the Action's orchestrate mode runs it: the person's act with a tick.
    const state = await s.o.handle(ref, [comment, { kind: "tick" }]);
    expect(state!.status).toBe("cancelled");
  });

  it("removing the label during delivery cancels it, stops running jobs, and leaves a final comment", async () => {
    const s = await setup("{ merge: manual }");
    await s.runBatch();
    await s.runBatch();
    const unlabeled = (sender: string, delivery: string) => {
      const payload = withPatch(examplePayload("issues", "unlabeled"), {
        label: { name: "orchestrate" },
        issue: { number: 5 },
        repository: { name: "r", owner: { login: "o" } },
        sender: { login: sender },
      } as never);
      return triggersOf("issues", payload as never, delivery, { label: "orchestrate" })[0]!;
    };
    // Someone who may remove labels but not cancel (triage): told so; the execution goes on.
    const kept = await s.o.handle(unlabeled("triager", "close-0").ref, [
      unlabeled("triager", "close-0").trigger,
    ]);
    expect(kept!.status).toBe("delivering");
    expect(s.w.comments.at(-1)).toMatch(
      /^<!-- orchestrate:comment -->\n@triager Removing the label does not stop its execution: cancelling needs write permission on this repository; yours is triage\./,
    );
    const routed = [unlabeled("alice", "close-1")];
    const state = await s.o.handle(routed[0]!.ref, [routed[0]!.trigger]);
    expect(state!.status).toBe("cancelled");
    expect(state!.reason).toBe("the label was removed by alice");
    expect(s.w.cancelledRuns).toEqual([77]);
    expect(s.w.comments.at(-1)).toContain("⛔ cancelled");
    // The pull request's head no longer shows every phase green.
    const head = state!.delivery!.sha!;
    expect(s.w.checkRuns.filter((r) => r.head_sha === head && r.name === "orchestrate / all phases")).toEqual(
      [expect.objectContaining({ conclusion: "cancelled" })],
    );
  });

  it("a gate opens a draft pull request; delivery marks it ready and enables auto-merge; the merge arrives by webhook", async () => {
    const w = world(`version: 1
agents:
  dev: { run: ./dev.sh }
  qa: { run: ./qa.sh }
phases:
  - { id: build, agents: [dev], gate: {} }
  - { id: testing, needs: [build], agents: [qa] }
delivery: { merge: auto }
`);
    w.autoMerge = true;
    let merges = 0;
    w.mergeAnswer = () => {
      merges++;
      return [200, { sha: "9".repeat(40), merged: true, message: "Merged" }];
    };
    const o = new GitHubOrchestrator(githubPorts(createTestOctokit()), {
      clock: new VirtualClock(1_800_000_000_000),
      random: seededRandom(2),
      workflow: "agents.yml",
    });
    await o.handle(ref, [
      {
        kind: "labeled",
        delivery: "l",
        sender: "octocat",
        author: "octocat",
        title: "Signup",
        body: "Project: signup",
      },
    ]);
    const finish = async (task: string) => {
      const branch = taskBranch(5, task);
      w.repo.git.branch(branch, "orchestrate/issue-5");
      const sha = w.repo.git.commitFiles(branch, {
        [resultPath(5, task)]: JSON.stringify({ execution: "o/r#5", task, attempt: 1, status: "succeeded" }),
      }).sha;
      return o.handle(ref, [{ kind: "result", delivery: task, result: { issue: 5, task, attempt: 1, sha } }]);
    };
    await finish("build/dev");
    // The gate waits: the working branch has a draft pull request to review.
    expect(w.pulls).toEqual([expect.objectContaining({ number: 40, draft: true })]);
    await o.handle(ref, [
      { kind: "events", events: [{ id: "ok", type: "gate_approved", phase: "build", by: "lead" }] },
    ]);
    await finish("testing/qa");
    expect(w.pulls[0]!.draft).toBe(false);
    const head = w.repo.git.head("orchestrate/issue-5")!;
    w.ci[head] = [{ name: "unit tests", conclusion: "success" }];
    const waiting = await o.handle(ref, [{ kind: "checks", delivery: "c", sha: head }]);
    expect(w.autoMerged).toBe(true);
    expect(merges).toBe(0);
    expect(waiting!.delivery?.status).toBe("merging");
    const closed = withPatch(examplePayload("pull_request", "closed"), {
      pull_request: {
        number: 40,
        merged: true,
        merge_commit_sha: "a".repeat(40),
        head: { ref: "orchestrate/issue-5", repo: { full_name: "o/r" } },
      },
      repository: { name: "r", owner: { login: "o" } },
    } as never);
    const routed = triggersOf("pull_request", closed as never, "pr-closed", { label: "orchestrate" });
    const done = await o.handle(routed[0]!.ref, [routed[0]!.trigger]);
    expect(done!.status).toBe("succeeded");
    expect(done!.delivery?.merged_sha).toBe("a".repeat(40));
  });

  it("auto-merge turned off on GitHub is said once and not turned on again; a person's merge then completes delivery", async () => {
    const s = await setup("{ environments: [] }");
    s.w.autoMerge = true;
    const enablings = () =>
      gh.requests.filter((r) => JSON.stringify(r.body ?? "").includes("enablePullRequestAutoMerge")).length;
    await s.runBatch();
    await s.runBatch();
    expect((await s.ci("success")).delivery).toMatchObject({ status: "merging", auto_merge: "on" });
    // While it waits, the tick watches: auto-merge is not enabled again.
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(enablings()).toBe(1);
    // Someone turns it off (or a merge queue removed the pull request).
    s.w.autoMerged = false;
    const notices = () =>
      s.w.comments.filter((c) => c.includes("Auto-merge of #40 was turned off on GitHub"));
    const held = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(held!.delivery).toMatchObject({ status: "merging", auto_merge: "off" });
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain("merge it or turn its auto-merge back on");
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(notices()).toHaveLength(1);
    expect(enablings()).toBe(1);
    expect(s.w.autoMerged).toBe(false);
    // A person merges it: delivery goes on.
    s.w.mergedBy = "c".repeat(40);
    const done = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(done!.status).toBe("succeeded");
  });

  it("a pull request closed while auto-merge waits, then reopened, gets auto-merge again (closing is not turning it off)", async () => {
    const s = await autoMergeWaiting();
    // Closing a pull request turns its auto-merge off too.
    s.w.pullClosed = true;
    s.w.autoMerged = false;
    const closed = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(closed!.delivery?.status).toBe("merging");
    expect(closed!.delivery?.auto_merge).toBeUndefined();
    expect(s.w.comments.filter((c) => c.includes("it was closed without merging"))).toHaveLength(1);
    s.w.pullClosed = false;
    const reopened = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(reopened!.delivery?.auto_merge).toBe("on");
    expect(s.w.autoMerged).toBe(true);
    expect(s.w.comments.some((c) => c.includes("Auto-merge of #40 was turned off"))).toBe(false);
  });

  it("a head pushed while auto-merge waits: green counts, red turns auto-merge off and the testing phase runs again", async () => {
    const s = await autoMergeWaiting();
    // Someone pushes to the pull request; its CI passes (the check_suite webhook says so).
    const pushed = s.w.repo.git.commitFiles("orchestrate/issue-5", { "tweak.txt": "tweak\n" }).sha;
    const green = await s.ci("success");
    expect(green.delivery).toMatchObject({ status: "merging", sha: pushed, auto_merge: "on" });
    expect(s.w.checkRuns.filter((r) => r.head_sha === pushed).map((r) => r.name)).toEqual([
      "orchestrate / all phases",
    ]);
    // Pushed again, and CI turns red; its webhook is lost: the tick reads it.
    const broken = s.w.repo.git.commitFiles("orchestrate/issue-5", { "tweak.txt": "broken\n" }).sha;
    s.w.ci[broken] = [{ name: "unit tests", conclusion: "failure" }];
    const red = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(s.w.autoMergeDisabled).toBe(true);
    expect(s.w.autoMerged).toBe(false);
    expect(red!.status).toBe("running");
    expect(s.w.dispatches.at(-1)).toEqual([expect.objectContaining({ id: "testing/qa", attempt: 2 })]);
    // The task job reads its feedback from the state.
    expect(red!.tasks["testing/qa"]!.feedback).toBe(
      "The pull request's checks failed: unit tests.\n- unit tests: unit tests failure",
    );
    // The revision's head passes: auto-merge is enabled again, for it.
    await s.runBatch();
    const again = await s.ci("success");
    expect(again.delivery).toMatchObject({ status: "merging", auto_merge: "on" });
    expect(s.w.autoMerged).toBe(true);
  });

  it("recovers on the tick: a failed deployment creation is redone, a lost deployment status is read back", async () => {
    const s = await setup("{ environments: [staging] }");
    s.w.mergeAnswer = () => [200, { sha: "d".repeat(40), merged: true, message: "Merged" }];
    s.w.deployFailures = 1;
    await s.runBatch();
    await s.runBatch();
    // Refused now: the rest of the batch is not lost, and the step waits for the tick.
    const waiting = await s.ci("success");
    expect(s.w.deployments).toEqual([]);
    expect(waiting!.delivery?.status).toBe("deploying");
    const retried = await s.o.handle(ref, [{ kind: "tick" }]);
    // GitHub failing for a moment is not worth a notice.
    expect(s.w.comments.some((c) => c.includes("Delivery could not"))).toBe(false);
    expect(s.w.deployments.map((d) => d.environment)).toEqual(["staging"]);
    expect(retried!.delivery?.deployments.staging).toMatchObject({ id: 900 });
    // The deployment succeeds, but its webhook is lost: the next tick reads the status.
    s.w.deploymentStates[900] = "success";
    const done = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(done!.status).toBe("succeeded");
  });

  it("a deployment whose creation answer was lost is found on the tick, not made twice; another deployment's status does not count", async () => {
    const s = await setup("{ environments: [staging] }");
    s.w.mergeAnswer = () => [200, { sha: "d".repeat(40), merged: true, message: "Merged" }];
    // An earlier execution of the same issue deployed the same commit to staging.
    s.w.deployments.push({
      id: 899,
      environment: "staging",
      sha: "d".repeat(40),
      payload: { orchestrate: { issue: 5, started: 1 } },
    });
    s.w.deployLost = 1;
    await s.runBatch();
    await s.runBatch();
    // GitHub created the deployment, but its answer was lost: the step waits for the tick.
    const waiting = await s.ci("success");
    expect(s.w.deployments.map((d) => d.id)).toEqual([899, 901]);
    expect(waiting.delivery?.deployments.staging).toBeUndefined();
    const found = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(s.w.deployments.map((d) => d.id)).toEqual([899, 901]);
    expect(found!.delivery?.deployments.staging).toMatchObject({ id: 901 });
    // The earlier deployment reports to the same environment: it does not settle this one.
    expect((await s.deployment("staging", "success", 899)).status).toBe("delivering");
    expect((await s.deployment("staging", "success", 901)).status).toBe("succeeded");
  });

  it("a head with no check at all passes only after CI had ten minutes to register one", async () => {
    const s = await setup("{ environments: [] }");
    s.w.mergeAnswer = () => [200, { sha: "e".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    expect(s.state().delivery?.status).toBe("awaiting_checks");
    // Right after the pull request opened, the repository's CI has not registered its checks yet.
    await s.clock.sleep(60_000);
    const early = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(early!.delivery?.status).toBe("awaiting_checks");
    // Ten minutes on, still none: this repository has no CI on pull requests.
    await s.clock.sleep(10 * 60_000);
    const done = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(done!.status).toBe("succeeded");
  });

  it("required checks that never report are said once, half an hour after the pull request opened", async () => {
    const s = await setup("{ environments: [] }");
    s.w.required = ["unit tests"];
    s.w.mergeAnswer = () => [200, { sha: "e".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    const notices = () =>
      s.w.comments.filter((c) => c.includes("still waits for required checks that have not reported"));
    await s.clock.sleep(20 * 60_000);
    expect((await s.o.handle(ref, [{ kind: "tick" }]))!.delivery?.status).toBe("awaiting_checks");
    expect(notices()).toEqual([]);
    await s.clock.sleep(11 * 60_000);
    await s.o.handle(ref, [{ kind: "tick" }]);
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain('after 31 minutes: "unit tests". Check that a workflow runs them');
    // They come at last: delivery goes on.
    expect((await s.ci("success")).status).toBe("succeeded");
  });

  it("checks no runner takes are said once, half an hour after the pull request opened", async () => {
    const s = await setup("{ environments: [] }");
    s.w.required = ["unit tests", "e2e"];
    s.w.mergeAnswer = () => [200, { sha: "e".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    const head = s.w.repo.git.head("orchestrate/issue-5")!;
    s.w.ci[head] = [
      { name: "unit tests", conclusion: "success" },
      { name: "e2e", status: "queued" },
    ];
    const notices = () => s.w.comments.filter((c) => c.includes("still queued"));
    await s.clock.sleep(20 * 60_000);
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(notices()).toEqual([]);
    await s.clock.sleep(11 * 60_000);
    await s.o.handle(ref, [{ kind: "tick" }]);
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain(
      "checks on " +
        head.slice(0, 7) +
        ' are still queued after 31 minutes: "e2e". No runner took their jobs',
    );
    expect(notices()[0]).not.toContain("have not reported at all");
    // A runner takes it at last: delivery goes on.
    s.w.ci[head] = [
      { name: "unit tests", conclusion: "success" },
      { name: "e2e", conclusion: "success" },
    ];
    expect((await s.o.handle(ref, [{ kind: "tick" }]))!.status).toBe("succeeded");
  });

  it("a deployment with no status is said once, half an hour after it was created", async () => {
    const s = await setup("{ environments: [staging] }");
    s.w.mergeAnswer = () => [200, { sha: "d".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    expect((await s.ci("success")).delivery?.deployments.staging).toMatchObject({
      id: 900,
      state: "created",
    });
    const notices = () =>
      s.w.comments.filter((c) => c.includes("Deployment 900 to staging has had no status"));
    await s.clock.sleep(29 * 60_000);
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(notices()).toEqual([]);
    await s.clock.sleep(2 * 60_000);
    await s.o.handle(ref, [{ kind: "tick" }]);
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain(
      "after 31 minutes: nothing seems to act on it. A workflow `on: deployment`",
    );
    expect((await s.deployment("staging", "success")).status).toBe("succeeded");
  });

  it("a pull request that cannot be merged yet is merged on a later tick", async () => {
    const s = await setup("{ environments: [] }");
    let tries = 0;
    s.w.mergeAnswer = () =>
      ++tries === 1
        ? [405, { message: "Pull Request is not mergeable" }]
        : [200, { sha: "e".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    const waiting = await s.ci("success");
    expect(waiting.delivery?.status).toBe("merging");
    const done = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(tries).toBe(2);
    expect(done!.status).toBe("succeeded");
  });

  it("a person merges before the checks reported, and the issue close comes first: the merge, not a cancel", async () => {
    const s = await setup("{ merge: manual }");
    await s.runBatch();
    await s.runBatch();
    expect(s.state().delivery?.status).toBe("awaiting_checks");
    s.w.mergedBy = "e".repeat(40);
    const closed = await s.o.handle(ref, [
      { kind: "stop", delivery: "c1", by: "octocat", reason: "the issue was closed", closed: true },
    ]);
    expect(closed!.status).toBe("succeeded");
    expect(closed!.delivery).toMatchObject({ status: "done", merged_sha: "e".repeat(40) });
    // The pull_request webhook that follows changes nothing.
    const later = await s.o.handle(ref, [
      {
        kind: "events",
        events: [{ id: `merged:${"e".repeat(40)}`, type: "pr_merged", sha: "e".repeat(40) }],
      },
    ]);
    expect(later!.seq).toBe(closed!.seq);
  });

  it("a cancel's finishing steps each run whatever the others did, and run again on the next tick when one failed", async () => {
    const s = await autoMergeWaiting();
    expect(s.w.autoMerged).toBe(true);
    // GitHub fails for a moment: turning auto-merge off, and cancelling the running job.
    let down = true;
    const cancels: number[] = [];
    gh.on("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", ({ params }) => {
      cancels.push(Number(params.run_id));
      return down ? [502, { message: "Server Error" }] : [202, {}];
    });
    gh.onGraphQL("disablePullRequestAutoMerge", () => {
      if (down) throw Object.assign(new Error("Something went wrong"), { status: 502 });
      s.w.autoMergeDisabled = true;
      return { disablePullRequestAutoMerge: { pullRequest: { number: 40 } } };
    });
    const stopped = await s.o.handle(ref, [
      { kind: "stop", delivery: "u1", by: "alice", reason: "the label was removed", closed: false },
    ]);
    expect(stopped!.status).toBe("cancelled");
    expect(s.w.autoMergeDisabled).toBeUndefined();
    // The job's cancel was tried all the same.
    expect(cancels).toEqual([77]);
    expect(s.o.finishing(ref)).toBe(true);
    // The next tick runs the finishing steps again: auto-merge goes off, the job is cancelled.
    down = false;
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(s.w.autoMergeDisabled).toBe(true);
    expect(cancels).toEqual([77, 77]);
    expect(s.o.finishing(ref)).toBe(false);
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(cancels).toHaveLength(2);
  });

  it("finishing steps GitHub refuses for good are tried ten times, then given up", async () => {
    const s = await autoMergeWaiting();
    let tries = 0;
    gh.onGraphQL("disablePullRequestAutoMerge", () => {
      tries++;
      throw Object.assign(new Error("Something went wrong"), { status: 502 });
    });
    await s.o.handle(ref, [
      { kind: "stop", delivery: "u1", by: "alice", reason: "cancelled", closed: false },
    ]);
    for (let i = 0; i < 12 && s.o.finishing(ref); i++) await s.o.handle(ref, [{ kind: "tick" }]);
    expect(s.o.finishing(ref)).toBe(false);
    const after = tries;
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(tries).toBe(after);
    expect(after).toBeGreaterThanOrEqual(10);
  });

  it("the issue closed by merging the pull request (Closes #N) does not cancel; a cancel turns auto-merge off", async () => {
    const s = await setup("{ environments: [staging] }");
    s.w.mergeAnswer = () => [200, { sha: "d".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    await s.ci("success");
    const closedByMerge = await s.o.handle(ref, [
      { kind: "stop", delivery: "c1", by: "octocat", reason: "the issue was closed", closed: true },
    ]);
    expect(closedByMerge!.status).toBe("delivering");
    const auto = await setup("{ merge: auto }");
    auto.w.autoMerge = true;
    await auto.runBatch();
    await auto.runBatch();
    await auto.ci("success");
    expect(auto.w.autoMerged).toBe(true);
    const stopped = await auto.o.handle(ref, [
      { kind: "stop", delivery: "u1", by: "alice", reason: "the label was removed", closed: false },
    ]);
    expect(stopped!.status).toBe("cancelled");
    expect(auto.w.autoMergeDisabled).toBe(true);
    // A person closes the issue while auto-merge waits (the pull request is not merged): a cancel.
    const closing = await setup("{ merge: auto }");
    closing.w.autoMerge = true;
    await closing.runBatch();
    await closing.runBatch();
    await closing.ci("success");
    expect(closing.state().delivery?.status).toBe("merging");
    const closed = await closing.o.handle(ref, [
      { kind: "stop", delivery: "c2", by: "bob", reason: "the issue was closed by bob", closed: true },
    ]);
    expect(closed!.status).toBe("cancelled");
    expect(closing.w.autoMergeDisabled).toBe(true);
  });
});

describe("auto-merge and merge queues", () => {
  it("a pull request GitHub moved into its merge queue (REST reads no auto-merge) is not said to be off", async () => {
    const s = await autoMergeWaiting();
    s.w.autoMerged = false;
    s.w.inMergeQueue = true;
    const waiting = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(waiting!.delivery).toMatchObject({ status: "merging", auto_merge: "on" });
    expect(s.w.comments.filter((c) => c.includes("was turned off on GitHub"))).toEqual([]);
    // The queue merges it.
    s.w.mergedBy = "d".repeat(40);
    expect((await s.o.handle(ref, [{ kind: "tick" }]))!.status).toBe("succeeded");
  });
});

describe("auto-merge across closes", () => {
  it("a pull request closed and reopened twice at one head gets auto-merge again each time, with no 'turned off' notice", async () => {
    const s = await autoMergeWaiting();
    for (let round = 1; round <= 2; round++) {
      s.w.pullClosed = true;
      s.w.autoMerged = false;
      await s.o.handle(ref, [{ kind: "tick" }]);
      expect(
        s.w.comments.filter((c) => c.includes("closed without merging")),
        `round ${round}`,
      ).toHaveLength(round);
      s.w.pullClosed = false;
      const reopened = await s.o.handle(ref, [{ kind: "tick" }]);
      expect(
        s.w.comments.some((c) => c.includes("was turned off on GitHub")),
        `round ${round}`,
      ).toBe(false);
      expect(reopened!.delivery?.auto_merge, `round ${round}`).toBe("on");
      expect(s.w.autoMerged, `round ${round}`).toBe(true);
    }
  });
});

/** A GraphQL error as GitHub answers a refused mutation, of `type`. */
function graphqlError(message: string, type: string): Error {
  return Object.assign(new Error(message), { type });
}

describe("delivery GitHub refuses", () => {
  it("a check branch protection does not require is red: auto-merge is refused (unstable status), so the pull request is merged directly", async () => {
    const s = await setup("{ environments: [] }");
    s.w.required = ["unit tests"];
    let merges = 0;
    s.w.mergeAnswer = () => {
      merges++;
      return [200, { sha: "e".repeat(40), merged: true, message: "Merged" }];
    };
    gh.onGraphQL("enablePullRequestAutoMerge", () => {
      throw graphqlError("Pull request Pull request is in unstable status", "UNPROCESSABLE");
    });
    await s.runBatch();
    await s.runBatch();
    const head = s.w.repo.git.head("orchestrate/issue-5")!;
    s.w.ci[head] = [
      { name: "unit tests", conclusion: "success" },
      { name: "lint", conclusion: "failure" },
    ];
    const done = await s.o.handle(ref, [{ kind: "checks", delivery: "cs1", sha: head }]);
    expect(merges).toBe(1);
    expect(done!.status).toBe("succeeded");
    expect(done!.delivery).toMatchObject({ status: "done", merged_sha: "e".repeat(40) });
  });

  it("a merge GitHub refuses for want of a permission is said once; the tick tries again and merges once it is granted", async () => {
    const s = await setup("{ environments: [] }");
    s.w.mergeAnswer = () => [200, { sha: "e".repeat(40), merged: true, message: "Merged" }];
    let granted = false;
    let enablings = 0;
    gh.onGraphQL("enablePullRequestAutoMerge", () => {
      enablings++;
      throw granted
        ? graphqlError("Pull request Auto merge is not allowed for this repository", "UNPROCESSABLE")
        : graphqlError("Resource not accessible by integration", "FORBIDDEN");
    });
    const notices = () => s.w.comments.filter((c) => c.includes("#40 cannot be merged yet"));
    await s.runBatch();
    await s.runBatch();
    const held = await s.ci("success");
    expect(held.delivery?.status).toBe("merging");
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain(
      "Resource not accessible by integration. The app needs pull_requests: write: add it to the app manifest",
    );
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(enablings).toBe(2);
    expect(notices()).toHaveLength(1);
    granted = true;
    const done = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(done!.status).toBe("succeeded");
  });

  it("a pull request GitHub refuses to open is said once; the tick tries again without saying it again", async () => {
    const s = await setup("{ merge: manual }");
    let refused = true;
    gh.on("POST /repos/{owner}/{repo}/pulls", ({ body }) => {
      if (refused)
        return [403, { message: "GitHub Actions is not permitted to create or approve pull requests." }];
      const b = body as { head: string; draft: boolean; body: string };
      const pull = { number: 40 + s.w.pulls.length, head: b.head, draft: b.draft, body: b.body };
      s.w.pulls.push(pull);
      return [201, pullJson(s.w, pull)];
    });
    const notices = () => s.w.comments.filter((c) => c.includes("Delivery could not open the pull request"));
    await s.runBatch();
    await s.runBatch();
    expect(s.state().delivery?.status).toBe("opening_pr");
    expect(notices()).toHaveLength(1);
    for (const said of [
      "failed (HTTP 403): GitHub Actions is not permitted to create or approve pull requests.",
      'Turn on Settings → Actions → General → Workflow permissions → "Allow GitHub Actions to create and approve pull requests"',
      "Orchestrate tries again at each tick, so delivery goes on once this is fixed",
    ])
      expect(notices()[0]).toContain(said);
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(notices()).toHaveLength(1);
    refused = false;
    const opened = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(opened!.delivery).toMatchObject({ status: "awaiting_checks", pr: 40 });
    expect(notices()).toHaveLength(1);
  });

  it("a deployment GitHub refuses to create is said once; the tick tries again and deploys once it may", async () => {
    const s = await setup("{ environments: [staging] }");
    s.w.mergeAnswer = () => [200, { sha: "d".repeat(40), merged: true, message: "Merged" }];
    let refused = true;
    gh.on("POST /repos/{owner}/{repo}/deployments", ({ body }) => {
      if (refused) return [403, { message: "Resource not accessible by integration" }];
      const b = body as { environment: string; ref: string; payload: unknown };
      const d = {
        id: 900 + s.w.deployments.length,
        environment: b.environment,
        sha: b.ref,
        payload: b.payload,
      };
      s.w.deployments.push(d);
      return [201, { id: d.id, environment: d.environment }];
    });
    const notices = () => s.w.comments.filter((c) => c.includes("Delivery could not deploy to staging"));
    await s.runBatch();
    await s.runBatch();
    expect((await s.ci("success")).delivery?.status).toBe("deploying");
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain(
      "Resource not accessible by integration. The app needs deployments: write",
    );
    await s.o.handle(ref, [{ kind: "tick" }]);
    expect(notices()).toHaveLength(1);
    refused = false;
    const deploying = await s.o.handle(ref, [{ kind: "tick" }]);
    expect(deploying!.delivery?.deployments.staging).toMatchObject({ id: 900 });
    expect((await s.deployment("staging", "success")).status).toBe("succeeded");
  });
});

describe("resuming a delivery that stopped", () => {
  /** `/orchestrate retry`, commented by octocat. */
  async function retry(s: Awaited<ReturnType<typeof setup>>, delivery: string, target?: string) {
    gh.on("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", () => [
      201,
      { id: 1, content: "eyes" },
    ]);
    // A person retries a while after it stopped.
    await s.clock.sleep(60_000);
    const state = await s.o.handle(ref, [
      {
        kind: "comment",
        delivery,
        commentId: 90,
        user: "octocat",
        userType: "User",
        body: target ? `/orchestrate retry ${target}` : "/orchestrate retry",
      },
    ]);
    return state!;
  }

  it("a failed staging deployment: `/orchestrate retry` deploys staging again, and delivery goes on to production", async () => {
    const s = await setup("{ environments: [staging, production] }");
    s.w.mergeAnswer = () => [200, { sha: "d".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    await s.ci("success");
    expect((await s.deployment("staging", "failure")).status).toBe("failed");
    const resumed = await retry(s, "c1");
    expect(resumed.status).toBe("delivering");
    expect(s.w.comments.at(-1)).toContain(
      "Delivery resumed by octocat (it stopped: deployment to staging failed: staging failure): staging is deployed again.",
    );
    // A new deployment, not the one that failed.
    expect(s.w.deployments.map((d) => [d.id, d.environment])).toEqual([
      [900, "staging"],
      [901, "staging"],
    ]);
    expect(resumed.delivery?.deployments.staging).toMatchObject({ id: 901, state: "created" });
    await s.deployment("staging", "success", 901);
    expect(s.w.deployments.map((d) => d.environment)).toEqual(["staging", "staging", "production"]);
    const done = await s.deployment("production", "success");
    expect(done.status).toBe("succeeded");
    expect(s.w.closed).toBe(true);
  });

  it("CI still red past max_revisions: `/orchestrate retry` reads the checks again, with a new budget of revisions", async () => {
    const s = await setup("{ environments: [], max_revisions: 1 }");
    s.w.mergeAnswer = () => [200, { sha: "e".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    await s.ci("failure");
    await s.runBatch();
    const failed = await s.ci("failure");
    expect(failed.status).toBe("failed");
    expect(failed.reason).toBe("CI failed (unit tests) after 1 revision(s)");
    // The same head, still red: the testing phase runs again, as it did on the first red.
    const resumed = await retry(s, "c1");
    expect(
      s.w.comments.some((c) => c.includes("the checks of #40 are read again on its branch's head")),
    ).toBe(true);
    expect(resumed.status).toBe("running");
    expect(resumed.delivery).toMatchObject({ status: "revising", revisions: 1 });
    expect(s.w.dispatches.at(-1)).toEqual([expect.objectContaining({ id: "testing/qa", attempt: 3 })]);
    await s.runBatch();
    const done = await s.ci("success");
    expect(done.status).toBe("succeeded");
    expect(s.w.pulls).toHaveLength(1);
  });

  it("the label removed while CI runs: `/orchestrate retry` updates the pull request and reads its checks again", async () => {
    const s = await setup("{ environments: [] }");
    s.w.mergeAnswer = () => [200, { sha: "e".repeat(40), merged: true, message: "Merged" }];
    await s.runBatch();
    await s.runBatch();
    const cancelled = await s.o.handle(ref, [
      { kind: "stop", delivery: "u1", by: "octocat", reason: "the label was removed by octocat" },
    ]);
    expect(cancelled!.status).toBe("cancelled");
    const resumed = await retry(s, "c1", "delivery");
    expect(resumed.status).toBe("delivering");
    expect(resumed.delivery?.status).toBe("awaiting_checks");
    expect(s.w.comments.at(-1)).toContain(
      "Delivery resumed by octocat (it stopped: the label was removed by octocat): the checks of #40 are read again on its branch's head.",
    );
    const done = await s.ci("success");
    expect(done.status).toBe("succeeded");
    expect(s.w.pulls).toHaveLength(1);
  });

  it("a cancel while auto-merge waits turns it off; `/orchestrate retry` turns it on again", async () => {
    const s = await autoMergeWaiting();
    const cancelled = await s.o.handle(ref, [
      { kind: "stop", delivery: "u1", by: "octocat", reason: "the label was removed by octocat" },
    ]);
    expect(cancelled!.status).toBe("cancelled");
    expect(s.w.autoMerged).toBe(false);
    const resumed = await retry(s, "c1");
    expect(resumed.delivery).toMatchObject({ status: "merging", auto_merge: "on" });
    expect(s.w.autoMerged).toBe(true);
    s.w.mergedBy = "c".repeat(40);
    expect((await s.o.handle(ref, [{ kind: "tick" }]))!.status).toBe("succeeded");
  });
});

describe("task start on GitHub", () => {
  it("a job in progress starts its task's attempt (arming its time limit); a fork's merged PR is not ours", () => {
    const job = (name: string) =>
      withPatch(examplePayload("workflow_job", "in_progress"), {
        workflow_job: { name, run_id: 77 },
        repository: { name: "r", owner: { login: "o" } },
      } as never);
    const routed = triggersOf("workflow_job", job("build/dev#2 (issue 5)") as never, "j1", {
      label: "orchestrate",
    });
    expect(routed).toEqual([
      {
        ref: { owner: "o", repo: "r", issue: 5 },
        trigger: { kind: "job_started", task: "build/dev", attempt: 2, run: 77 },
      },
    ]);
    // Called from another workflow (`<caller job> / ` in front, once per level): the same; a
    // publish job starts nothing.
    for (const name of ["agents / build/dev#2 (issue 5)", "tasks / agents / build/dev#2 (issue 5)"])
      expect(triggersOf("workflow_job", job(name) as never, "j2", { label: "orchestrate" })).toEqual(routed);
    expect(
      triggersOf("workflow_job", job("publish build/dev#2 (issue 5)") as never, "j3", {
        label: "orchestrate",
      }),
    ).toEqual([]);
    const fork = withPatch(examplePayload("pull_request", "closed"), {
      pull_request: {
        number: 9,
        merged: true,
        merge_commit_sha: "a".repeat(40),
        head: { ref: "orchestrate/issue-5", repo: { full_name: "mallory/r" } },
      },
      repository: { name: "r", owner: { login: "o" } },
    } as never);
    expect(triggersOf("pull_request", fork as never, "f1", { label: "orchestrate" })).toEqual([]);
  });
});
