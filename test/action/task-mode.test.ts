import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES } from "../../src/action/workspace-changes.ts";
import { ResultRecordSchema, resultPath, taskBranch } from "../../src/github/result-record.ts";
import { fakeRepo, useGitHubMock } from "../support/github/index.ts";
import {
  activeCommands,
  eventFile,
  fakeIssueSide,
  jobEnv,
  labeledPayload,
  OWNER,
  PLAN,
  REPO,
  resultPayload,
  runIn,
  TOKEN,
} from "./helpers.ts";

const gh = useGitHubMock();

/** A repository with the plan, and an execution for issue #1 started by the orchestrate mode. */
async function started(plan = PLAN) {
  const repo = fakeRepo(gh, { owner: OWNER, repo: REPO, files: { ".github/orchestrate.yml": plan } });
  const side = fakeIssueSide(gh);
  const run = await runIn(
    jobEnv(
      { mode: "orchestrate", "github-token": TOKEN },
      { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: eventFile(labeledPayload()) },
    ),
  );
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(0);
  const tasks = JSON.parse(side.workflowDispatches.at(-1)!.inputs.tasks!) as Record<string, unknown>[];
  return { repo, side, tasks };
}

function taskEnv(task: unknown, extra: Record<string, string> = {}, inputs: Record<string, string> = {}) {
  return jobEnv(
    {
      mode: "task",
      "github-token": TOKEN,
      task: typeof task === "string" ? task : JSON.stringify(task),
      issue: "1",
      ...inputs,
    },
    extra,
  );
}

describe("mode task", () => {
  it("runs a dispatched task, commits its outputs and result record, and wakes the orchestrator", async () => {
    const { repo, side, tasks } = await started();
    expect(side.workflowDispatches[0]).toMatchObject({
      workflow: "orchestrate-agents.yml",
      ref: "orchestrate/issue-1",
    });
    expect(tasks).toEqual([
      {
        id: "design/architect",
        agent: "architect",
        attempt: 1,
        phase: "design",
        branch: taskBranch(1, "design/architect"),
        execution_created_at: expect.any(Number),
      },
    ]);

    const run = await runIn(taskEnv(tasks[0]));
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    const branch = taskBranch(1, "design/architect");
    const sha = repo.git.head(branch)!;
    expect(run.outputs).toMatchObject({
      status: "succeeded",
      "result-sha": sha,
      "cost-usd": "0",
      tokens: "0",
    });
    expect(repo.git.readFile(branch, ".orchestrate/issue-1/artifacts/design__architect/design.md")).toBe(
      "# Design\n",
    );
    const record = ResultRecordSchema.parse(
      JSON.parse(repo.git.readFile(branch, resultPath(1, "design/architect"))!),
    );
    expect(record).toMatchObject({
      execution: `${OWNER}/${REPO}#1`,
      task: "design/architect",
      attempt: 1,
      status: "succeeded",
      execution_created_at: tasks[0]!.execution_created_at,
    });
    expect(record.artifacts).toEqual([
      expect.objectContaining({ name: "design", path: "design.md", bytes: 9 }),
    ]);
    // Based on the working branch head, and nothing else changed.
    expect(repo.git.commits.get(sha)!.parents).toEqual([repo.git.head("orchestrate/issue-1")]);
    expect(side.resultDispatches).toEqual([
      {
        event_type: "orchestrate-result",
        client_payload: { issue: 1, task: "design/architect", attempt: 1, sha },
      },
    ]);
    // The agent's output is shown with workflow commands off; the summary says what ran.
    const stop = run.lines.findIndex((l) => l.startsWith("::stop-commands::"));
    const token = run.lines[stop]!.slice("::stop-commands::".length);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(run.lines.indexOf("design done")).toBeGreaterThan(stop);
    expect(run.lines.indexOf(`::${token}::`)).toBeGreaterThan(run.lines.indexOf("design done"));
    expect(run.summary).toContain("`design/architect` — attempt 1 succeeded");
    expect(run.summary).toContain("| design | `design.md` | 9 |");

    // The orchestrator reads the result, merges the task branch and dispatches the next task.
    const next = await runIn(
      jobEnv(
        { mode: "orchestrate", "github-token": TOKEN },
        {
          GITHUB_EVENT_NAME: "repository_dispatch",
          GITHUB_EVENT_PATH: eventFile(resultPayload(side.resultDispatches[0]!.client_payload)),
        },
      ),
    );
    expect(next.errors).toEqual([]);
    expect(
      repo.git.readFile("orchestrate/issue-1", ".orchestrate/issue-1/artifacts/design__architect/design.md"),
    ).toBe("# Design\n");
    expect(JSON.parse(side.workflowDispatches.at(-1)!.inputs.tasks!)).toEqual([
      expect.objectContaining({ id: "build/dev", attempt: 1 }),
    ]);
  });

  it("gives the agent the feedback its task has in the state (the dispatch does not carry it)", async () => {
    const plan = PLAN.replace(
      `'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'`,
      `'cat "$ORCHESTRATE_FEEDBACK" > "$ORCHESTRATE_ARTIFACTS/design.md"'`,
    );
    expect(plan).not.toBe(PLAN);
    const { repo, tasks } = await started(plan);
    // A rejection recorded the feedback in the state (as the orchestrator saves it).
    const path = "executions/1/state.json";
    const state = JSON.parse(repo.git.readFile("orchestrate-state", path)!);
    state.tasks["design/architect"].feedback = "use Postgres, not SQLite\n- add rate limits";
    repo.git.commitFiles("orchestrate-state", { [path]: JSON.stringify(state) });
    expect(tasks[0]).not.toHaveProperty("feedback");
    const run = await runIn(taskEnv(tasks[0]));
    expect(run.errors).toEqual([]);
    expect(
      repo.git.readFile(
        taskBranch(1, "design/architect"),
        ".orchestrate/issue-1/artifacts/design__architect/design.md",
      ),
    ).toBe("use Postgres, not SQLite\n- add rate limits");
  });

  it("commits the checkout's changes from its HEAD, with upstream artifacts fetched from the task branch", async () => {
    const { repo, side, tasks } = await started();
    await runIn(taskEnv(tasks[0]));
    // A git checkout of the working branch, taken before the design task's branch was merged.
    const checkout = mkdtempSync(join(tmpdir(), "orchestrate-checkout-"));
    const git = (...args: string[]) =>
      execFileSync("git", args, {
        cwd: checkout,
        encoding: "utf8",
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@t",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@t",
        },
      }).trim();
    git("init", "-q");
    writeFileSync(join(checkout, "README.md"), "# Hello-World\n");
    writeFileSync(join(checkout, ".gitignore"), "node_modules/\n");
    git("add", ".");
    git("commit", "-qm", "checkout");
    const head = git("rev-parse", "HEAD");
    git("config", "http.https://github.com/.extraheader", "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hz");
    // The same commit exists on GitHub: the working branch head, under the checkout's sha.
    const working = repo.git.commits.get(repo.git.head("orchestrate/issue-1")!)!;
    repo.git.commits.set(head, { ...working, sha: head });
    repo.git.branch("orchestrate/issue-1", head);
    execFileSync("mkdir", ["-p", join(checkout, "node_modules")]);
    writeFileSync(join(checkout, "node_modules", "ignored.js"), "x\n");

    const dev = {
      id: "build/dev",
      agent: "dev",
      attempt: 1,
      phase: "build",
      branch: taskBranch(1, "build/dev"),
    };
    // The state says build/dev was dispatched: let the orchestrator apply the design result first.
    await runIn(
      jobEnv(
        { mode: "orchestrate", "github-token": TOKEN },
        {
          GITHUB_EVENT_NAME: "repository_dispatch",
          GITHUB_EVENT_PATH: eventFile(resultPayload(side.resultDispatches[0]!.client_payload)),
        },
      ),
    );
    repo.git.branch("orchestrate/issue-1", head); // the checkout predates the fan-in merge
    const run = await runIn(taskEnv(dev, { GITHUB_WORKSPACE: checkout }));
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    const branch = taskBranch(1, "build/dev");
    const sha = repo.git.head(branch)!;
    expect(repo.git.commits.get(sha)!.parents).toEqual([head]);
    expect(repo.git.readFile(branch, "src/x.ts")).toBe("export const x = 1;\n");
    expect(repo.git.readFile(branch, "node_modules/ignored.js")).toBeUndefined();
    expect(repo.git.readFile(branch, ".github/workflows/new.yml")).toBeUndefined();
    expect(run.lines).toContain(
      "::warning::left out of the commit: .github/workflows/new.yml (agents do not change workflows)",
    );
    expect(repo.git.readFile(branch, ".orchestrate/issue-1/artifacts/build__dev/notes.md")).toBe(
      "# Design\n",
    );
    expect(run.summary).toContain("`design/architect` (task branch)");
    expect(run.summary).toContain("1 file(s) changed in the checkout were committed.");
    expect(run.lines).toContain(
      "::warning::the checkout keeps a GitHub token in its git config, which the agent can read: check it out with `persist-credentials: false`",
    );
  });

  it("records a failed attempt, fails the step with one error, and keeps credentials from the agent", async () => {
    const plan = PLAN.replace(
      `run: 'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'`,
      `run: 'env > "$RUNNER_TEMP/agent-env.txt"; echo "::error::from the agent"; echo "key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"; echo "hidden $MY_SECRET"; exit 3'`,
    );
    const { repo, tasks } = await started(plan);
    const env = taskEnv(
      tasks[0],
      { MY_SECRET: "swordfish-42", GITHUB_TOKEN: TOKEN },
      { "secrets-to-mask": "swordfish-42" },
    );
    Object.assign(process.env, { RUNNER_TEMP: env.RUNNER_TEMP, MY_SECRET: "swordfish-42" });
    let run: Awaited<ReturnType<typeof runIn>>;
    try {
      run = await runIn(env);
    } finally {
      delete process.env.RUNNER_TEMP;
      delete process.env.MY_SECRET;
    }
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(
      /^::error::design\/architect attempt 1 failed \(exit\): exited with code 3/,
    );
    expect(activeCommands(run.lines).filter((l) => l.includes("from the agent"))).toEqual([]);
    expect(run.lines).toContain("::add-mask::swordfish-42");
    expect(run.lines).toContain("hidden ***");
    expect(run.lines.join("\n")).not.toContain("sk-ant-api03");
    const record = JSON.parse(
      repo.git.readFile(taskBranch(1, "design/architect"), resultPath(1, "design/architect"))!,
    );
    expect(record).toMatchObject({ status: "failed", error: { kind: "exit" }, artifacts: [] });
    expect(run.outputs.status).toBe("failed");
    const agentEnv = (await import("node:fs")).readFileSync(join(env.RUNNER_TEMP!, "agent-env.txt"), "utf8");
    expect(agentEnv).not.toContain(TOKEN);
    expect(agentEnv).toContain("MY_SECRET=swordfish-42");
  });

  it("fails an attempt whose outputs break the commit rules (an output over the size limit)", async () => {
    const plan = PLAN.replace(
      `run: 'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'`,
      `run: 'head -c ${MAX_FILE_BYTES + 1} /dev/zero > "$ORCHESTRATE_ARTIFACTS/design.md"'`,
    );
    expect(plan).not.toBe(PLAN);
    const { repo, tasks } = await started(plan);
    const run = await runIn(taskEnv(tasks[0]));
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      `::error::design/architect attempt 1 failed (output_invalid): ".orchestrate/issue-1/artifacts/design__architect/design.md" is ${MAX_FILE_BYTES + 1} bytes; files over ${MAX_FILE_BYTES} bytes are not committed`,
    ]);
    const branch = taskBranch(1, "design/architect");
    expect(
      repo.git.readFile(branch, ".orchestrate/issue-1/artifacts/design__architect/design.md"),
    ).toBeUndefined();
    expect(JSON.parse(repo.git.readFile(branch, resultPath(1, "design/architect"))!)).toMatchObject({
      status: "failed",
      error: { kind: "output_invalid" },
    });
  });

  it.each([
    ["no task", "", /^::error::input `task` is required in task mode: pass one matrix entry/],
    [
      "malformed JSON",
      "{id: design",
      /^::error::input `task` is not valid JSON \(.+\): pass one matrix entry/,
    ],
    [
      "a wrong shape",
      '{"id":"design/architect","attempt":"one"}',
      /^::error::input `task` is not a task entry \(agent: .+; attempt: .+\)/,
    ],
  ])("refuses %s with exactly one error line and no GitHub request", async (_name, task, expected) => {
    const run = await runIn(taskEnv(task));
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(expected);
    expect(gh.requests).toEqual([]);
  });

  it("refuses an unknown agent, naming the plan's agents", async () => {
    fakeRepo(gh, { owner: OWNER, repo: REPO, files: { ".github/orchestrate.yml": PLAN } });
    const run = await runIn(taskEnv({ id: "design/ghost", agent: "ghost", attempt: 1 }));
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      '::error::agent "ghost" is not defined in .github/orchestrate.yml on main (agents: architect, dev); fix the task entry or add the agent to the plan',
    ]);
  });

  it("refuses a missing token and a task entry naming another task branch", async () => {
    const noToken = await runIn(taskEnv({ id: "a", agent: "b", attempt: 1 }, {}, { "github-token": "" }));
    expect(noToken.errors).toEqual([
      expect.stringMatching(/^::error::input `github-token` is required in task mode/),
    ]);
    const { tasks } = await started();
    const run = await runIn(taskEnv({ ...tasks[0], branch: "main" }));
    expect(run.errors).toEqual([
      expect.stringMatching(/branch "main" is not the task branch of design\/architect/),
    ]);
  });

  it("does nothing for a stale attempt", async () => {
    const { repo, tasks } = await started();
    expect((await runIn(taskEnv(tasks[0]))).code).toBe(0);
    // A re-run of attempt 1 after attempt 2 was committed is refused by the task branch.
    const branch = taskBranch(1, "design/architect");
    const record = JSON.parse(repo.git.readFile(branch, resultPath(1, "design/architect"))!);
    repo.git.commitFiles(branch, {
      [resultPath(1, "design/architect")]: JSON.stringify({ ...record, attempt: 2 }),
    });
    const stale = await runIn(taskEnv(tasks[0]));
    expect(stale.code).toBe(0);
    expect(stale.outputs.status).toBe("stale");
    expect(stale.lines).toContain(
      "::notice::attempt 1 of design/architect is stale: its task branch already holds attempt 2",
    );
  });

  it("does nothing for an attempt an earlier execution of the issue dispatched", async () => {
    const { side, tasks } = await started();
    const created = tasks[0]!.execution_created_at as number;
    const earlier = await runIn(taskEnv({ ...tasks[0], execution_created_at: created - 60_000 }));
    expect(earlier.code).toBe(0);
    expect(earlier.outputs.status).toBe("stale");
    expect(earlier.lines).toContain(
      `::notice::attempt 1 of design/architect was dispatched by an earlier execution of issue #1 (created ${new Date(created - 60_000).toISOString()}); the issue has a new one (created ${new Date(created).toISOString()}): nothing to run`,
    );
    expect(side.resultDispatches).toEqual([]);
  });

  it("a task branch holding an earlier execution's result of the same attempt does not hold this one back", async () => {
    const { repo, side, tasks } = await started();
    const branch = taskBranch(1, "design/architect");
    repo.git.branch(branch, "orchestrate/issue-1");
    const earlier = {
      execution: `${OWNER}/${REPO}#1`,
      task: "design/architect",
      attempt: 1,
      status: "succeeded",
    };
    repo.git.commitFiles(branch, {
      [resultPath(1, "design/architect")]: JSON.stringify({ ...earlier, execution_created_at: 1 }),
    });
    const run = await runIn(taskEnv(tasks[0]));
    expect(run.errors).toEqual([]);
    expect(run.outputs.status).toBe("succeeded");
    const record = JSON.parse(repo.git.readFile(branch, resultPath(1, "design/architect"))!);
    expect(record.execution_created_at).toBe(tasks[0]!.execution_created_at);
    expect(side.resultDispatches).toHaveLength(1);
  });
});
