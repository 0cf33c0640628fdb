import { describe, expect, it } from "vitest";
import type { ExecutionState } from "../../src/core/state/types.ts";
import { resultPath, taskBranch } from "../../src/github/result-record.ts";
import { fakeRepo, useGitHubMock } from "../support/github/index.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";
import {
  eventFile,
  fakeIssueSide,
  jobEnv,
  labeledPayload,
  OWNER,
  PLAN,
  REPO,
  runIn,
  TOKEN,
} from "./helpers.ts";

const gh = useGitHubMock();

function orchestrate(event: string, payload: unknown) {
  return runIn(
    jobEnv(
      { mode: "orchestrate", "github-token": TOKEN },
      { GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: eventFile(payload) },
    ),
  );
}

function setup() {
  const repo = fakeRepo(gh, { owner: OWNER, repo: REPO, files: { ".github/orchestrate.yml": PLAN } });
  return { repo, side: fakeIssueSide(gh) };
}

function stateOf(repo: ReturnType<typeof setup>["repo"]): ExecutionState {
  return JSON.parse(repo.git.readFile("orchestrate-state", "executions/1/state.json")!) as ExecutionState;
}

/** A real payload of a manual run of the orchestrator workflow, in this repository. */
function manualRun() {
  return {
    ...examplePayload("workflow_dispatch"),
    repository: examplePayload("issues", "labeled").repository,
  };
}

describe("mode orchestrate", () => {
  it("starts an execution for a labeled issue and dispatches the agents workflow", async () => {
    const { repo, side } = setup();
    const run = await orchestrate("issues", labeledPayload());
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({ status: "handled", executions: JSON.stringify([`${OWNER}/${REPO}#1`]) });
    expect(repo.git.head("orchestrate/issue-1")).toBeDefined();
    expect(stateOf(repo).tasks["design/architect"]?.status).toBe("queued");
    expect(side.workflowDispatches).toHaveLength(1);
    expect(run.summary).toContain(`| ${OWNER}/${REPO}#1 | labeled, tick | running |`);
  });

  it("refuses a labeler without write access, and changes nothing", async () => {
    const { repo, side } = setup();
    const run = await orchestrate("issues", labeledPayload("reader"));
    expect(run.code).toBe(0);
    expect(side.comments[0]?.body).toMatch(
      /^<!-- orchestrate:comment -->\n@reader only people with write access can start Orchestrate/,
    );
    expect(repo.git.head("orchestrate-state")).toBeUndefined();
    expect(run.outputs.status).toBe("handled");
  });

  it("hears the bots of `allow-bots` and ignores the others", async () => {
    const { side } = setup();
    await orchestrate("issues", labeledPayload());
    const comment = (login: string) =>
      withPatch(examplePayload("issue_comment", "created"), {
        issue: { number: 1 },
        comment: { id: 900, body: "/orchestrate status", user: { login, type: "Bot" } },
        repository: labeledPayload().repository,
      });
    const run = (login: string) =>
      runIn(
        jobEnv(
          { mode: "orchestrate", "github-token": TOKEN, "allow-bots": "renovate[bot], other" },
          { GITHUB_EVENT_NAME: "issue_comment", GITHUB_EVENT_PATH: eventFile(comment(login)) },
        ),
      );
    const before = side.comments.length;
    expect((await run("dependabot[bot]")).code).toBe(0);
    expect((await run("github-actions[bot]")).code).toBe(0);
    expect(side.comments.length).toBe(before);
    expect((await run("renovate[bot]")).code).toBe(0);
    expect(side.comments.length).toBe(before + 1);
  });

  it("with a personal token, finds the dashboard its user wrote (asks GitHub who that is)", async () => {
    setup();
    gh.on("GET /user", () => [200, { login: "octo-user", id: 1, type: "User" }]);
    const pat = "ghp_personalTokenForTheTest0000000000000";
    const mine = {
      id: 77,
      node_id: "IC_77",
      body: "<!-- orchestrate:dashboard -->\nold",
      user: { login: "octo-user", id: 1, type: "User" },
      created_at: "2025-01-01T00:00:00Z",
    };
    gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", () => [200, [mine]]);
    const edited: number[] = [];
    gh.on("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", ({ params, body }) => {
      edited.push(Number(params.comment_id));
      return [200, { ...mine, body: (body as { body: string }).body }];
    });
    const run = await runIn(
      jobEnv(
        { mode: "orchestrate", "github-token": pat },
        { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: eventFile(labeledPayload()) },
      ),
    );
    expect(run.errors).toEqual([]);
    expect(edited).toEqual([77]);
    expect(gh.requests.filter((r) => r.route === "GET /user")).toHaveLength(1);
  });

  it("is idle for an event that concerns no execution, without a GitHub request", async () => {
    const run = await orchestrate("issues", examplePayload("issues", "opened"));
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({ status: "idle", executions: "[]" });
    expect(gh.requests).toEqual([]);
  });

  it("reconciles every execution on a tick: a result whose dispatch was lost is applied", async () => {
    const { repo, side } = setup();
    await orchestrate("issues", labeledPayload());
    // The design task committed its result, but no orchestrate-result dispatch arrived.
    const branch = taskBranch(1, "design/architect");
    repo.git.branch(branch, "orchestrate/issue-1");
    repo.git.commitFiles(branch, {
      ".orchestrate/issue-1/artifacts/design__architect/design.md": "# Design\n",
      [resultPath(1, "design/architect")]: JSON.stringify({
        execution: `${OWNER}/${REPO}#1`,
        task: "design/architect",
        attempt: 1,
        status: "succeeded",
        artifacts: [{ name: "design", path: "design.md" }],
      }),
    });
    const run = await orchestrate("workflow_dispatch", manualRun());
    expect(run.errors).toEqual([]);
    expect(stateOf(repo).tasks["design/architect"]?.status).toBe("succeeded");
    expect(JSON.parse(side.workflowDispatches.at(-1)!.inputs.tasks!)).toEqual([
      expect.objectContaining({ id: "build/dev", attempt: 1 }),
    ]);
  });

  it("turns a finished agents run into job results: a job that left no record failed", async () => {
    const { repo, side } = setup();
    await orchestrate("issues", labeledPayload());
    // The dispatch's run is kept with the state: nothing else remembers it between workflow runs.
    const [dispatched] = [...side.runs.values()];
    expect(stateOf(repo).tasks["design/architect"]!.ref).toBe(
      `https://github.com/${OWNER}/${REPO}/actions/runs/${dispatched!.id}`,
    );
    const finished = (id: number, conclusion: "success" | "failure") =>
      withPatch(examplePayload("workflow_run", "completed"), {
        workflow_run: { id, head_branch: "orchestrate/issue-1", event: "workflow_dispatch", conclusion },
      });
    // Another run of the working branch ending concerns none of its tasks: not even its jobs are read.
    const before = gh.requests.length;
    expect((await orchestrate("workflow_run", finished(77, "success"))).errors).toEqual([]);
    expect(gh.requests.slice(before).filter((r) => r.route?.includes("/jobs"))).toEqual([]);
    expect(stateOf(repo).tasks["design/architect"]!.errors).toEqual([]);

    Object.assign(dispatched!, {
      status: "completed",
      conclusion: "failure",
      jobs: [
        { name: "run / design/architect#1 (issue 1)", status: "completed", conclusion: "failure" },
        { name: "lint", status: "completed", conclusion: "success" },
      ],
    });
    const run = await orchestrate("workflow_run", finished(dispatched!.id, "failure"));
    expect(run.errors).toEqual([]);
    const task = stateOf(repo).tasks["design/architect"]!;
    expect(task.errors[0]).toMatchObject({
      attempt: 1,
      kind: "no_result",
      message: "the job ended (failure) without a result record",
    });
  });

  it("fails the tasks of a run that ended before starting their jobs", async () => {
    const { repo, side } = setup();
    await orchestrate("issues", labeledPayload());
    const [dispatched] = [...side.runs.values()];
    Object.assign(dispatched!, { status: "completed", conclusion: "failure", jobs: [] });
    const payload = withPatch(examplePayload("workflow_run", "completed"), {
      workflow_run: {
        id: dispatched!.id,
        head_branch: "orchestrate/issue-1",
        event: "workflow_dispatch",
        conclusion: "failure",
      },
    });
    expect((await orchestrate("workflow_run", payload)).errors).toEqual([]);
    expect(stateOf(repo).tasks["design/architect"]!.errors[0]).toMatchObject({
      attempt: 1,
      kind: "not_run",
      message: `its workflow run ${dispatched!.id} ended (failure) without running its job`,
    });
  });

  it("reports a GitHub failure as one error line and fails the step", async () => {
    fakeRepo(gh, { owner: OWNER, repo: REPO, files: { ".github/orchestrate.yml": PLAN } });
    const refused = () =>
      [
        401,
        { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" },
      ] as const;
    gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}", refused);
    gh.on("GET /repos/{owner}/{repo}/collaborators/{username}/permission", refused);
    const run = await orchestrate("issues", labeledPayload());
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/^::error::Codertocat\/Hello-World#1: .*Bad credentials/);
    expect(run.outputs.status).toBe("failed");
  });

  it("needs the event: a missing payload file is one error", async () => {
    const run = await runIn(
      jobEnv(
        { mode: "orchestrate", "github-token": TOKEN },
        { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: "/nonexistent/event.json" },
      ),
    );
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      expect.stringMatching(/^::error::cannot read the event payload \/nonexistent\/event.json/),
    ]);
  });
});
