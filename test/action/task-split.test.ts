/**
 * `task-run` and `task-publish`: the agent runs in a job that can only read, and a separate job
 * checks what it left and commits it.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BundleManifest, BundleSchema } from "../../src/action/task-bundle.ts";
import { MAX_FILE_BYTES } from "../../src/action/workspace-changes.ts";
import { ResultRecordSchema, resultPath, taskBranch } from "../../src/github/result-record.ts";
import { useGitHubMock } from "../support/github/index.ts";
import { jobEnv, OWNER, PLAN, REPO, runIn, startExecution, TOKEN, writeRequests } from "./helpers.ts";

const gh = useGitHubMock();

const READ_TOKEN = "ghs_readOnlyJobToken00000000000000000000";
const BRANCH = taskBranch(1, "design/architect");
const RECORD = resultPath(1, "design/architect");

function env(
  mode: string,
  task: unknown,
  inputs: Record<string, string> = {},
  extra: Record<string, string> = {},
) {
  return jobEnv(
    {
      mode,
      "github-token": mode === "task-run" ? READ_TOKEN : TOKEN,
      task: typeof task === "string" ? task : JSON.stringify(task),
      issue: "1",
      ...inputs,
    },
    extra,
  );
}

/** An execution whose first task ran in `task-run`: the bundle's folder and the run. */
async function ranTask(plan = PLAN) {
  const started = await startExecution(gh, plan);
  const bundle = join(mkdtempSync(join(tmpdir(), "orchestrate-bundle-")), "bundle");
  const from = gh.requests.length;
  const run = await runIn(env("task-run", started.tasks[0], { bundle }));
  return { ...started, bundle, run, requests: gh.requests.slice(from) };
}

function publish(task: unknown, bundle: string, inputs: Record<string, string> = {}) {
  return runIn(env("task-publish", task, { bundle, ...inputs }));
}

const manifestOf = (bundle: string) =>
  BundleSchema.parse(JSON.parse(readFileSync(join(bundle, "bundle.json"), "utf8")));

function editManifest(bundle: string, edit: (m: BundleManifest) => void) {
  const manifest = manifestOf(bundle);
  edit(manifest);
  writeFileSync(join(bundle, "bundle.json"), JSON.stringify(manifest));
}

describe("mode task-run", () => {
  it("runs the agent and leaves a bundle, without a single write request", async () => {
    const { repo, side, bundle, run, requests } = await ranTask();
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({ status: "succeeded", "cost-usd": "0", tokens: "0", bundle });
    expect(writeRequests(requests)).toEqual([]);
    expect(repo.git.head(BRANCH)).toBeUndefined();
    expect(side.resultDispatches).toEqual([]);

    const manifest = manifestOf(bundle);
    expect(manifest.base).toBe(repo.git.head("orchestrate/issue-1"));
    expect(manifest.record).toMatchObject({
      execution: `${OWNER}/${REPO}#1`,
      task: "design/architect",
      attempt: 1,
      status: "succeeded",
      artifacts: [expect.objectContaining({ name: "design", path: "design.md", bytes: 9 })],
    });
    expect(manifest.files).toEqual([
      {
        path: ".orchestrate/issue-1/artifacts/design__architect/design.md",
        content: { bytes: 9, sha256: manifest.record.artifacts[0]!.sha256 },
      },
    ]);
    expect(readFileSync(join(bundle, "files", "0"), "utf8")).toBe("# Design\n");
    expect(run.summary).toContain("`design/architect` — attempt 1 succeeded");
    expect(run.summary).toContain(
      "committed by the publish job (`orchestrate/tasks/issue-1/design__architect`)",
    );
  });

  it("succeeds with a bundle of the failed attempt, which the publish job records and fails on", async () => {
    const plan = PLAN.replace(
      `run: 'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'`,
      `run: 'echo "no design" >&2; exit 78'`,
    );
    expect(plan).not.toBe(PLAN);
    const { repo, side, tasks, bundle, run, requests } = await ranTask(plan);
    expect(run.code).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.outputs.status).toBe("failed");
    expect(run.lines).toContain(
      "::warning::design/architect attempt 1 failed (config): exited with code 78 (configuration error)%0Ano design (the publish job records it)",
    );
    expect(writeRequests(requests)).toEqual([]);
    expect(manifestOf(bundle)).toMatchObject({
      files: [],
      record: { status: "failed", error: { kind: "config" } },
    });

    const published = await publish(tasks[0], bundle);
    expect(published.code).toBe(1);
    expect(published.errors).toEqual([
      expect.stringMatching(/^::error::design\/architect attempt 1 failed \(config\): exited with code 78/),
    ]);
    const record = ResultRecordSchema.parse(JSON.parse(repo.git.readFile(BRANCH, RECORD)!));
    expect(record).toMatchObject({ status: "failed", error: { kind: "config" } });
    expect(side.resultDispatches).toHaveLength(1);
  });
});

describe("mode task-publish", () => {
  it("commits a valid bundle with exactly the requests task mode makes", async () => {
    // Task mode, in one job.
    const single = await startExecution(gh);
    const from = gh.requests.length;
    const direct = await runIn(env("task", single.tasks[0]));
    expect(direct.code).toBe(0);
    const taskWrites = gh.requests.slice(from).filter((r) => writeRequests([r]).length > 0);
    const taskTree = single.repo.git.commits.get(single.repo.git.head(BRANCH)!)!.tree;

    // The same, split, in a fresh repository (the mock's routes are replaced).
    const split = await ranTask();
    const before = gh.requests.length;
    const published = await publish(split.tasks[0], split.bundle);
    expect(published.errors).toEqual([]);
    expect(published.code).toBe(0);
    const publishWrites = gh.requests.slice(before).filter((r) => writeRequests([r]).length > 0);
    const sha = split.repo.git.head(BRANCH)!;
    expect(published.outputs).toEqual({
      status: "succeeded",
      "result-sha": sha,
      "cost-usd": "0",
      tokens: "0",
    });

    // The design (text) travels inline in the tree request: no blob upload.
    expect(taskWrites.map((r) => r.route)).toEqual([
      "POST /repos/{owner}/{repo}/git/trees",
      "POST /repos/{owner}/{repo}/git/commits",
      "POST /repos/{owner}/{repo}/git/refs",
      "POST /repos/{owner}/{repo}/dispatches",
    ]);
    const shape = (r: (typeof taskWrites)[number]) => ({ route: r.route, body: r.body });
    expect(publishWrites.map(shape)).toEqual(taskWrites.map(shape));
    expect(split.repo.git.commits.get(sha)!.tree).toBe(taskTree);
    expect(
      split.repo.git.readFile(BRANCH, ".orchestrate/issue-1/artifacts/design__architect/design.md"),
    ).toBe("# Design\n");
    expect(split.side.resultDispatches).toEqual([
      {
        event_type: "orchestrate-result",
        client_payload: { issue: 1, task: "design/architect", attempt: 1, sha },
      },
    ]);
    expect(published.summary).toContain(`[${sha.slice(0, 7)}]`);
  });

  it.each<[string, (bundle: string) => void, RegExp]>([
    [
      "a path traversal",
      (b) => editManifest(b, (m) => (m.files[0]!.path = "../outside.md")),
      /"\.\.\/outside\.md" leaves the repository \('\.\.'\)/,
    ],
    [
      "an absolute path",
      (b) => editManifest(b, (m) => (m.files[0]!.path = "/etc/cron.d/x")),
      /"\/etc\/cron\.d\/x" is absolute/,
    ],
    [
      "a path inside .git",
      (b) => editManifest(b, (m) => (m.files[0]!.path = ".git/hooks/post-checkout")),
      /"\.git\/hooks\/post-checkout" is inside \.git/,
    ],
    [
      "a workflow file",
      (b) => editManifest(b, (m) => (m.files[0]!.path = ".github/workflows/x.yml")),
      /"\.github\/workflows\/x\.yml" is not written by agents \(agents do not change workflows\)/,
    ],
    [
      "a file in place of the workflows folder",
      (b) => editManifest(b, (m) => (m.files[0]!.path = ".github/workflows")),
      /"\.github\/workflows" would replace \.github\/workflows\/ \(agents do not change workflows\)/,
    ],
    [
      "a file in place of the records folder",
      (b) => editManifest(b, (m) => (m.files[0]!.path = ".orchestrate")),
      /"\.orchestrate" would replace \.orchestrate\/ \(reserved for result records and artifacts\)/,
    ],
    [
      "another task's artifacts folder",
      (b) =>
        editManifest(b, (m) => (m.files[0]!.path = ".orchestrate/issue-1/artifacts/build__dev/notes.md")),
      /is not written by agents \(reserved for result records and artifacts\)/,
    ],
    [
      "a file over the size limit",
      (b) => {
        truncateSync(join(b, "files", "0"), MAX_FILE_BYTES + 1);
      },
      new RegExp(`files/0 is ${MAX_FILE_BYTES + 1} bytes; the limit is ${MAX_FILE_BYTES}`),
    ],
    [
      "a size over the limit in the manifest",
      (b) =>
        editManifest(b, (m) => (m.files[0]!.content = { bytes: MAX_FILE_BYTES + 1, sha256: "0".repeat(64) })),
      new RegExp(`is ${MAX_FILE_BYTES + 1} bytes; files over ${MAX_FILE_BYTES} bytes are not committed`),
    ],
    [
      "content that is not what the manifest lists",
      (b) => writeFileSync(join(b, "files", "0"), "# Other\n"),
      /files\/0 \("\.orchestrate\/issue-1\/artifacts\/design__architect\/design\.md"\) is not the content the manifest lists/,
    ],
    [
      "a content file that is a symlink",
      (b) => {
        rmSync(join(b, "files", "0"));
        symlinkSync("/etc/hostname", join(b, "files", "0"));
      },
      /files\/0 is a symlink, not a regular file/,
    ],
    [
      "a record of another task",
      (b) => editManifest(b, (m) => (m.record.task = "build/dev")),
      /it holds the result of build\/dev attempt 1 of .+, not of design\/architect attempt 1/,
    ],
    [
      "a record of another attempt",
      (b) => editManifest(b, (m) => (m.record.attempt = 2)),
      /it holds the result of design\/architect attempt 2 of .+, not of design\/architect attempt 1/,
    ],
    [
      "an artifact that is not the file committed",
      (b) => editManifest(b, (m) => (m.record.artifacts[0]!.path = "other.md")),
      /artifact "design" \("other\.md"\) has no file in the bundle/,
    ],
    [
      "an undeclared output",
      (b) => editManifest(b, (m) => (m.record.artifacts[0]!.name = "secrets")),
      /artifact "secrets" is not a declared output/,
    ],
    [
      "malformed JSON",
      (b) => writeFileSync(join(b, "bundle.json"), '{"version": 1, "base": '),
      /bundle\.json is not JSON \(/,
    ],
    [
      "a manifest of the wrong shape",
      (b) => writeFileSync(join(b, "bundle.json"), JSON.stringify({ version: 1, base: "main" })),
      /bundle\.json is not a bundle manifest \(base: expected a commit sha/,
    ],
    [
      "a base that is not on the working branch",
      (b) => editManifest(b, (m) => (m.base = "f".repeat(40))),
      /its base f{40} is not a commit of orchestrate\/issue-1/,
    ],
  ])(
    "refuses a bundle with %s, publishing a failed attempt that says why",
    async (_name, tamper, expected) => {
      const { repo, side, tasks, bundle } = await ranTask();
      tamper(bundle);
      const run = await publish(tasks[0], bundle);
      expect(run.code).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(
        /^::error::design\/architect attempt 1 failed \(bundle_invalid\): the result bundle is not valid: /,
      );
      expect(run.errors[0]).toMatch(expected);
      const sha = repo.git.head(BRANCH)!;
      const record = ResultRecordSchema.parse(JSON.parse(repo.git.readFile(BRANCH, RECORD)!));
      expect(record).toMatchObject({
        task: "design/architect",
        attempt: 1,
        status: "failed",
        artifacts: [],
        error: { kind: "bundle_invalid", message: expect.stringMatching(expected) },
      });
      // Nothing but the record: the commit sits on the working branch's head.
      expect(repo.git.commits.get(sha)!.parents).toEqual([repo.git.head("orchestrate/issue-1")]);
      expect(
        repo.git.readFile(BRANCH, ".orchestrate/issue-1/artifacts/design__architect/design.md"),
      ).toBeUndefined();
      expect(side.resultDispatches.at(-1)?.client_payload).toEqual({
        issue: 1,
        task: "design/architect",
        attempt: 1,
        sha,
      });
      expect(run.outputs.status).toBe("failed");
    },
  );

  it("refuses a base older than what the task branch's earlier attempt shares with the working branch", async () => {
    const { repo, tasks, bundle } = await ranTask();
    // Since the agent started, the working branch moved on (another task's work joined it), and
    // an earlier attempt of this task sits on the task branch on top of that newer head.
    const working = "orchestrate/issue-1";
    repo.git.commitFiles(working, { "src/other.ts": "export const other = 1;\n" });
    repo.git.branch(BRANCH, working);
    repo.git.commitFiles(BRANCH, { [RECORD]: "{}" });
    // A result on the old base with that attempt as second parent would take back src/other.ts.
    const run = await publish(tasks[0], bundle);
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(
      /\(bundle_invalid\): the result bundle is not valid: its base [0-9a-f]{40} is older than what orchestrate\/tasks\/issue-1\/design__architect and orchestrate\/issue-1 share/,
    );
  });

  it("publishes a failed attempt when the agent job left no bundle", async () => {
    const { repo, side, tasks } = await startExecution(gh);
    const missing = join(mkdtempSync(join(tmpdir(), "orchestrate-bundle-")), "absent");
    const run = await publish(tasks[0], missing, { "agent-result": "failure" });
    expect(run.code).toBe(1);
    const message = `the agent job left no result (no result bundle at ${missing}): it failed, timed out or was cancelled before its bundle was uploaded (agent jobs of the run: failure)`;
    expect(run.errors).toEqual([`::error::design/architect attempt 1 failed (agent_job_failed): ${message}`]);
    expect(JSON.parse(repo.git.readFile(BRANCH, RECORD)!)).toMatchObject({
      status: "failed",
      error: { kind: "agent_job_failed", message },
    });
    expect(side.resultDispatches).toHaveLength(1);
  });

  it("reports a stale attempt and publishes nothing", async () => {
    const { repo, tasks, bundle } = await ranTask();
    expect((await publish(tasks[0], bundle)).code).toBe(0);
    const record = JSON.parse(repo.git.readFile(BRANCH, RECORD)!);
    repo.git.commitFiles(BRANCH, { [RECORD]: JSON.stringify({ ...record, attempt: 2 }) });
    const head = repo.git.head(BRANCH);
    const stale = await publish(tasks[0], bundle);
    expect(stale.code).toBe(0);
    expect(stale.outputs.status).toBe("stale");
    expect(stale.lines).toContain(
      "::notice::attempt 1 of design/architect is stale: its task branch already holds attempt 2",
    );
    expect(repo.git.head(BRANCH)).toBe(head);
  });

  it("scrubs secrets from the text of the record it commits", async () => {
    const { repo, tasks, bundle } = await ranTask();
    editManifest(bundle, (m) => {
      m.record.summary =
        "done, key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH and hunter2-secret";
      m.record.context = { note: "hunter2-secret" };
    });
    const run = await publish(tasks[0], bundle, { "secrets-to-mask": "hunter2-secret" });
    expect(run.code).toBe(0);
    const text = repo.git.readFile(BRANCH, RECORD)!;
    expect(text).not.toContain("sk-ant-api03");
    expect(text).not.toContain("hunter2-secret");
    expect(JSON.parse(text).context).toEqual({ note: "***" });
  });

  it("scrubs secrets from a failed record's error and from the reasons files were left out", async () => {
    const plan = PLAN.replace(
      `run: 'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'`,
      `run: 'echo "no design" >&2; exit 78'`,
    );
    expect(plan).not.toBe(PLAN);
    const { repo, tasks, bundle } = await ranTask(plan);
    editManifest(bundle, (m) => {
      m.record.error = { kind: "config", message: "login failed with hunter2-secret" };
      m.report.leftOut = [{ path: "notes/env.txt", why: "it repeats hunter2-secret" }];
    });
    const run = await publish(tasks[0], bundle, { "secrets-to-mask": "hunter2-secret" });
    expect(run.code).toBe(1);
    const text = repo.git.readFile(BRANCH, RECORD)!;
    expect(text).not.toContain("hunter2-secret");
    expect(JSON.parse(text).error).toEqual({ kind: "config", message: "login failed with ***" });
    expect(run.errors).toEqual([
      "::error::design/architect attempt 1 failed (config): login failed with ***",
    ]);
    expect(run.summary).toContain("`notes/env.txt`");
    expect(run.summary).toContain("it repeats ***");
    expect(run.summary).not.toContain("hunter2-secret");
    // Only the command that asks the runner to mask it names it.
    expect(run.lines.filter((l) => l.includes("hunter2-secret"))).toEqual(["::add-mask::hunter2-secret"]);
  });

  it("runs neither the agent nor git: a hook planted in the checkout stays unrun", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "orchestrate-marker-")), "ran");
    const plan = PLAN.replace(
      `run: 'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'`,
      `run: 'echo agent >> "${marker}"; printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"'`,
    );
    expect(plan).not.toBe(PLAN);
    const { repo, tasks, bundle } = await ranTask(plan);
    expect(readFileSync(marker, "utf8")).toBe("agent\n");
    // What an agent could leave in the checkout: an fsmonitor hook that git runs on `git diff`.
    const checkout = plantedCheckout(marker);
    const run = await runIn(
      env(
        "task-publish",
        tasks[0],
        { bundle, "working-directory": checkout },
        { GITHUB_WORKSPACE: checkout },
      ),
    );
    expect(run.code).toBe(0);
    expect(repo.git.head(BRANCH)).toBeDefined();
    expect(readFileSync(marker, "utf8")).toBe("agent\n");
  });

  it("(task mode, by contrast, runs git in the checkout the agent could change)", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "orchestrate-marker-")), "ran");
    const { tasks } = await startExecution(gh);
    const checkout = plantedCheckout(marker);
    // (The commit then fails: this checkout's commit is not on GitHub. The hook has run by then.)
    await runIn(env("task", tasks[0], {}, { GITHUB_WORKSPACE: checkout }));
    expect(existsSync(marker) && readFileSync(marker, "utf8")).toContain("hook");
  });
});

/** A git checkout whose config runs a hook (appending "hook" to `marker`) whenever git reads its status. */
function plantedCheckout(marker: string): string {
  const checkout = mkdtempSync(join(tmpdir(), "orchestrate-checkout-"));
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: checkout,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@t",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@t",
      },
    });
  git("init", "-q");
  writeFileSync(join(checkout, "README.md"), "# Hello-World\n");
  git("add", ".");
  git("commit", "-qm", "checkout");
  const hook = join(checkout, ".git", "planted-hook");
  writeFileSync(hook, `#!/bin/sh\necho hook >> "${marker}"\n`, { mode: 0o755 });
  git("config", "core.fsmonitor", hook);
  return checkout;
}
