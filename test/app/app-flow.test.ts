import { describe, expect, it } from "vitest";
import { orchestrateApp } from "../../src/app/app.ts";
import { RETRY_DELAYS_MS } from "../../src/app/host.ts";
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { resultPath, taskBranch } from "../../src/github/result-record.ts";
import { appOn as appOnRepo, REPOSITORY } from "../support/github/app.ts";
import { fakeIssueSide, fakeRepo, useGitHubMock } from "../support/github/index.ts";
import { examplePayload, webhookEvent, withPatch } from "../support/github/payloads.ts";
import { mockInstallationTokens, testProbot } from "../support/github/probot.ts";

const PLAN = `version: 1
policy: { max_concurrency: 4 }
agents:
  architect: { run: ./architect.sh }
  dev: { run: ./dev.sh }
  qa: { run: ./qa.sh }
phases:
  - { id: design, agents: [architect] }
  - { id: build, needs: [design], agents: [dev], matrix: { module: [api, web] } }
  - { id: test, needs: [build], agents: [qa] }
`;

const gh = useGitHubMock();
/** The app over a served repository with `files`. */
const appOn = (files: Record<string, string>, options: Parameters<typeof orchestrateApp>[0] = {}) =>
  appOnRepo(gh, files, options);

/** `issues.labeled` with the starting label, for issue `number` (with `patch` applied). */
function labeledIssue(number: number, patch: Record<string, unknown> = {}) {
  return withPatch(examplePayload("issues", "labeled"), {
    label: { name: "orchestrate" },
    issue: { number },
    repository: REPOSITORY,
    ...patch,
  });
}

describe("GitHub App: a labeled issue becomes an execution", () => {
  it("runs a 3-phase plan with a 2-module parallel phase from label to completion", async () => {
    mockInstallationTokens(gh);
    const repo = fakeRepo(gh, {
      owner: "Codertocat",
      repo: "Hello-World",
      files: { ".github/orchestrate.yml": PLAN, "src/app.ts": "export {};\n" },
    });
    const side = fakeIssueSide(gh);
    const clock = new VirtualClock(Date.parse("2026-11-22T00:00:00Z"));
    const { app, host } = orchestrateApp({
      clock,
      random: seededRandom(1),
      tickMs: 0,
      workflow: "orchestrate-agents.yml",
    });
    const probot = testProbot();
    await probot.load(app);

    const labeled = withPatch(examplePayload("issues", "labeled"), {
      label: { name: "orchestrate" },
      issue: {
        number: 7,
        title: "Signup system",
        body: "Project: signup\nRequirements: OAuth + 2FA\nStack: FastAPI + React",
      },
      repository: REPOSITORY,
    });
    await probot.receive(webhookEvent("issues", labeled, "label-7"));
    await host().queue.idle();

    // Execution created: working branch, state on the state branch, dashboard, one check per phase, first dispatch.
    expect(repo.git.head("orchestrate/issue-7")).toBeDefined();
    expect(JSON.parse(repo.git.readFile("orchestrate-state", "executions/7/state.json")!).status).toBe(
      "running",
    );
    expect(side.comments.some((c) => c.body.startsWith("<!-- orchestrate:dashboard -->"))).toBe(true);
    expect([...side.checks.values()].map((c) => c.name)).toEqual([
      "orchestrate / design",
      "orchestrate / build",
      "orchestrate / test",
    ]);
    expect(side.dispatches).toHaveLength(1);
    expect(JSON.parse(side.dispatches[0]!.tasks!).map((t: { id: string }) => t.id)).toEqual([
      "design/architect",
    ]);

    // Each task job commits a result record to its branch and sends orchestrate-result.
    const complete = async (task: string, attempt = 1) => {
      const branch = taskBranch(7, task);
      repo.git.branch(branch, "orchestrate/issue-7");
      const commit = repo.git.commitFiles(branch, {
        [resultPath(7, task)]: JSON.stringify({
          execution: "Codertocat/Hello-World#7",
          task,
          attempt,
          status: "succeeded",
          summary: `${task} done`,
          cost: { usd: 0.5, tokens: 100 },
        }),
        [`work/${task.replace(/\W/g, "-")}.md`]: `# ${task}\n`,
      });
      const dispatch = withPatch(examplePayload("repository_dispatch"), {
        action: "orchestrate-result",
        branch: "main",
        client_payload: { issue: 7, task, attempt, sha: commit.sha },
        repository: REPOSITORY,
      } as never);
      await probot.receive(webhookEvent("repository_dispatch", dispatch));
    };
    await complete("design/architect");
    await host().queue.idle();
    expect(
      JSON.parse(side.dispatches[1]!.tasks!)
        .map((t: { id: string }) => t.id)
        .sort(),
    ).toEqual(["build/dev@api", "build/dev@web"]);
    // The two modules report at once: both recorded exactly once, in one queue.
    await Promise.all([complete("build/dev@api"), complete("build/dev@web")]);
    await host().queue.idle();
    expect(JSON.parse(side.dispatches[2]!.tasks!).map((t: { id: string }) => t.id)).toEqual(["test/qa"]);
    await complete("test/qa");
    await host().queue.idle();

    const state = JSON.parse(repo.git.readFile("orchestrate-state", "executions/7/state.json")!);
    expect(state.status).toBe("succeeded");
    expect(state.cost).toEqual({ usd: 2, tokens: 400 });
    // Fan-in: every task branch was merged into the working branch.
    expect(repo.git.readFile("orchestrate/issue-7", "work/build-dev-api.md")).toBe("# build/dev@api\n");
    expect(repo.git.readFile("orchestrate/issue-7", "work/test-qa.md")).toBe("# test/qa\n");
    // Check runs final, dashboard final, closing report.
    expect([...side.checks.values()].map((c) => c.conclusion)).toEqual(["success", "success", "success"]);
    const dashboard = side.comments.find((c) => c.body.startsWith("<!-- orchestrate:dashboard -->"))!;
    expect(dashboard.body).toContain("## Orchestrate: ✅ succeeded");
    expect(side.comments.at(-1)!.body).toContain("# Orchestrate report: Codertocat/Hello-World#7");
    const events = repo.git.readFile("orchestrate-state", "executions/7/events.jsonl")!.trim().split("\n");
    expect(events.filter((l) => l.includes('"task_succeeded"'))).toHaveLength(4);
    // Each success is followed by the record of its fan-in, in the same commit.
    const types = events.map((l) => JSON.parse(l).type as string);
    expect(types.filter((t) => t === "merge_succeeded")).toHaveLength(4);
    for (const [i, t] of types.entries())
      if (t === "task_succeeded") expect(types[i + 1]).toBe("merge_succeeded");
    // The request budget, per route: state saves, result reads and status edits are one GraphQL
    // request each; check runs are created once and then edited together with the dashboard.
    expect(gh.countByRoute()).toEqual({
      "POST /app/installations/{installation_id}/access_tokens": 1,
      "GET /repos/{owner}/{repo}/issues/{issue_number}": 1,
      "GET /repos/{owner}/{repo}/collaborators/{username}/permission": 1,
      "GET /repos/{owner}/{repo}": 1,
      "GET /repos/{owner}/{repo}/contents/{path}": 1,
      "GET /repos/{owner}/{repo}/git/trees/{tree_sha}": 1,
      "GET /repos/{owner}/{repo}/git/ref/{ref}": 4,
      // Task branches an earlier execution of the issue may have left (none here).
      "GET /repos/{owner}/{repo}/git/matching-refs/{ref}": 1,
      "POST /repos/{owner}/{repo}/git/refs": 2,
      "POST /repos/{owner}/{repo}/git/trees": 1,
      "POST /repos/{owner}/{repo}/git/commits": 1,
      // Start (the REST commit above), then one per batch of results, merges recorded with them:
      // design; the two modules, delivered together, in one batch; test.
      "POST /graphql createCommitOnBranch": 3,
      "POST /graphql repository": 3,
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches": 3,
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": 1,
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": 2,
      "POST /repos/{owner}/{repo}/check-runs": 3,
      "POST /graphql updateIssueComment": 3,
      // Fan-in: a task commit made on the working branch head is fast-forwarded to; the second
      // of two parallel modules is merged.
      "PATCH /repos/{owner}/{repo}/git/refs/{ref}": 3,
      "POST /repos/{owner}/{repo}/merges": 1,
    });

    // Redelivery of the label and of a result changes nothing and starts no second execution.
    const comments = side.comments.length;
    await probot.receive(webhookEvent("issues", labeled, "label-7"));
    await complete("test/qa");
    await host().queue.idle();
    expect(side.dispatches).toHaveLength(3);
    expect(
      repo.git.readFile("orchestrate-state", "executions/7/events.jsonl")!.trim().split("\n"),
    ).toHaveLength(events.length);
    expect(side.comments).toHaveLength(comments);
    // Labeled again by someone: nothing starts, and they are told why and what they can do.
    await probot.receive(webhookEvent("issues", labeled, "label-7-again"));
    await host().queue.idle();
    expect(side.dispatches).toHaveLength(3);
    expect(side.comments.slice(comments).map((c) => c.body)).toEqual([
      expect.stringMatching(/execution already ran \(succeeded\).*\/orchestrate retry/),
    ]);
  });

  it("a labeler without write permission gets one reply and nothing starts", async () => {
    const { repo, side, receive } = await appOn({ ".github/orchestrate.yml": PLAN });
    await receive("issues", labeledIssue(8, { sender: { login: "reader" } }));
    expect(side.comments).toHaveLength(1);
    expect(side.comments[0]!.body).toContain("only people with write access");
    expect(repo.git.head("orchestrate-state")).toBeUndefined();
    expect(side.dispatches).toHaveLength(0);
  });

  it("a label event that arrives after the label was removed or the issue closed starts nothing", async () => {
    const { repo, side, receive } = await appOn({ ".github/orchestrate.yml": PLAN });
    // Redelivered late, or overtaken by its unlabel: GitHub says the issue has no label now.
    side.unlabeled.add(8);
    await receive("issues", labeledIssue(8));
    side.closed.add(9);
    await receive("issues", labeledIssue(9));
    expect(repo.git.head("orchestrate-state")).toBeUndefined();
    expect(side.comments).toHaveLength(0);
    expect(side.dispatches).toHaveLength(0);
    // The label still there: it starts.
    await receive("issues", labeledIssue(10));
    expect(side.dispatches).toHaveLength(1);
  });

  it("an agents run that failed before its jobs started fails its tasks, which are dispatched again", async () => {
    const { side, receive } = await appOn({
      ".github/orchestrate.yml": PLAN.replace(
        "max_concurrency: 4",
        "max_concurrency: 4, retry: { initial_interval: 0s, jitter: false }",
      ),
    });
    await receive("issues", labeledIssue(11));
    const [run] = [...side.runs.values()];
    Object.assign(run!, { status: "completed", conclusion: "startup_failure" });
    // GitHub's webhook for the run, as it sends it (the agents workflow ran on the working branch).
    await receive(
      "workflow_run",
      withPatch(examplePayload("workflow_run", "completed"), {
        workflow_run: {
          id: run!.id,
          head_branch: "orchestrate/issue-11",
          event: "workflow_dispatch",
          conclusion: "failure",
        },
        repository: REPOSITORY,
      }),
    );
    expect(side.dispatches).toHaveLength(2);
    expect(JSON.parse(side.dispatches[1]!.tasks!)).toEqual([
      expect.objectContaining({ id: "design/architect", attempt: 2 }),
    ]);
  });

  it("a command whose handling failed (GitHub down for a moment) is handled again half a minute later", async () => {
    const clock = new VirtualClock(Date.parse("2026-11-22T00:00:00Z"));
    const { repo, side, host, receive } = await appOn({ ".github/orchestrate.yml": PLAN }, { clock });
    await receive("issues", labeledIssue(12));
    const state = () => JSON.parse(repo.git.readFile("orchestrate-state", "executions/12/state.json")!);
    let down = 1;
    gh.on("GET /repos/{owner}/{repo}/collaborators/{username}/permission", () =>
      down-- > 0
        ? [502, { message: "Server Error" }]
        : [200, { permission: "admin", role_name: "admin", user: null }],
    );
    const cancel = withPatch(examplePayload("issue_comment", "created"), {
      issue: { number: 12 },
      comment: { id: 1201, body: "/orchestrate cancel", user: { login: "alice", type: "User" } },
      repository: REPOSITORY,
    });
    await receive("issue_comment", cancel);
    expect(state().status).toBe("running");
    // Half a minute on, it is handled again: GitHub answers now.
    await clock.sleep(RETRY_DELAYS_MS[0]);
    await host().queue.idle();
    expect(state().status).toBe("cancelled");
    expect(side.comments.at(-1)!.body).toContain("cancelled");
  });

  it("an unlabel handled after the issue was labeled again stops nothing", async () => {
    const { repo, side, receive } = await appOn({ ".github/orchestrate.yml": PLAN });
    await receive("issues", labeledIssue(13));
    const state = () => JSON.parse(repo.git.readFile("orchestrate-state", "executions/13/state.json")!);
    const unlabeled = (id: string) =>
      receive(
        "issues",
        withPatch(examplePayload("issues", "unlabeled"), {
          label: { name: "orchestrate" },
          issue: { number: 13 },
          repository: REPOSITORY,
          sender: { login: "alice" },
        } as never),
        id,
      );
    // Late (redelivered, or handled again after a failure): GitHub says the issue is labeled again.
    await unlabeled("u1");
    expect(state().status).toBe("running");
    // Removed for real: it stops.
    side.unlabeled.add(13);
    await unlabeled("u2");
    expect(state().status).toBe("cancelled");
  });

  it("an invalid plan gets one comment listing every problem with its line, and no execution", async () => {
    const { repo, side, receive } = await appOn({
      ".github/orchestrate.yml":
        "version: 1\npolicy: { max_concurency: 2 }\nphases: [{ id: a, agents: [ghost] }]\n",
    });
    await receive("issues", labeledIssue(9));
    expect(side.comments).toHaveLength(1);
    expect(side.comments[0]!.body).toContain(".github/orchestrate.yml:2:11: policy.max_concurency");
    expect(side.comments[0]!.body).toContain(
      '.github/orchestrate.yml:3:28: phases[0].agents[0]: unknown agent "ghost"',
    );
    expect(repo.git.head("orchestrate-state")).toBeUndefined();
  });

  it("after a restart, a lost result webhook is recovered by reconciling the repository's executions", async () => {
    mockInstallationTokens(gh);
    const repo = fakeRepo(gh, {
      owner: "Codertocat",
      repo: "Hello-World",
      files: { ".github/orchestrate.yml": PLAN },
    });
    const side = fakeIssueSide(gh);
    const first = orchestrateApp({ tickMs: 0 });
    const probot = testProbot();
    await probot.load(first.app);
    const labeled = (issue: number) =>
      withPatch(examplePayload("issues", "labeled"), {
        label: { name: "orchestrate" },
        issue: { number: issue },
        repository: REPOSITORY,
      });
    await probot.receive(webhookEvent("issues", labeled(7)));
    await first.host().queue.idle();
    // The design task's job commits its result, but the wake-up never arrives.
    const branch = taskBranch(7, "design/architect");
    repo.git.branch(branch, "orchestrate/issue-7");
    repo.git.commitFiles(branch, {
      [resultPath(7, "design/architect")]: JSON.stringify({
        execution: "Codertocat/Hello-World#7",
        task: "design/architect",
        attempt: 1,
        status: "succeeded",
      }),
    });
    // A new process (no memory of issue 7) hears about another issue of the repository.
    const second = orchestrateApp({ tickMs: 0 });
    const restarted = testProbot();
    await restarted.load(second.app);
    await restarted.receive(webhookEvent("issues", labeled(8)));
    await second.host().queue.idle();
    const state = JSON.parse(repo.git.readFile("orchestrate-state", "executions/7/state.json")!);
    expect(state.tasks["design/architect"].status).toBe("succeeded");
    expect(side.dispatches.some((d) => d.issue === "7" && d.tasks!.includes("build/dev@api"))).toBe(true);
  });
});

describe("app start", () => {
  it("discovers the executions of every installation's repositories and reconciles them", async () => {
    mockInstallationTokens(gh);
    const repo = fakeRepo(gh, {
      owner: "Codertocat",
      repo: "Hello-World",
      files: { ".github/orchestrate.yml": PLAN },
    });
    const side = fakeIssueSide(gh);
    // An execution started earlier, whose first task's result was committed but never announced.
    const first = orchestrateApp({ tickMs: 0 });
    const probot = testProbot();
    await probot.load(first.app);
    const labeled = withPatch(examplePayload("issues", "labeled"), {
      label: { name: "orchestrate" },
      issue: { number: 7 },
      repository: REPOSITORY,
    });
    await probot.receive(webhookEvent("issues", labeled));
    await first.host().queue.idle();
    const branch = taskBranch(7, "design/architect");
    repo.git.branch(branch, "orchestrate/issue-7");
    repo.git.commitFiles(branch, {
      [resultPath(7, "design/architect")]: JSON.stringify({
        execution: "Codertocat/Hello-World#7",
        task: "design/architect",
        attempt: 1,
        status: "succeeded",
      }),
    });
    gh.on("GET /app/installations", () => [
      200,
      [{ id: 12345, account: null, app_id: 1, target_type: "Organization" }],
    ]);
    gh.on("GET /installation/repositories", () => [
      200,
      {
        total_count: 1,
        repositories: [
          { id: 1, name: "Hello-World", full_name: "Codertocat/Hello-World", owner: { login: "Codertocat" } },
        ],
      },
    ]);
    const restarted = orchestrateApp({ tickMs: 0 });
    const probot2 = testProbot();
    await probot2.load(restarted.app);
    await restarted.host().discoverAll();
    await restarted.host().queue.idle();
    const state = JSON.parse(repo.git.readFile("orchestrate-state", "executions/7/state.json")!);
    expect(state.tasks["design/architect"].status).toBe("succeeded");
    expect(side.dispatches.some((d) => d.tasks!.includes("build/dev@api"))).toBe(true);
  });

  it("edits a check run over REST when the batched GraphQL update of it is refused", async () => {
    const { repo, side, receive } = await appOn(
      { ".github/orchestrate.yml": PLAN },
      { random: seededRandom(1) },
    );
    await receive(
      "issues",
      labeledIssue(7, { issue: { number: 7, title: "Signup", body: "Project: signup" } }),
    );
    // GitHub refuses every check run field of the batch; the dashboard field goes through.
    gh.onGraphQLField("updateCheckRun", () => {
      throw new Error("Something went wrong while executing your query.");
    });
    const task = "design/architect";
    repo.git.branch(taskBranch(7, task), "orchestrate/issue-7");
    const sha = repo.git.commitFiles(taskBranch(7, task), {
      [resultPath(7, task)]: JSON.stringify({
        execution: "Codertocat/Hello-World#7",
        task,
        attempt: 1,
        status: "succeeded",
      }),
    }).sha;
    const before = gh.requests.length;
    await receive(
      "repository_dispatch",
      withPatch(examplePayload("repository_dispatch"), {
        action: "orchestrate-result",
        branch: "main",
        client_payload: { issue: 7, task, attempt: 1, sha },
        repository: REPOSITORY,
      } as never),
    );
    const routes = gh.requests.slice(before).map((r) => r.route);
    expect(routes.filter((r) => r === "POST /graphql updateIssueComment")).toHaveLength(1);
    expect(routes.filter((r) => r === "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}")).toHaveLength(
      2,
    );
    expect([...side.checks.values()].map((c) => [c.name, c.status, c.conclusion])).toEqual([
      ["orchestrate / design", "completed", "success"],
      ["orchestrate / build", "in_progress", undefined],
      ["orchestrate / test", "queued", undefined],
    ]);
  });
});
