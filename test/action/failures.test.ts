/** The Action when a job is re-run, an input is wrong, or GitHub refuses or fails part-way. */
import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
  resultPayload,
  runIn,
  startExecution,
  TOKEN,
} from "./helpers.ts";

const gh = useGitHubMock();
const BRANCH = taskBranch(1, "design/architect");

/** An execution for issue #1 started in orchestrate mode (the fakes' handlers kept by route). */
const started = (plan = PLAN) => startExecution(gh, plan);

const taskEnv = (task: unknown, inputs: Record<string, string> = {}) =>
  jobEnv({ mode: "task", "github-token": TOKEN, task: JSON.stringify(task), issue: "1", ...inputs });

describe("the Action when things go wrong", () => {
  it("a re-run of a failed task job whose attempt the execution recorded runs nothing and says what comes next", async () => {
    const plan = PLAN.replace(
      `run: 'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'`,
      `run: 'test -n "$ORCHESTRATE_TEST_PASS" || exit 3; printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"'`,
    );
    expect(plan).not.toBe(PLAN);
    const { repo, side, tasks } = await started(plan);
    const first = await runIn(taskEnv(tasks[0]));
    expect(first.code).toBe(1);
    // The orchestrator records the failed attempt (its result dispatch arrives).
    await runIn(
      jobEnv(
        { mode: "orchestrate", "github-token": TOKEN },
        {
          GITHUB_EVENT_NAME: "repository_dispatch",
          GITHUB_EVENT_PATH: eventFile(resultPayload(side.resultDispatches[0]!.client_payload as never)),
        },
      ),
    );
    const head = repo.git.head(BRANCH);
    // "Re-run failed jobs": the same matrix entry, attempt 1 again (the agent would now succeed).
    process.env.ORCHESTRATE_TEST_PASS = "1";
    let rerun: Awaited<ReturnType<typeof runIn>>;
    try {
      rerun = await runIn(taskEnv(tasks[0]));
    } finally {
      delete process.env.ORCHESTRATE_TEST_PASS;
    }
    expect(rerun.code).toBe(0);
    expect(rerun.outputs.status).toBe("stale");
    expect(rerun.lines.join("\n")).toContain(
      "attempt 1 of design/architect already ended in the execution (now pending): nothing to run here; its next attempt is scheduled",
    );
    // Nothing was committed or announced for it.
    expect(repo.git.head(BRANCH)).toBe(head);
    expect(side.resultDispatches).toHaveLength(1);
  });

  it("a job run again before the orchestrator applied its first run's result commits nothing twice", async () => {
    const { repo, side, tasks } = await started();
    const first = await runIn(taskEnv(tasks[0]));
    expect(first.code).toBe(0);
    expect(first.lines.some((l) => l.includes("design done"))).toBe(true);
    const head = repo.git.head(BRANCH);
    // "Re-run all jobs" right away: the execution still shows the attempt in flight.
    const again = await runIn(taskEnv(tasks[0]));
    expect(again.code).toBe(0);
    expect(again.outputs.status).toBe("stale");
    expect(again.lines.join("\n")).toContain(
      "attempt 1 of design/architect was published already (a job run again): nothing to run",
    );
    // The agent did not run again (its job summary says nothing ran).
    expect(again.lines.some((l) => l.includes("design done"))).toBe(false);
    expect(repo.git.head(BRANCH)).toBe(head);
    expect(side.resultDispatches).toHaveLength(1);
  });

  it("a `config` path with no file fails the step naming the input, and commits nothing", async () => {
    const { repo, tasks } = await started();
    const run = await runIn(taskEnv(tasks[0], { config: ".github/orchestrate.yaml" }));
    expect(run.code).toBe(1);
    expect(run.errors.join("\n")).toContain(
      "input `config`: .github/orchestrate.yaml does not exist on main; the orchestrator reads .github/orchestrate.yml — leave `config` unset or fix the path",
    );
    expect(run.outputs.status).toBe("failed");
    expect(repo.git.head(BRANCH)).toBeUndefined();
  });

  it("a workspace that is not a git checkout is a warning: only declared outputs are committed", async () => {
    const { tasks } = await started();
    const run = await runIn(taskEnv(tasks[0]));
    expect(run.code).toBe(0);
    expect(
      run.lines.some((l) => /^::warning::.* is not a git checkout: only the task's declared outputs/.test(l)),
    ).toBe(true);
  });

  it("a `working-directory` that does not exist fails the step naming the input, and commits nothing", async () => {
    const { repo, tasks } = await started();
    const run = await runIn(taskEnv(tasks[0], { "working-directory": "/nonexistent/checkout" }));
    expect(run.code).toBe(1);
    expect(run.errors.join("\n")).toContain(
      "input `working-directory`: /nonexistent/checkout is not a folder",
    );
    expect(repo.git.head(BRANCH)).toBeUndefined();
  });

  it("publish finds no bundle though the agent jobs succeeded: the error points at the download step's wiring", async () => {
    const { repo, tasks } = await started();
    const root = mkdtempSync(join(tmpdir(), "orchestrate-bundle-test-"));
    const env = (mode: string, bundle: string, extra: Record<string, string> = {}) =>
      jobEnv({ mode, "github-token": TOKEN, task: JSON.stringify(tasks[0]), issue: "1", bundle, ...extra });
    expect((await runIn(env("task-run", join(root, "bundle")))).code).toBe(0);
    // download-artifact without `name:` puts each artifact in <path>/<artifact name>/.
    const downloaded = join(root, "download");
    mkdirSync(downloaded);
    cpSync(join(root, "bundle"), join(downloaded, "orchestrate-bundle-0"), { recursive: true });
    const run = await runIn(env("task-publish", downloaded, { "agent-result": "success" }));
    expect(run.code).toBe(1);
    const record = JSON.parse(repo.git.readFile(BRANCH, resultPath(1, "design/architect"))!);
    expect(record.status).toBe("failed");
    expect(record.error.message).toContain(
      "the agent job succeeded but its bundle is not where this step reads it",
    );
    expect(record.error.message).toContain(
      `a bundle was found at ${join(downloaded, "orchestrate-bundle-0")}`,
    );
  });

  it("a 5xx creating the task branch is read again, not a lost result", async () => {
    const { repo, side, tasks, handlers } = await started();
    const create = handlers.get("POST /repos/{owner}/{repo}/git/refs")!;
    let calls = 0;
    gh.on("POST /repos/{owner}/{repo}/git/refs", (request) =>
      ++calls === 1 ? [502, { message: "Server Error" }] : create(request),
    );
    const run = await runIn(taskEnv(tasks[0]));
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(repo.git.readFile(BRANCH, resultPath(1, "design/architect"))).toBeDefined();
    expect(side.resultDispatches).toHaveLength(1);
  });

  it("a 5xx whose branch creation landed is not committed again", async () => {
    const { repo, side, tasks, handlers } = await started();
    const create = handlers.get("POST /repos/{owner}/{repo}/git/refs")!;
    let calls = 0;
    gh.on("POST /repos/{owner}/{repo}/git/refs", async (request) => {
      const answer = await create(request);
      return ++calls === 1 ? [502, { message: "Server Error" }] : answer;
    });
    const run = await runIn(taskEnv(tasks[0]));
    expect(run.code).toBe(0);
    expect(repo.git.commits.get(repo.git.head(BRANCH)!)!.parents).toHaveLength(1);
    expect(side.resultDispatches).toHaveLength(1);
  });

  it("a step that fails on GitHub still sets its status output", async () => {
    const { tasks } = await started();
    gh.on("POST /repos/{owner}/{repo}/git/trees", () => [
      403,
      {
        message: "Resource not accessible by integration",
        documentation_url: "https://docs.github.com/rest",
      },
    ]);
    const run = await runIn(taskEnv(tasks[0]));
    expect(run.code).toBe(1);
    expect(run.errors.join("\n")).toContain("contents: write");
    expect(run.outputs.status).toBe("failed");
  });

  it("orchestrate mode: a dispatch GitHub refuses is a warning annotation naming the permission", async () => {
    fakeRepo(gh, { owner: OWNER, repo: REPO, files: { ".github/orchestrate.yml": PLAN } });
    fakeIssueSide(gh);
    gh.on("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", () => [
      403,
      {
        message: "Resource not accessible by integration",
        documentation_url: "https://docs.github.com/rest",
      },
    ]);
    const run = await runIn(
      jobEnv(
        { mode: "orchestrate", "github-token": TOKEN },
        { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: eventFile(labeledPayload()) },
      ),
    );
    expect(
      run.lines.some((l) => /^::warning::could not dispatch the agents workflow.*actions: write/.test(l)),
    ).toBe(true);
  });
});

describe("orchestrate mode on a schedule", () => {
  const orchestrate = (event: string, payload: unknown) =>
    runIn(
      jobEnv(
        { mode: "orchestrate", "github-token": TOKEN },
        { GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: eventFile(payload) },
      ),
    );
  const repository = () => examplePayload("issues", "labeled").repository;

  it("finished executions cost nothing on a tick but the listing of the state branch", async () => {
    const plan = `${PLAN.replace(
      `run: 'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'`,
      `run: 'exit 3'`,
    )}policy:\n  retry: { max_attempts: 1 }\n`;
    const repo = fakeRepo(gh, { owner: OWNER, repo: REPO, files: { ".github/orchestrate.yml": plan } });
    const side = fakeIssueSide(gh);
    for (let issue = 1; issue <= 4; issue++) {
      await orchestrate("issues", withPatch(labeledPayload(), { issue: { number: issue } }));
      const tasks = JSON.parse(side.workflowDispatches.at(-1)!.inputs.tasks!) as unknown[];
      await runIn(taskEnv(tasks[0], { issue: String(issue) }));
      await orchestrate(
        "repository_dispatch",
        resultPayload(side.resultDispatches.at(-1)!.client_payload as never),
      );
      const state = JSON.parse(repo.git.readFile("orchestrate-state", `executions/${issue}/state.json`)!);
      expect(state.finished_at).toBeDefined();
    }
    const from = gh.requests.length;
    const run = await orchestrate("schedule", { schedule: "*/10 * * * *", repository: repository() });
    expect(run.code).toBe(0);
    expect(gh.requests.slice(from).map((r) => r.route)).toEqual([
      "GET /repos/{owner}/{repo}/git/ref/{ref}",
      "GET /repos/{owner}/{repo}/git/trees/{tree_sha}",
    ]);
  });

  it("a state file that does not parse is a warning on the run; the file is left untouched", async () => {
    const repo = fakeRepo(gh, { owner: OWNER, repo: REPO, files: { ".github/orchestrate.yml": PLAN } });
    fakeIssueSide(gh);
    await orchestrate("issues", labeledPayload());
    repo.git.commitFiles("orchestrate-state", { "executions/1/state.json": "{ not json" });
    const head = repo.git.head("orchestrate-state");
    const run = await orchestrate("workflow_dispatch", {
      ...examplePayload("workflow_dispatch"),
      repository: repository(),
    });
    expect(repo.git.head("orchestrate-state")).toBe(head);
    expect(run.lines.some((l) => /^::warning::could not read the state of an execution/.test(l))).toBe(true);
  });
});
