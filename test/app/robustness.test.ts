import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { ExecutionQueue } from "../../src/github/execution-queue.ts";
import { createOctokit, createTestOctokit, githubPorts } from "../../src/github/index.ts";
import {
  dispatchParts,
  GitHubOrchestrator,
  MATRIX_JOBS,
  TASKS_INPUT_CHARS,
  type Trigger,
} from "../../src/github/orchestrator.ts";
import type { ExecutionRef, GitHubPorts } from "../../src/github/ports.ts";
import { resultPath, taskBranch } from "../../src/github/result-record.ts";
import { triggersOf } from "../../src/github/webhook-triggers.ts";
import { fakeIssueSide, fakeRepo, useGitHubMock } from "../support/github/index.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";

const gh = useGitHubMock();
const ref: ExecutionRef = { owner: "o", repo: "r", issue: 5 };

function plan(modules: number, concurrency = modules): string {
  const list = Array.from({ length: modules }, (_, i) => `m${i}`).join(", ");
  return `version: 1
policy: { max_concurrency: ${concurrency}, retry: { max_attempts: 2, initial_interval: 1s, jitter: false } }
agents:
  dev: { run: ./dev.sh }
phases:
  - { id: build, agents: [dev], matrix: { module: [${list}] } }
`;
}

/** Issues, check runs and dispatches as GitHub keeps them, for the orchestrator to talk to. */
function issueSide(dispatchAnswer: () => [number, unknown?, Record<string, string>?] = () => [204]) {
  const comments: string[] = [];
  const dispatches: { id: string; attempt: number }[][] = [];
  gh.on("GET /repos/{owner}/{repo}/collaborators/{username}/permission", () => [
    200,
    { permission: "write", role_name: "write", user: null },
  ]);
  gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", () => [200, []]);
  gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", ({ body }) => {
    comments.push((body as { body: string }).body);
    return [201, { id: comments.length }];
  });
  gh.on("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", ({ params }) => [
    200,
    { id: Number(params.comment_id) },
  ]);
  gh.on("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", () => [
    200,
    { total_count: 0, check_runs: [] },
  ]);
  gh.on("POST /repos/{owner}/{repo}/check-runs", () => [201, { id: 1 }]);
  gh.on("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", () => [200, { id: 1 }]);
  gh.on("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", ({ body }) => {
    const answer = dispatchAnswer();
    if (answer[0] === 204) dispatches.push(JSON.parse((body as { inputs: { tasks: string } }).inputs.tasks));
    return answer;
  });
  return { comments, dispatches };
}

function orchestrator(ports: GitHubPorts, clock = new VirtualClock(1_800_000_000_000)) {
  return new GitHubOrchestrator(ports, {
    clock,
    random: seededRandom(3),
    workflow: "orchestrate-agents.yml",
  });
}

const label: Trigger = {
  kind: "labeled",
  delivery: "d0",
  sender: "octocat",
  author: "octocat",
  title: "Build",
  body: "Project: x",
};

/** Commits a task's result record to its branch, as the task job does; returns the commit sha. */
function finishTask(repo: ReturnType<typeof fakeRepo>, task: string, attempt = 1): string {
  const branch = taskBranch(5, task);
  if (!repo.git.head(branch)) repo.git.branch(branch, "orchestrate/issue-5");
  return repo.git.commitFiles(branch, {
    [resultPath(5, task)]: JSON.stringify({ execution: "o/r#5", task, attempt, status: "succeeded" }),
  }).sha;
}

function events(repo: ReturnType<typeof fakeRepo>): { type: string; task?: string; sha?: string }[] {
  return repo.git
    .readFile("orchestrate-state", "executions/5/events.jsonl")!
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

/**
 * Two modules with a five-minute task limit and one retry, over the fake issue side; `cancelled`
 * lists the workflow runs GitHub was asked to cancel.
 */
function timedOutModules() {
  fakeRepo(gh, {
    files: {
      ".github/orchestrate.yml": `version: 1
policy: { max_concurrency: 2, timeout: { task: 5m }, retry: { max_attempts: 2, initial_interval: 0s, jitter: false } }
agents:
  dev: { run: ./dev.sh }
phases:
  - { id: build, agents: [dev], matrix: { module: [m0, m1] } }
`,
    },
  });
  const side = fakeIssueSide(gh);
  const cancelled: number[] = [];
  gh.on("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", ({ params }) => {
    cancelled.push(Number(params.run_id));
    return [202, {}];
  });
  return { side, cancelled };
}

describe("GitHub orchestration under load and failure", () => {
  it("records 100 parallel result deliveries exactly once each, with duplicates and reordering", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(100) } });
    const side = issueSide();
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    expect(side.dispatches[0]).toHaveLength(100);
    const shas = side.dispatches[0]!.map((t) => ({ task: t.id, sha: finishTask(repo, t.id) }));
    const deliveries = [...shas, ...shas.slice(0, 30)].reverse();
    const queue = new ExecutionQueue<Trigger>(
      async (_key, batch) => {
        await o.handle(ref, batch);
      },
      (_key, error) => {
        throw error;
      },
    );
    await Promise.all(
      deliveries.map((d, i) =>
        queue.push("o/r#5", {
          kind: "result",
          delivery: `r${i}`,
          result: { issue: 5, task: d.task, attempt: 1, sha: d.sha },
        }),
      ),
    );
    const log = events(repo);
    const succeeded = log.filter((e) => e.type === "task_succeeded").map((e) => e.task);
    expect(succeeded).toHaveLength(100);
    expect(new Set(succeeded).size).toBe(100);
    expect(JSON.parse(repo.git.readFile("orchestrate-state", "executions/5/state.json")!).status).toBe(
      "succeeded",
    );
    // Batching: far fewer state commits than deliveries.
    expect(gh.countByRoute()["POST /graphql createCommitOnBranch"]).toBeLessThan(40);
  });

  it("reloads and re-applies when another writer moved the state branch (compare-and-swap conflict)", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    issueSide();
    const ports = githubPorts(createTestOctokit());
    const o = orchestrator(ports);
    await o.handle(ref, [label]);
    const sha = finishTask(repo, "build/dev@m0");
    // Another process saves an execution of another issue between this one's load and save.
    const save = ports.store.save.bind(ports.store);
    let raced = false;
    ports.store.save = async (r, update) => {
      if (!raced) {
        raced = true;
        repo.git.commitFiles("orchestrate-state", { "executions/6/state.json": "{}" }, "another writer");
      }
      return save(r, update);
    };
    const before = gh.requests.length;
    await o.handle(ref, [
      { kind: "result", delivery: "x1", result: { issue: 5, task: "build/dev@m0", attempt: 1, sha } },
    ]);
    expect(raced).toBe(true);
    expect(events(repo).filter((e) => e.type === "task_succeeded")).toHaveLength(1);
    expect(repo.git.readFile("orchestrate-state", "executions/6/state.json")).toBe("{}");
    // One commit refused (its expected head is stale), a reload, and one that landed.
    const during = gh.requests.slice(before).map((r) => r.route);
    expect(during.filter((r) => r === "POST /graphql createCommitOnBranch")).toHaveLength(2);
    // The first read came with the result record (one GraphQL query); the reload reads the ref.
    expect(during.filter((r) => r === "POST /graphql repository")).toHaveLength(1);
    expect(
      during.filter((r) => r === "GET /repos/{owner}/{repo}/git/ref/{ref}").length,
    ).toBeGreaterThanOrEqual(1);
    // The task's work joined the working branch once (before the first save), not again on the retry.
    expect(during.filter((r) => r?.startsWith("PATCH /repos/{owner}/{repo}/git/refs"))).toHaveLength(1);
    expect(during.filter((r) => r === "POST /repos/{owner}/{repo}/merges")).toHaveLength(0);
    expect(events(repo).filter((e) => e.type === "merge_succeeded")).toEqual([
      expect.objectContaining({ tasks: ["build/dev@m0"], sha }),
    ]);
  });

  it("fans in by fast-forward when a task commit sits on the working head, else by merge", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    issueSide();
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const start = repo.git.head("orchestrate/issue-5")!;
    const a = finishTask(repo, "build/dev@m0");
    const b = finishTask(repo, "build/dev@m1");
    const before = gh.requests.length;
    await o.handle(ref, [
      { kind: "result", delivery: "a", result: { issue: 5, task: "build/dev@m0", attempt: 1, sha: a } },
      { kind: "result", delivery: "b", result: { issue: 5, task: "build/dev@m1", attempt: 1, sha: b } },
    ]);
    const during = gh.requests.slice(before).map((r) => `${r.route} ${String(r.params.ref ?? "")}`.trim());
    // Both commits start at the working head: the first is fast-forwarded to, the second merged.
    expect(during.filter((r) => r.startsWith("PATCH /repos/{owner}/{repo}/git/refs/{ref}"))).toEqual([
      "PATCH /repos/{owner}/{repo}/git/refs/{ref} heads/orchestrate/issue-5",
    ]);
    expect(during.filter((r) => r === "POST /repos/{owner}/{repo}/merges")).toHaveLength(1);
    const head = repo.git.head("orchestrate/issue-5")!;
    expect(repo.git.commits.get(head)!.parents).toEqual([a, b]);
    expect(repo.git.commits.get(a)!.parents).toEqual([start]);
    const log = events(repo);
    expect(log.filter((e) => e.type === "merge_succeeded").map((e) => e.sha)).toEqual([a, head]);
  });

  it("merges when the working branch moved under a fast-forward (422), losing nothing", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    issueSide();
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const a = finishTask(repo, "build/dev@m0");
    // Someone pushes to the working branch between the read and the fast-forward.
    gh.on("PATCH /repos/{owner}/{repo}/git/refs/{ref}", () => {
      repo.git.commitFiles("orchestrate/issue-5", { "NOTES.md": "pushed by hand\n" });
      return [422, { message: "Update is not a fast forward" }];
    });
    await o.handle(ref, [
      { kind: "result", delivery: "a", result: { issue: 5, task: "build/dev@m0", attempt: 1, sha: a } },
    ]);
    const head = repo.git.head("orchestrate/issue-5")!;
    expect(repo.git.commits.get(head)!.parents[1]).toBe(a);
    expect(repo.git.readFile(head, "NOTES.md")).toBe("pushed by hand\n");
    expect(repo.git.readFile(head, resultPath(5, "build/dev@m0"))).toBeDefined();
    expect(JSON.parse(repo.git.readFile("orchestrate-state", "executions/5/state.json")!).status).toBe(
      "succeeded",
    );
  });

  it("a second issue in the same repository gets its own execution beside the first", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    const side = issueSide();
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const before = repo.git.head("orchestrate-state")!;
    const second = await o.handle({ ...ref, issue: 6 }, [{ ...label, delivery: "d6" }]);
    expect(second?.status).toBe("running");
    expect(side.dispatches).toHaveLength(2);
    const head = repo.git.head("orchestrate-state")!;
    expect(repo.git.commits.get(head)!.parents).toEqual([before]);
    expect(repo.git.readFile(head, "executions/5/state.json")).toBe(
      repo.git.readFile(before, "executions/5/state.json"),
    );
    expect(JSON.parse(repo.git.readFile(head, "executions/6/state.json")!).id).toBe("o/r#6");
  });

  it("twelve executions of one repository saving at once all land (saves of one repository take turns)", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    issueSide();
    const conflicts: string[] = [];
    const o = new GitHubOrchestrator(githubPorts(createTestOctokit()), {
      clock: new VirtualClock(1_800_000_000_000),
      random: seededRandom(3),
      workflow: "orchestrate-agents.yml",
      log: (message) => {
        if (message.includes("conflict")) conflicts.push(message);
      },
    });
    const issues = Array.from({ length: 12 }, (_, i) => 20 + i);
    for (const issue of issues) await o.handle({ ...ref, issue }, [{ ...label, delivery: `d${issue}` }]);
    const results = issues.map((issue) => {
      const branch = taskBranch(issue, "build/dev@m0");
      repo.git.branch(branch, `orchestrate/issue-${issue}`);
      const sha = repo.git.commitFiles(branch, {
        [resultPath(issue, "build/dev@m0")]: JSON.stringify({
          execution: `o/r#${issue}`,
          task: "build/dev@m0",
          attempt: 1,
          status: "succeeded",
        }),
      }).sha;
      return o.handle({ ...ref, issue }, [
        { kind: "result", delivery: `r${issue}`, result: { issue, task: "build/dev@m0", attempt: 1, sha } },
      ]);
    });
    const states = await Promise.all(results);
    expect(states.map((st) => st?.status)).toEqual(issues.map(() => "succeeded"));
    // Each waited for its turn and read the head the save before it left: no commit was refused.
    expect(conflicts).toEqual([]);
    for (const issue of issues)
      expect(
        JSON.parse(repo.git.readFile("orchestrate-state", `executions/${issue}/state.json`)!),
      ).toMatchObject({
        id: `o/r#${issue}`,
        status: "succeeded",
      });
  });

  it("a merge GitHub fails for now (5xx) holds back only that result: the batch's command is saved", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    issueSide();
    gh.on("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", () => [
      201,
      { id: 1, content: "eyes" },
    ]);
    const logged: string[] = [];
    const o = new GitHubOrchestrator(githubPorts(createTestOctokit()), {
      clock: new VirtualClock(1_800_000_000_000),
      random: seededRandom(3),
      workflow: "orchestrate-agents.yml",
      log: (message) => logged.push(message),
    });
    await o.handle(ref, [label]);
    const sha = finishTask(repo, "build/dev@m0");
    repo.git.commitFiles("orchestrate/issue-5", { "other.txt": "x" }); // no fast-forward: the merges API
    let down = true;
    gh.on("POST /repos/{owner}/{repo}/merges", ({ body }) => {
      if (down) return [502, { message: "Server Error" }];
      const b = body as { base: string; head: string; commit_message: string };
      const outcome = repo.git.merge(b.base, b.head, b.commit_message);
      return outcome.kind === "merged"
        ? [201, { sha: outcome.commit.sha }]
        : [409, { message: "Merge conflict" }];
    });
    const state = await o.handle(ref, [
      { kind: "result", delivery: "r", result: { issue: 5, task: "build/dev@m0", attempt: 1, sha } },
      {
        kind: "comment",
        delivery: "c",
        commentId: 77,
        user: "octocat",
        userType: "User",
        body: "/orchestrate skip build/dev@m1 not needed",
      },
    ]);
    expect(logged).toContain("result not applied yet: its work could not be merged");
    expect(state!.tasks["build/dev@m1"]!.status).toBe("skipped");
    expect(state!.tasks["build/dev@m0"]!.status).toBe("queued");
    // GitHub is back: the next tick reads the result again, merges and applies it.
    down = false;
    const after = await o.handle(ref, [{ kind: "tick" }]);
    expect(after!.tasks["build/dev@m0"]!.status).toBe("succeeded");
  });

  it("a merge GitHub refuses for good (the working branch was deleted) blocks the task; the execution goes on", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    const side = issueSide();
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const sha = finishTask(repo, "build/dev@m0");
    repo.git.refs.delete("refs/heads/orchestrate/issue-5");
    const state = await o.handle(ref, [
      { kind: "result", delivery: "r", result: { issue: 5, task: "build/dev@m0", attempt: 1, sha } },
    ]);
    const task = state!.tasks["build/dev@m0"]!;
    expect(task.status).toBe("blocked");
    expect(task.reason).toMatch(/could not be merged into the working branch: .*Base does not exist/);
    expect(state!.conflicts).toEqual([]);
    expect(side.comments.some((c) => /could not be merged.*retry/s.test(c))).toBe(true);
  });

  it("a merge done before a save that failed is recorded when the result is applied again", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    issueSide();
    const ports = githubPorts(createTestOctokit());
    const o = orchestrator(ports);
    await o.handle(ref, [label]);
    const sha = finishTask(repo, "build/dev@m0");
    const save = ports.store.save.bind(ports.store);
    let failed = false;
    ports.store.save = async (r, update) => {
      if (!failed && update.newEvents.some((e) => e.type === "task_succeeded")) {
        failed = true;
        throw new Error("GitHub: commit the state to orchestrate-state failed (HTTP 502)");
      }
      return save(r, update);
    };
    const result: Trigger = {
      kind: "result",
      delivery: "r",
      result: { issue: 5, task: "build/dev@m0", attempt: 1, sha },
    };
    await expect(o.handle(ref, [result])).rejects.toThrow(/502/);
    expect(repo.git.head("orchestrate/issue-5")).toBe(sha);
    await o.handle(ref, [{ ...result, delivery: "r2" }]);
    const log = events(repo);
    expect(log.filter((e) => e.type === "task_succeeded")).toHaveLength(1);
    expect(log.filter((e) => e.type === "merge_succeeded")).toEqual([
      expect.objectContaining({ tasks: ["build/dev@m0"] }),
    ]);
  });

  it("a command handled again after its batch failed is answered once", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    const side = fakeIssueSide(gh);
    const ports = githubPorts(createTestOctokit());
    const o = orchestrator(ports);
    await o.handle(ref, [label]);
    const save = ports.store.save.bind(ports.store);
    let failed = false;
    ports.store.save = async (r, update) => {
      if (!failed && update.newEvents.some((e) => e.type === "cancel_requested")) {
        failed = true;
        throw new Error("GitHub: commit the state to orchestrate-state failed (HTTP 502)");
      }
      return save(r, update);
    };
    const comment: Trigger = {
      kind: "comment",
      delivery: "c-help",
      commentId: 91,
      user: "octocat",
      userType: "User",
      body: "/orchestrate help\n/orchestrate cancel",
    };
    const before = side.comments.length;
    await expect(o.handle(ref, [comment])).rejects.toThrow(/502/);
    const state = (await o.handle(ref, [comment]))!;
    expect(state.status).toBe("cancelled");
    const helps = side.comments.slice(before).filter((c) => c.body.includes("/orchestrate approve"));
    expect(helps).toHaveLength(1);
  });

  it("a restarted orchestrator updates the check runs where they were created, never a second set", async () => {
    const repo = fakeRepo(gh, {
      files: { ".github/orchestrate.yml": `${plan(1)}  - { id: check, needs: [build], agents: [dev] }\n` },
    });
    const side = fakeIssueSide(gh);
    await orchestrator(githubPorts(createTestOctokit())).handle(ref, [label]);
    expect(side.checks.size).toBe(2);
    const created = [...side.checks.values()].map((c) => c.head_sha);
    // The task's work moves the working branch; a new process (restart, token refresh) goes on.
    const sha = finishTask(repo, "build/dev@m0");
    const restarted = orchestrator(githubPorts(createTestOctokit()));
    await restarted.handle(ref, [
      { kind: "result", delivery: "r", result: { issue: 5, task: "build/dev@m0", attempt: 1, sha } },
    ]);
    expect(repo.git.head("orchestrate/issue-5")).toBe(sha);
    expect(side.checks.size).toBe(2);
    expect([...side.checks.values()].map((c) => [c.name, c.head_sha, c.status])).toEqual([
      ["orchestrate / build", created[0], "completed"],
      ["orchestrate / check", created[1], "in_progress"],
    ]);
  });

  it("a lost job webhook: the tick reads how the task's run ended and fails the attempt, which is retried", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    const side = fakeIssueSide(gh);
    const clock = new VirtualClock(1_800_000_000_000);
    const o = orchestrator(githubPorts(createTestOctokit()), clock);
    await o.handle(ref, [label]);
    const [run] = [...side.runs.values()];
    expect(run!.branch).toBe("orchestrate/issue-5");
    // m0 reports; its commit also writes which run the batch went to.
    const sha = finishTask(repo, "build/dev@m0");
    await o.handle(ref, [
      { kind: "result", delivery: "r", result: { issue: 5, task: "build/dev@m0", attempt: 1, sha } },
    ]);
    const stored = JSON.parse(repo.git.readFile("orchestrate-state", "executions/5/state.json")!);
    expect(stored.tasks["build/dev@m1"].ref).toBe(`https://github.com/o/r/actions/runs/${run!.id}`);
    // m1's job crashed before writing a result, and its workflow_job webhook never came.
    const tick = async () => {
      const before = gh.requests.length;
      const state = await orchestrator(githubPorts(createTestOctokit()), clock).handle(ref, [
        { kind: "tick" },
      ]);
      return { state: state!, routes: gh.requests.slice(before).map((r) => r.route) };
    };
    // Still queued: the run is read, its jobs are not (none started).
    Object.assign(run!, { status: "queued" });
    const queued = await tick();
    expect(queued.routes).toContain("GET /repos/{owner}/{repo}/actions/runs/{run_id}");
    expect(queued.routes).not.toContain("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs");
    // Running: its jobs say whether m1's (still queued here) started; none did.
    Object.assign(run!, { status: "in_progress" });
    const running = await tick();
    expect(running.routes).toContain("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs");
    expect(running.state.tasks["build/dev@m1"]!.status).toBe("queued");
    Object.assign(run!, {
      status: "completed",
      conclusion: "failure",
      jobs: [
        { name: "build/dev@m0#1 (issue 5)", status: "completed", conclusion: "success" },
        { name: "build/dev@m1#1 (issue 5)", status: "completed", conclusion: "failure" },
      ],
    });
    const ended = await tick();
    expect(ended.state.tasks["build/dev@m1"]!.errors).toEqual([
      expect.objectContaining({
        attempt: 1,
        kind: "no_result",
        message: "the job ended (failure) without a result record",
      }),
    ]);
    // Retried by policy after its backoff: a new run, and the attempt's reference is that run's.
    await clock.sleep(1500);
    const retried = await tick();
    expect(side.runs.size).toBe(2);
    expect(JSON.parse(side.dispatches[1]!.tasks!)).toEqual([
      expect.objectContaining({ id: "build/dev@m1", attempt: 2 }),
    ]);
    expect(retried.state.tasks["build/dev@m1"]!.attempt).toBe(2);
    // Nothing about the first run is read again for the second attempt.
    const quiet = await tick();
    expect(quiet.routes.filter((r) => r?.includes("/actions/runs/"))).toEqual([]);
  });

  it("a job counts only from the run its attempt went to: a job named like a task's elsewhere changes nothing", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    const side = fakeIssueSide(gh);
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const [run] = [...side.runs.values()];
    const job = (name: string, runId: number, conclusion = "failure") =>
      triggersOf(
        "workflow_job",
        withPatch(examplePayload("workflow_job", "completed"), {
          workflow_job: { name, run_id: runId, conclusion },
          repository: { name: "r", owner: { login: "o" } },
        } as never) as never,
        `job-${name}-${runId}`,
        { label: "orchestrate" },
      ).map((r) => r.trigger);
    // A fork's pull request CI names a job like m0's first attempt (twice: it would use up the retries).
    await o.handle(ref, job("build/dev@m0#1 (issue 5)", 4242));
    let state = await o.handle(ref, job("build/dev@m0#2 (issue 5)", 4242));
    expect(state!.tasks["build/dev@m0"]).toMatchObject({ status: "queued", attempt: 1, errors: [] });
    // The process restarts before the dispatch record was written: the run is read to tell.
    side.runs.set(4242, {
      id: 4242,
      branch: "attacker-patch",
      event: "pull_request",
      workflow: "ci.yml",
      repository: "attacker/r",
      status: "completed",
      conclusion: "failure",
      jobs: [],
    });
    const restarted = orchestrator(githubPorts(createTestOctokit()));
    state = await restarted.handle(ref, job("build/dev@m0#1 (issue 5)", 4242));
    expect(state!.tasks["build/dev@m0"]).toMatchObject({ status: "queued", attempt: 1, errors: [] });
    // Its real job (in the dispatched run) counts: the attempt failed.
    state = await restarted.handle(ref, job("build/dev@m0#1 (issue 5)", run!.id));
    expect(state!.tasks["build/dev@m0"]!.errors).toEqual([
      expect.objectContaining({ attempt: 1, kind: "no_result" }),
    ]);
    // A split workflow: m1's agent job succeeded (no record yet: nothing happens); its publish
    // job's end decides — here its record is there.
    state = await restarted.handle(ref, job("build/dev@m1#1 (issue 5)", run!.id, "success"));
    expect(state!.tasks["build/dev@m1"]).toMatchObject({ status: "queued", errors: [] });
    finishTask(repo, "build/dev@m1");
    state = await restarted.handle(ref, job("publish build/dev@m1#1 (issue 5)", run!.id, "success"));
    expect(state!.tasks["build/dev@m1"]!.status).toBe("succeeded");
  });

  it("an agent that finished is not timed out while its publish job waits for the batch's slowest agent", async () => {
    const repo = fakeRepo(gh, {
      files: {
        ".github/orchestrate.yml": `version: 1
policy: { max_concurrency: 2, timeout: { task: 1h }, retry: { max_attempts: 1 } }
agents:
  dev: { run: ./dev.sh }
phases:
  - { id: build, agents: [dev], matrix: { module: [m0, m1] } }
`,
      },
    });
    const side = fakeIssueSide(gh);
    const clock = new VirtualClock(1_800_000_000_000);
    const o = orchestrator(githubPorts(createTestOctokit()), clock);
    await o.handle(ref, [label]);
    const [run] = [...side.runs.values()];
    const job = (name: string, action: "in_progress" | "completed", conclusion = "success") =>
      triggersOf(
        "workflow_job",
        withPatch(examplePayload("workflow_job", action as "completed"), {
          workflow_job: { name, run_id: run!.id, conclusion },
          repository: { name: "r", owner: { login: "o" } },
        } as never) as never,
        `${name}-${action}`,
        { label: "orchestrate" },
      ).map((r) => r.trigger);
    await o.handle(ref, [
      ...job("build/dev@m0#1 (issue 5)", "in_progress"),
      ...job("build/dev@m1#1 (issue 5)", "in_progress"),
    ]);
    // m0's agent is done after 5 minutes; m1's runs on, so the batch's publish jobs wait.
    await clock.sleep(5 * 60_000);
    await o.handle(ref, job("build/dev@m0#1 (issue 5)", "completed"));
    await clock.sleep(60 * 60_000);
    const later = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(later.tasks["build/dev@m0"]).toMatchObject({ status: "in_progress", errors: [] });
    expect(later.tasks["build/dev@m1"]!.errors).toEqual([expect.objectContaining({ kind: "timeout" })]);
    // m0's publish job commits its result.
    finishTask(repo, "build/dev@m0");
    const done = (await o.handle(ref, job("publish build/dev@m0#1 (issue 5)", "completed")))!;
    expect(done.tasks["build/dev@m0"]!.status).toBe("succeeded");
  });

  it("a timed-out attempt's run is cancelled once no other task's attempt works in it", async () => {
    const { side, cancelled } = timedOutModules();
    const clock = new VirtualClock(1_800_000_000_000);
    const o = orchestrator(githubPorts(createTestOctokit()), clock);
    await o.handle(ref, [label]);
    const [run] = [...side.runs.values()];
    const started = (task: string): Trigger => ({ kind: "job_started", task, attempt: 1, run: run!.id });
    await o.handle(ref, [started("build/dev@m0")]);
    await clock.sleep(3 * 60_000);
    await o.handle(ref, [started("build/dev@m1")]);
    // m0's attempt times out; m1's still works in the same run, which is left to finish.
    await clock.sleep(2.5 * 60_000);
    const first = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(first.tasks["build/dev@m0"]).toMatchObject({ attempt: 2, errors: [{ kind: "timeout" }] });
    expect(cancelled).toEqual([]);
    // m1's times out too: nothing of this execution works in the run any more.
    await clock.sleep(3 * 60_000);
    const second = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(second.tasks["build/dev@m1"]).toMatchObject({ attempt: 2, errors: [{ kind: "timeout" }] });
    expect(cancelled).toEqual([run!.id]);
    // The retries' runs are their own.
    expect(side.runs.size).toBeGreaterThan(1);
  });

  it("a run first heard of through its jobs (its dispatch record lost in a restart) is read by the tick when its end is lost", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    const side = fakeIssueSide(gh);
    const clock = new VirtualClock(1_800_000_000_000);
    // The dispatch's record (which run carries the attempt) waits for the next commit: a restart loses it.
    await orchestrator(githubPorts(createTestOctokit()), clock).handle(ref, [label]);
    const [run] = [...side.runs.values()];
    const o = orchestrator(githubPorts(createTestOctokit()), clock);
    const job = (trigger: Trigger) => o.handle(ref, [trigger]);
    await job({ kind: "job_started", task: "build/dev@m0", attempt: 1, run: run!.id });
    const ran = (await job({
      kind: "job_completed",
      delivery: "j1",
      task: "build/dev@m0",
      attempt: 1,
      run: run!.id,
      publish: false,
      conclusion: "success",
    }))!;
    expect(ran.tasks["build/dev@m0"]).toMatchObject({
      status: "in_progress",
      ref: `actions/runs/${run!.id}`,
    });
    // The publish job fails; its webhook and the run's are lost.
    Object.assign(run!, {
      status: "completed",
      conclusion: "failure",
      jobs: [
        { name: "build/dev@m0#1 (issue 5)", status: "completed", conclusion: "success" },
        { name: "publish build/dev@m0#1 (issue 5)", status: "completed", conclusion: "failure" },
      ],
    });
    await clock.sleep(5 * 60_000);
    const ticked = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(ticked.tasks["build/dev@m0"]!.errors).toEqual([
      expect.objectContaining({
        attempt: 1,
        kind: "no_result",
        message: "the job ended (failure) without a result record",
      }),
    ]);
  });

  it("a stopped attempt's run is left alone while another task whose run is not known is in flight", async () => {
    const { side, cancelled } = timedOutModules();
    const clock = new VirtualClock(1_800_000_000_000);
    // The dispatch record is lost in a restart: the run is learnt from m0's job only.
    await orchestrator(githubPorts(createTestOctokit()), clock).handle(ref, [label]);
    const [run] = [...side.runs.values()];
    const o = orchestrator(githubPorts(createTestOctokit()), clock);
    await o.handle(ref, [{ kind: "job_started", task: "build/dev@m0", attempt: 1, run: run!.id }]);
    // m0 times out; m1, still queued for a runner, may be in the same run.
    await clock.sleep(6 * 60_000);
    const state = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(state.tasks["build/dev@m0"]!.errors).toEqual([expect.objectContaining({ kind: "timeout" })]);
    expect(state.tasks["build/dev@m1"]!.status).toBe("queued");
    expect(cancelled).toEqual([]);
  });

  it("a publish job that ended without a result record fails the attempt", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    const side = fakeIssueSide(gh);
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const [run] = [...side.runs.values()];
    const [routed] = triggersOf(
      "workflow_job",
      withPatch(examplePayload("workflow_job", "completed"), {
        workflow_job: {
          name: "run / publish build/dev@m0#1 (issue 5)",
          run_id: run!.id,
          conclusion: "success",
        },
        repository: { name: "r", owner: { login: "o" } },
      } as never) as never,
      "p1",
      { label: "orchestrate" },
    );
    const state = await o.handle(ref, [routed!.trigger]);
    expect(state!.tasks["build/dev@m0"]!.errors).toEqual([
      expect.objectContaining({
        attempt: 1,
        kind: "no_result",
        message: "the job ended (success) without a result record",
      }),
    ]);
  });

  it("a result record claiming an impossible cost fails its attempt, saying why; the state stays readable", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    issueSide();
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const record = (task: string) => ({ execution: "o/r#5", task, attempt: 1, status: "succeeded" });
    const triggers = ["build/dev@m0", "build/dev@m1"].map((task, i): Trigger => {
      repo.git.branch(taskBranch(5, task), "orchestrate/issue-5");
      const sha = repo.git.commitFiles(taskBranch(5, task), {
        [resultPath(5, task)]:
          i === 0 ? JSON.stringify({ ...record(task), cost: { usd: 1e308 } }) : "{ not json",
      }).sha;
      return { kind: "result", delivery: `r${i}`, result: { issue: 5, task, attempt: 1, sha } };
    });
    const state = await o.handle(ref, triggers);
    expect(state!.tasks["build/dev@m0"]!.errors[0]).toMatchObject({
      kind: "result_invalid",
      message: expect.stringMatching(
        /dev@m0\.json is not a valid result record: cost\.usd: Too big: expected number to be <=1000000$/,
      ),
    });
    expect(state!.tasks["build/dev@m1"]!.errors[0]!.message).toMatch(
      /is not a valid result record: not JSON \(expected .+ \(line 1 column 3\)\)$/,
    );
    expect(state!.cost.usd).toBe(0);
    // Saved as read: the next batch loads it.
    expect((await o.handle(ref, [{ kind: "tick" }]))!.seq).toBeGreaterThanOrEqual(state!.seq);
  });

  it("a refused draft pull request for a gate costs nothing else: the other phase is dispatched, the gate waits", async () => {
    const repo = fakeRepo(gh, {
      files: {
        ".github/orchestrate.yml": `version: 1
policy: { max_concurrency: 1 }
agents:
  dev: { run: ./dev.sh }
  doc: { run: ./doc.sh }
phases:
  - { id: a, agents: [dev], gate: {}, estimate: 2h }
  - { id: b, agents: [doc], estimate: 1m }
`,
      },
    });
    const side = fakeIssueSide(gh);
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    expect(side.dispatches.map((d) => JSON.parse(d.tasks!)[0].id)).toEqual(["a/dev"]);
    // A private repository on GitHub Free has no draft pull requests.
    gh.on("POST /repos/{owner}/{repo}/pulls", () => [
      422,
      {
        message: "Validation Failed",
        errors: [
          {
            resource: "PullRequest",
            code: "custom",
            message: "Draft pull requests are not supported in this repository.",
          },
        ],
      },
    ]);
    const sha = (() => {
      const branch = taskBranch(5, "a/dev");
      repo.git.branch(branch, "orchestrate/issue-5");
      return repo.git.commitFiles(branch, {
        [resultPath(5, "a/dev")]: JSON.stringify({
          execution: "o/r#5",
          task: "a/dev",
          attempt: 1,
          status: "succeeded",
        }),
      }).sha;
    })();
    const state = await o.handle(ref, [
      { kind: "result", delivery: "r", result: { issue: 5, task: "a/dev", attempt: 1, sha } },
    ]);
    expect(state!.phase_state.a!.gate!.status).toBe("open");
    expect(side.dispatches.map((d) => JSON.parse(d.tasks!)[0].id)).toEqual(["a/dev", "b/doc"]);
    expect(side.comments.at(-1)!.body).toMatch(
      /^<!-- orchestrate:comment -->\nPhase `a` waits for approval, but its draft pull request could not be opened \(.*Draft pull requests are not supported.*\)\. Decide it with `\/orchestrate approve a`/,
    );
  });

  it("a command whose comment is gone before the 👀 reaction still counts", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    fakeIssueSide(gh);
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    gh.on("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", () => [
      404,
      { message: "Not Found", documentation_url: "https://docs.github.com/rest" },
    ]);
    const state = await o.handle(ref, [
      {
        kind: "comment",
        delivery: "c1",
        commentId: 77,
        user: "octocat",
        userType: "User",
        body: "/orchestrate cancel",
      },
    ]);
    expect(state!.status).toBe("cancelled");
  });

  it("an attempt queued long ago with no known run: the tick finds how its run ended, or that none ran it", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    const side = fakeIssueSide(gh);
    const clock = new VirtualClock(1_800_000_000_000);
    await orchestrator(githubPorts(createTestOctokit()), clock).handle(ref, [label]);
    // The process stops before the dispatch record is written: which run carries the batch is unknown.
    const [run] = [...side.runs.values()];
    const restarted = orchestrator(githubPorts(createTestOctokit()), clock);
    const tick = () => restarted.handle(ref, [{ kind: "tick" }]);
    await clock.sleep(5 * 60_000);
    expect((await tick())!.tasks["build/dev@m0"]!.status).toBe("queued");
    // Past ten minutes, but the run is still going: its end will tell.
    await clock.sleep(6 * 60_000);
    Object.assign(run!, { status: "in_progress" });
    expect((await tick())!.tasks["build/dev@m0"]!.status).toBe("queued");
    // It ended: m0's job failed without a result; m1's job wrote its result but its wake-up was lost.
    finishTask(repo, "build/dev@m1");
    Object.assign(run!, {
      status: "completed",
      conclusion: "failure",
      jobs: [
        { name: "build/dev@m0#1 (issue 5)", status: "completed", conclusion: "failure" },
        { name: "publish build/dev@m1#1 (issue 5)", status: "completed", conclusion: "success" },
      ],
    });
    const state = (await tick())!;
    expect(state.tasks["build/dev@m1"]!.status).toBe("succeeded");
    expect(state.tasks["build/dev@m0"]!.errors).toEqual([
      expect.objectContaining({
        attempt: 1,
        kind: "no_result",
        message: "the job ended (failure) without a result record",
      }),
    ]);
  });

  it("an attempt whose dispatch started no run fails after ten minutes and is retried", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    const side = fakeIssueSide(gh);
    const clock = new VirtualClock(1_800_000_000_000);
    await orchestrator(githubPorts(createTestOctokit()), clock).handle(ref, [label]);
    // The dispatch never turned into a run (the process stopped before sending it, say).
    side.runs.clear();
    const restarted = orchestrator(githubPorts(createTestOctokit()), clock);
    await clock.sleep(11 * 60_000);
    const state = (await restarted.handle(ref, [{ kind: "tick" }]))!;
    expect(state.tasks["build/dev@m0"]!.errors).toEqual([
      expect.objectContaining({
        attempt: 1,
        kind: "not_run",
        message: "no run of the agents workflow ran it (queued 11 minutes ago)",
      }),
    ]);
    await clock.sleep(2_000);
    const retried = (await restarted.handle(ref, [{ kind: "tick" }]))!;
    expect(retried.tasks["build/dev@m0"]!.attempt).toBe(2);
    expect(side.dispatches).toHaveLength(2);
  });

  it("a result whose wake-up was lost is found by the same read as another task's result", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    fakeIssueSide(gh);
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    // Both modules finish; only m1's repository_dispatch arrives.
    finishTask(repo, "build/dev@m0");
    const sha = finishTask(repo, "build/dev@m1");
    const before = gh.requests.length;
    const state = await o.handle(ref, [
      { kind: "result", delivery: "r1", result: { issue: 5, task: "build/dev@m1", attempt: 1, sha } },
    ]);
    expect(state!.tasks["build/dev@m0"]!.status).toBe("succeeded");
    expect(state!.tasks["build/dev@m1"]!.status).toBe("succeeded");
    // One GraphQL read for both records (and the branch heads), as for one result alone.
    const reads = gh.requests.slice(before).filter((r) => r.method === "GET" || r.path === "/graphql");
    expect(reads.filter((r) => r.path !== "/graphql")).toEqual([]);
  });

  it("a result pushed while the tick reads the run counts: the record is read again once the run ended", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    const side = fakeIssueSide(gh);
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const [run] = [...side.runs.values()];
    Object.assign(run!, {
      status: "completed",
      conclusion: "success",
      jobs: [{ name: "build/dev@m0#1 (issue 5)", status: "completed", conclusion: "success" }],
    });
    // The job pushes its result just as the tick, having found no record, reads the run.
    gh.on("GET /repos/{owner}/{repo}/actions/runs/{run_id}", () => {
      finishTask(repo, "build/dev@m0");
      return [200, { id: run!.id, status: "completed", conclusion: "success" }];
    });
    const state = await o.handle(ref, [{ kind: "tick" }]);
    expect(state!.tasks["build/dev@m0"]).toMatchObject({ status: "succeeded", errors: [] });
  });

  it("a run's jobs GitHub cannot list now hold back nothing else of the batch", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    const side = fakeIssueSide(gh);
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const [run] = [...side.runs.values()];
    gh.on("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs", () => [502, { message: "Bad gateway" }]);
    const state = await o.handle(ref, [
      { kind: "run_completed", delivery: "w", run: run!.id, conclusion: "failure" },
      { kind: "events", events: [{ id: "c1", type: "cancel_requested", by: "octocat", reason: "stop" }] },
    ]);
    expect(state!.status).toBe("cancelled");
  });

  it("flushing the dispatch records at the end of a run fires no timer (what it decides would be lost)", async () => {
    const repo = fakeRepo(gh, {
      files: {
        ".github/orchestrate.yml": plan(1).replace(
          "jitter: false }",
          "jitter: false }, timeout: { phase: 1m }",
        ),
      },
    });
    const side = fakeIssueSide(gh);
    const clock = new VirtualClock(1_800_000_000_000);
    const first = orchestrator(githubPorts(createTestOctokit()), clock);
    await first.handle(ref, [label]);
    await clock.sleep(120_000);
    await first.flush(ref);
    const events = () =>
      repo.git
        .readFile("orchestrate-state", "executions/5/events.jsonl")!
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).type as string);
    expect(events().slice(-1)).toEqual(["task_dispatched"]);
    // The next run fires the phase's time limit and carries it out (the check run says so).
    const state = await orchestrator(githubPorts(createTestOctokit()), clock).handle(ref, [{ kind: "tick" }]);
    expect(events()).toContain("timer_fired");
    expect(state!.tasks["build/dev@m0"]!.errors.map((e) => e.kind)).toEqual(["phase_timeout"]);
    expect([...side.checks.values()].map((c) => c.conclusion)).toEqual(["failure"]);
  });

  it("a run that ended before starting its jobs fails the tasks it carried (its webhook, or the tick)", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    const side = fakeIssueSide(gh);
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const [run] = [...side.runs.values()];
    Object.assign(run!, { status: "completed", conclusion: "startup_failure" });
    // The same process: the run is known from the dispatch record not written yet.
    const state = await o.handle(ref, [
      { kind: "run_completed", delivery: "w1", run: run!.id, conclusion: "startup_failure" },
    ]);
    for (const task of ["build/dev@m0", "build/dev@m1"]) {
      expect(state!.tasks[task]!.errors).toEqual([
        expect.objectContaining({
          kind: "not_run",
          message: `its workflow run ${run!.id} ended (startup_failure) without running its job`,
        }),
      ]);
    }
    // The failures' ids derive from the task attempts, so a redelivery or a tick finding the same
    // run again is a duplicate.
    const events = JSON.parse(
      `[${repo.git.readFile("orchestrate-state", "executions/5/events.jsonl")!.trim().split("\n").join(",")}]`,
    ) as { id: string; type: string }[];
    expect(events.filter((e) => e.type === "task_failed").map((e) => e.id)).toEqual([
      "job:build/dev@m0:1",
      "job:build/dev@m1:1",
    ]);
  });

  it("a conflicting fan-in blocks the task, names the tasks and files, and holds back its dependents", async () => {
    const repo = fakeRepo(gh, {
      files: {
        ".github/orchestrate.yml": `${plan(2)}  - { id: check, needs: [build], agents: [dev] }\n`,
        "src/app.ts": "export const v = 0;\n",
      },
    });
    const side = issueSide();
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    // Both modules change the same line of src/app.ts.
    const commit = (task: string, v: number) => {
      const branch = taskBranch(5, task);
      repo.git.branch(branch, "orchestrate/issue-5");
      return repo.git.commitFiles(branch, {
        "src/app.ts": `export const v = ${v};\n`,
        [resultPath(5, task)]: JSON.stringify({ execution: "o/r#5", task, attempt: 1, status: "succeeded" }),
      }).sha;
    };
    const a = commit("build/dev@m0", 1);
    const b = commit("build/dev@m1", 2);
    const state = await o.handle(ref, [
      { kind: "result", delivery: "a", result: { issue: 5, task: "build/dev@m0", attempt: 1, sha: a } },
      { kind: "result", delivery: "b", result: { issue: 5, task: "build/dev@m1", attempt: 1, sha: b } },
    ]);
    // m0 joined the working branch; m1 could not, so nothing that needs it was dispatched.
    expect(repo.git.head("orchestrate/issue-5")).toBe(a);
    expect(side.dispatches.flat().map((t) => t.id)).not.toContain("check/dev");
    expect(state!.tasks["build/dev@m0"]!.status).toBe("succeeded");
    expect(state!.tasks["build/dev@m1"]!.status).toBe("blocked");
    expect(state!.tasks["build/dev@m1"]!.reason).toContain("src/app.ts");
    expect(state!.conflicts).toEqual([
      { tasks: ["build/dev@m1", "build/dev@m0"], files: ["src/app.ts"], at: expect.any(Number) },
    ]);
    expect(state!.status).toBe("blocked");
    expect(side.comments.some((c) => /merge conflict.*build\/dev@m0.*src\/app\.ts/.test(c))).toBe(true);
    // retry: m1 runs again on the working branch that now holds m0's work, joins, and check starts.
    await o.handle(ref, [
      { kind: "events", events: [{ id: "retry-1", type: "retry_requested", by: "octocat" }] },
    ]);
    expect(side.dispatches.at(-1)).toEqual([expect.objectContaining({ id: "build/dev@m1", attempt: 2 })]);
    repo.git.refs.set(`refs/heads/${taskBranch(5, "build/dev@m1")}`, repo.git.head("orchestrate/issue-5")!);
    const again = repo.git.commitFiles(taskBranch(5, "build/dev@m1"), {
      "src/app.ts": "export const v = 3;\n",
      [resultPath(5, "build/dev@m1")]: JSON.stringify({
        execution: "o/r#5",
        task: "build/dev@m1",
        attempt: 2,
        status: "succeeded",
      }),
    }).sha;
    const after = await o.handle(ref, [
      { kind: "result", delivery: "b2", result: { issue: 5, task: "build/dev@m1", attempt: 2, sha: again } },
    ]);
    expect(repo.git.head("orchestrate/issue-5")).toBe(again);
    expect(after!.tasks["build/dev@m1"]!.status).toBe("succeeded");
    expect(side.dispatches.at(-1)).toEqual([expect.objectContaining({ id: "check/dev" })]);
  });

  it("keeps running, and records what it did, when the dashboard cannot be written", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    const side = issueSide();
    // The dashboard comment is refused once (the app lacked issues: write, since granted).
    let refused = false;
    const post = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
    gh.on(post, ({ body }) => {
      if (refused) return [201, { id: side.comments.push((body as { body: string }).body) }];
      refused = true;
      return [403, { message: "Resource not accessible by integration" }];
    });
    const logged: string[] = [];
    const o = new GitHubOrchestrator(githubPorts(createTestOctokit()), {
      clock: new VirtualClock(1_800_000_000_000),
      random: seededRandom(3),
      workflow: "orchestrate-agents.yml",
      log: (message, extra) => logged.push(`${message} ${JSON.stringify(extra)}`),
    });
    await o.handle(ref, [label]);
    expect(side.dispatches).toHaveLength(1);
    expect(logged.some((l) => /could not update the dashboard or check runs.*issues: write/.test(l))).toBe(
      true,
    );
    // The next result still applies; the dispatch confirmation rides along with its commit.
    const sha = finishTask(repo, "build/dev@m0");
    await o.handle(ref, [
      { kind: "result", delivery: "r", result: { issue: 5, task: "build/dev@m0", attempt: 1, sha } },
    ]);
    expect(events(repo).map((e) => e.type)).toContain("task_dispatched");
    expect(JSON.parse(repo.git.readFile("orchestrate-state", "executions/5/state.json")!).status).toBe(
      "succeeded",
    );
  });

  it("a check run GitHub refuses holds back no other phase's; it is tried again at the next tick", async () => {
    fakeRepo(gh, {
      files: {
        ".github/orchestrate.yml": `version: 1
agents:
  dev: { run: ./dev.sh }
phases:
  - { id: design, agents: [dev] }
  - { id: build, needs: [design], agents: [dev] }
  - { id: test, needs: [build], agents: [dev] }
`,
      },
    });
    const side = fakeIssueSide(gh);
    let refuse = true;
    gh.on("POST /repos/{owner}/{repo}/check-runs", ({ body }) => {
      const b = body as { name: string };
      if (refuse && b.name === "orchestrate / design") return [422, { message: "Invalid request" }];
      const id = side.checks.size + 1;
      side.checks.set(id, { id, node_id: `CR_${id}`, ...(body as object) });
      return [201, side.checks.get(id)];
    });
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const names = () => [...side.checks.values()].map((c) => (c as { name: string }).name).sort();
    expect(names()).toEqual(["orchestrate / build", "orchestrate / test"]);
    refuse = false;
    await o.handle(ref, [{ kind: "tick" }]);
    expect(names()).toEqual(["orchestrate / build", "orchestrate / design", "orchestrate / test"]);
  });

  it("task branches an earlier execution of the issue left are deleted when a new one starts: their results are not its own", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    const side = issueSide();
    // An earlier execution of issue 5 (its state since removed) left its task branches.
    repo.git.branch("orchestrate/issue-5", "main");
    finishTask(repo, "build/dev@m0");
    finishTask(repo, "build/dev@m1");
    repo.git.branch(taskBranch(6, "build/dev@m0"), "main");
    const o = orchestrator(githubPorts(createTestOctokit()));
    const state = (await o.handle(ref, [label]))!;
    expect(repo.git.head(taskBranch(5, "build/dev@m0"))).toBeUndefined();
    expect(repo.git.head(taskBranch(5, "build/dev@m1"))).toBeUndefined();
    // Another issue's are not touched.
    expect(repo.git.head(taskBranch(6, "build/dev@m0"))).toBeDefined();
    expect(side.comments.some((c) => c.includes("Deleted 2 task branches an earlier execution"))).toBe(true);
    expect(Object.values(state.tasks).map((t) => t.status)).toEqual(["queued", "queued"]);
    const ticked = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(Object.values(ticked.tasks).map((t) => t.status)).toEqual(["queued", "queued"]);
  });

  it("a second process that read no state before the first one's start landed deletes no task branch", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    issueSide();
    await orchestrator(githubPorts(createTestOctokit())).handle(ref, [label]);
    // The first execution's task job has committed its result.
    finishTask(repo, "build/dev@m0");
    // Another process read "no state" just before that start landed, and goes on creating it.
    const ports = githubPorts(createTestOctokit());
    const load = ports.store.load.bind(ports.store);
    let stale = true;
    ports.store.load = async (r, known) => {
      if (!stale) return load(r, known);
      stale = false;
      return undefined;
    };
    await orchestrator(ports).handle(ref, [label]);
    expect(repo.git.head(taskBranch(5, "build/dev@m0"))).toBeDefined();
  });

  it("a batch larger than one matrix takes several runs of the agents workflow, each within GitHub's limits", async () => {
    // Two phases of 150 (a phase has at most 256 tasks), ready together: one batch of 300.
    const two = plan(150).replace(
      / {2}- \{ id: build, (.*)\n/,
      (line, rest: string) => `${line}  - { id: check, ${rest}\n`,
    );
    fakeRepo(gh, {
      files: { ".github/orchestrate.yml": two.replace("max_concurrency: 150", "max_concurrency: 300") },
    });
    const side = issueSide();
    const state = (await orchestrator(githubPorts(createTestOctokit())).handle(ref, [label]))!;
    expect(side.dispatches.map((d) => d.length)).toEqual([MATRIX_JOBS, 300 - MATRIX_JOBS]);
    // Every task once (the phases' tasks interleaved, each phase getting its turn).
    expect(
      side.dispatches
        .flat()
        .map((t) => t.id)
        .sort(),
    ).toEqual(Object.keys(state.tasks).sort());
    expect(Object.values(state.tasks).every((t) => t.status === "queued")).toBe(true);
    // Long task names: the input's size decides.
    const long = (n: number) => ({ text: "x".repeat(n) });
    const parts = dispatchParts(
      Array.from({ length: 10 }, () => long(9_999)),
      (e) => e.text.length + 1,
    );
    expect(parts.map((p) => p.length)).toEqual([5, 5]);
    expect(parts.every((p) => 2 + p.length * 10_000 <= TASKS_INPUT_CHARS)).toBe(true);
  });

  it("the tick finds attempts whose job started (no workflow_job webhook): their time limit counts from the job's start", async () => {
    fakeRepo(gh, {
      files: {
        ".github/orchestrate.yml": plan(2).replace(
          "jitter: false }",
          "jitter: false }, timeout: { task: 5m }",
        ),
      },
    });
    const side = fakeIssueSide(gh);
    const clock = new VirtualClock(1_800_000_000_000);
    const o = orchestrator(githubPorts(createTestOctokit()), clock);
    await o.handle(ref, [label]);
    const [run] = [...side.runs.values()];
    await clock.sleep(60_000);
    // A runner took m0's job a minute after the dispatch; m1's still waits for one.
    Object.assign(run!, {
      status: "in_progress",
      jobs: [
        {
          name: "build/dev@m0#1 (issue 5)",
          status: "in_progress",
          conclusion: null,
          started_at: new Date(clock.now() - 30_000).toISOString(),
        },
        { name: "build/dev@m1#1 (issue 5)", status: "queued", conclusion: null },
      ],
    });
    const ticked = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(ticked.tasks["build/dev@m0"]).toMatchObject({
      status: "in_progress",
      started_at: clock.now() - 30_000,
    });
    expect(ticked.tasks["build/dev@m1"]!.status).toBe("queued");
    expect(Object.keys(ticked.timers)).toContain("timeout:build/dev@m0:1");
    // Five minutes after the job's start, the tick stops the attempt.
    await clock.sleep(5 * 60_000);
    const late = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(late.tasks["build/dev@m0"]!.errors.map((e) => e.kind)).toEqual(["timeout"]);
  });

  it("a record of an earlier attempt on the task branch is not the current attempt's result", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    const side = fakeIssueSide(gh);
    const clock = new VirtualClock(1_800_000_000_000);
    const o = orchestrator(githubPorts(createTestOctokit()), clock);
    await o.handle(ref, [label]);
    const commit = (task: string, record: Record<string, unknown>) => {
      const branch = taskBranch(5, task);
      if (!repo.git.head(branch)) repo.git.branch(branch, "orchestrate/issue-5");
      const full = { execution: "o/r#5", task, ...record };
      return repo.git.commitFiles(branch, { [resultPath(5, task)]: JSON.stringify(full) }).sha;
    };
    const result = (task: string, attempt: number, sha: string) =>
      o.handle(ref, [{ kind: "result", delivery: `r-${sha}`, result: { issue: 5, task, attempt, sha } }]);
    // Attempt 1 of m0 fails; policy retries it after its backoff, in a run of its own.
    const failed = commit("build/dev@m0", {
      attempt: 1,
      status: "failed",
      error: { kind: "error", message: "tests failed" },
    });
    let state = (await result("build/dev@m0", 1, failed))!;
    const firstError = { attempt: 1, kind: "error", message: "tests failed" };
    expect(state.tasks["build/dev@m0"]!.errors).toEqual([expect.objectContaining(firstError)]);
    await clock.sleep(1500);
    state = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(state.tasks["build/dev@m0"]).toMatchObject({ status: "queued", attempt: 2 });
    expect(side.runs.size).toBe(2);
    const retryRun = [...side.runs.keys()].at(-1)!;
    const current = (expected: string) => {
      const t = state.tasks["build/dev@m0"]!;
      expect(t).toMatchObject({ status: expected, attempt: 2 });
      expect(t.errors).toEqual([expect.objectContaining(firstError)]);
    };
    // While attempt 2 waits for a runner, the tick reads the branch: attempt 1's record is there.
    state = (await o.handle(ref, [{ kind: "tick" }]))!;
    current("queued");
    state = (await o.handle(ref, [
      { kind: "job_started", task: "build/dev@m0", attempt: 2, run: retryRun },
    ]))!;
    current("in_progress");
    state = (await o.handle(ref, [{ kind: "tick" }]))!;
    current("in_progress");
    // m1's result dispatch also reads m0's branch (one read for the batch): still attempt 1's record.
    state = (await result("build/dev@m1", 1, commit("build/dev@m1", { attempt: 1, status: "succeeded" })))!;
    expect(state.tasks["build/dev@m1"]!.status).toBe("succeeded");
    current("in_progress");
    // A dispatch naming attempt 2 at the commit of attempt 1's record changes nothing either.
    state = (await result("build/dev@m0", 2, failed))!;
    current("in_progress");
    // Attempt 2's own record counts.
    state = (await result("build/dev@m0", 2, commit("build/dev@m0", { attempt: 2, status: "succeeded" })))!;
    expect(state.tasks["build/dev@m0"]).toMatchObject({ status: "succeeded", attempt: 2 });
    expect(state.status).toBe("succeeded");
  });

  it("a record on a task's branch that names another task is not a valid result of it", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    fakeIssueSide(gh);
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const branch = taskBranch(5, "build/dev@m0");
    repo.git.branch(branch, "orchestrate/issue-5");
    // m0's job wrote m1's record (a succeeded one): it must not pass for m0's success.
    const sha = repo.git.commitFiles(branch, {
      [resultPath(5, "build/dev@m0")]: JSON.stringify({
        execution: "o/r#5",
        task: "build/dev@m1",
        attempt: 1,
        status: "succeeded",
      }),
    }).sha;
    const state = (await o.handle(ref, [
      { kind: "result", delivery: "r", result: { issue: 5, task: "build/dev@m0", attempt: 1, sha } },
    ]))!;
    expect(state.tasks["build/dev@m0"]!.errors).toEqual([
      {
        attempt: 1,
        kind: "result_invalid",
        message: `${resultPath(5, "build/dev@m0")} is not a valid result record: task: the record is for "build/dev@m1"`,
        at: expect.any(Number),
      },
    ]);
    expect(state.tasks["build/dev@m1"]!.status).toBe("queued");
  });

  it("a result an earlier execution's job commits after a new one started is not the new one's", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(2) } });
    const side = issueSide();
    const o = orchestrator(githubPorts(createTestOctokit()));
    const state = (await o.handle(ref, [label]))!;
    // Each task of the batch is marked as this execution's.
    expect(
      side.dispatches[0]!.map((t) => (t as { execution_created_at?: number }).execution_created_at),
    ).toEqual([state.created_at, state.created_at]);
    const commit = (task: string, created: number | undefined) => {
      const branch = taskBranch(5, task);
      if (!repo.git.head(branch)) repo.git.branch(branch, "orchestrate/issue-5");
      const record = {
        execution: "o/r#5",
        task,
        attempt: 1,
        status: "succeeded",
        execution_created_at: created,
      };
      return repo.git.commitFiles(branch, { [resultPath(5, task)]: JSON.stringify(record) }).sha;
    };
    const result = (task: string, sha: string) =>
      o.handle(ref, [{ kind: "result", delivery: `r-${sha}`, result: { issue: 5, task, attempt: 1, sha } }]);
    // A job of the issue's earlier execution (same task, same attempt number) ends now.
    let now = (await result("build/dev@m0", commit("build/dev@m0", state.created_at - 3_600_000)))!;
    expect(now.tasks["build/dev@m0"]!.status).toBe("queued");
    // The tick reads the branch: the record there is still the earlier execution's.
    now = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(now.tasks["build/dev@m0"]!.status).toBe("queued");
    // This execution's own, and one of a job that did not mark it, count.
    now = (await result("build/dev@m0", commit("build/dev@m0", state.created_at)))!;
    now = (await result("build/dev@m1", commit("build/dev@m1", undefined)))!;
    expect(now.status).toBe("succeeded");
  });

  it("a job of a run created before the execution is an earlier execution's: its end changes nothing", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    issueSide();
    const o = orchestrator(githubPorts(createTestOctokit()));
    const state = (await o.handle(ref, [label]))!;
    gh.on("GET /repos/{owner}/{repo}/actions/runs/{run_id}", ({ params }) => [
      200,
      {
        id: Number(params.run_id),
        status: "completed",
        conclusion: "failure",
        event: "workflow_dispatch",
        path: ".github/workflows/orchestrate-agents.yml",
        workflow_id: 1,
        head_repository: { full_name: "o/r" },
        created_at: new Date(state.created_at - 3_600_000).toISOString(),
      },
    ]);
    const job = {
      kind: "job_completed" as const,
      task: "build/dev@m0",
      attempt: 1,
      publish: false,
      conclusion: "failure",
    };
    const after = (await o.handle(ref, [{ ...job, delivery: "j1", run: 77 }]))!;
    expect(after.tasks["build/dev@m0"]).toMatchObject({ status: "queued", errors: [] });
  });

  it("a dashboard GitHub refused is written again at the next tick, though nothing changed", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    const side = issueSide();
    let refused = false;
    gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", ({ body }) => {
      if (refused) return [201, { id: side.comments.push((body as { body: string }).body) }];
      refused = true;
      return [403, { message: "Resource not accessible by integration" }];
    });
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    expect(side.comments).toEqual([]);
    await o.handle(ref, [{ kind: "tick" }]);
    expect(side.comments).toHaveLength(1);
    expect(side.comments[0]).toContain("<!-- orchestrate:dashboard -->");
  });

  it("never re-sends a workflow dispatch after a 5xx: the attempts wait for the tick to find their run, or that none ran them", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(3) } });
    let calls = 0;
    const side = fakeIssueSide(gh, {
      dispatchAnswer: () => (++calls === 1 ? [502, { message: "Bad gateway" }] : [204]),
    });
    const clock = new VirtualClock(1_800_000_000_000);
    const client = createOctokit({
      auth: "t",
      timing: { backoffUnitMs: 1, rateLimitUnitMs: 1, writeSpacingMs: 0 },
      throttleId: `t-${Math.random()}`,
    });
    const o = orchestrator(githubPorts(client), clock);
    const state = await o.handle(ref, [label]);
    expect(calls).toBe(1);
    // Nothing failed yet: GitHub may have started the run all the same.
    expect(Object.values(state!.tasks).map((t) => [t.status, t.errors.length])).toEqual([
      ["queued", 0],
      ["queued", 0],
      ["queued", 0],
    ]);
    await clock.sleep(5 * 60_000);
    await o.handle(ref, [{ kind: "tick" }]);
    expect(calls).toBe(1);
    // Ten minutes on, no run ran them: failed attempts, retried; the agent's circuit stays closed.
    await clock.sleep(6 * 60_000);
    const found = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(found.tasks["build/dev@m0"]!.errors).toEqual([expect.objectContaining({ kind: "not_run" })]);
    expect(found.circuits.dev ?? { state: "closed" }).toMatchObject({ state: "closed" });
    await clock.sleep(60_000);
    const retried = (await o.handle(ref, [{ kind: "tick" }]))!;
    expect(Object.values(retried.tasks).map((t) => [t.status, t.attempt])).toEqual([
      ["queued", 2],
      ["queued", 2],
      ["queued", 2],
    ]);
    expect(side.dispatches.flatMap((d) => JSON.parse(d.tasks!)).map((t) => t.attempt)).toEqual([2, 2, 2]);
    expect(side.comments.filter((c) => c.body.includes("circuit"))).toEqual([]);
  }, 30_000);

  it("a dispatch GitHub refuses (4xx) fails its attempts at once, without counting against the agent's circuit", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(3) } });
    fakeIssueSide(gh, {
      dispatchAnswer: () => [422, { message: 'Unexpected inputs provided: ["tasks"]' }],
    });
    const state = (await orchestrator(githubPorts(createTestOctokit())).handle(ref, [label]))!;
    expect(state.tasks["build/dev@m0"]!.errors).toEqual([
      expect.objectContaining({ kind: "dispatch", message: expect.stringContaining("Unexpected inputs") }),
    ]);
    expect(state.circuits.dev ?? { state: "closed" }).toMatchObject({ state: "closed" });
  });

  it("waits out a secondary rate limit (403 with retry-after) and then succeeds", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    let calls = 0;
    const side = issueSide(() =>
      ++calls === 1
        ? [
            403,
            { message: "You have exceeded a secondary rate limit" },
            { "retry-after": "1", "x-ratelimit-remaining": "10" },
          ]
        : [204],
    );
    const client = createOctokit({
      auth: "t",
      timing: { backoffUnitMs: 1, rateLimitUnitMs: 1, writeSpacingMs: 0 },
      throttleId: `t-${Math.random()}`,
    });
    await orchestrator(githubPorts(client)).handle(ref, [label]);
    expect(calls).toBe(2);
    expect(side.dispatches).toHaveLength(1);
  }, 30_000);

  it("reports a corrupt state file in the dashboard, once, and never overwrites it", async () => {
    const repo = fakeRepo(gh, { files: { ".github/orchestrate.yml": plan(1) } });
    const side = issueSide();
    const edits: string[] = [];
    gh.on("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", ({ params, body }) => {
      edits.push((body as { body: string }).body);
      return [200, { id: Number(params.comment_id) }];
    });
    const o = orchestrator(githubPorts(createTestOctokit()));
    await o.handle(ref, [label]);
    const saved = repo.git.head("orchestrate-state");
    repo.git.commitFiles("orchestrate-state", { "executions/5/state.json": '{"id": "o/r#5", "status": ' });
    const before = repo.git.head("orchestrate-state");
    const comments = side.comments.length;
    await o.handle(ref, [{ kind: "tick" }]);
    await o.handle(ref, [{ kind: "tick" }]);
    expect(edits.at(-1)).toContain("executions/5/state.json");
    expect(edits.at(-1)).toContain("left untouched");
    expect(side.comments).toHaveLength(comments);
    expect(repo.git.head("orchestrate-state")).toBe(before);
    // What the file holds is quoted inert: a key someone wrote there mentions no one, closes
    // nothing and makes no heading or image in the comment.
    const hostile = "\n\n@everyone <img src=https://evil.example/x.png> fixes #1\n\n# HEADING";
    const valid = JSON.parse(repo.git.readFile(saved!, "executions/5/state.json")!);
    repo.git.commitFiles("orchestrate-state", {
      "executions/5/state.json": JSON.stringify({ ...valid, tasks: { ...valid.tasks, [hostile]: 1 } }),
    });
    await o.handle(ref, [{ kind: "tick" }]);
    const shown = edits.at(-1)!;
    expect(shown).toContain("executions/5/state.json");
    expect(shown).not.toMatch(/(^|\s)@everyone/);
    expect(shown).not.toContain("<img");
    expect(shown).not.toMatch(/^# HEADING/m);
    expect(shown).not.toMatch(/fixes #1/);
  });
});
