/**
 * Configured secrets never reach the task branch through the files an agent writes: in `task`,
 * in `task-run` (nothing goes into the bundle) and again in `task-publish`.
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { filesWithSecrets, secretInOutput, tokenWarnings } from "../../src/action/secret-outputs.ts";
import { BundleSchema } from "../../src/action/task-bundle.ts";
import { ResultRecordSchema, resultPath, taskBranch } from "../../src/github/result-record.ts";
import { useGitHubMock } from "../support/github/index.ts";
import { eventFile, jobEnv, PLAN, resultPayload, runIn, startExecution, TOKEN } from "./helpers.ts";

const gh = useGitHubMock();

/** A random-looking run of `n` characters, built at run time so no token literal sits in the source. */
const noise = (n: number, alphabet = "aB3xY7qZ9mK2"): string =>
  Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join("");

/** A model key as a workflow hands it to the agent: in its environment, and in `secrets-to-mask`. */
const MODEL_KEY = `model/key+${noise(24)}`;
const BRANCH = taskBranch(1, "design/architect");
const RECORD = resultPath(1, "design/architect");
const OUTPUT = ".orchestrate/issue-1/artifacts/design__architect/design.md";
const ARCHITECT = `run: 'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'`;

/** The plan with the architect's command replaced by `run`. */
function planWith(run: string): string {
  const plan = PLAN.replace(ARCHITECT, `run: '${run}'`);
  expect(plan).not.toBe(PLAN);
  return plan;
}

function env(
  mode: string,
  task: unknown,
  inputs: Record<string, string> = {},
  extra: Record<string, string> = {},
) {
  return jobEnv({ mode, "github-token": TOKEN, task: JSON.stringify(task), issue: "1", ...inputs }, extra);
}

/** Runs the Action with MODEL_KEY in the environment the agent inherits. */
async function withModelKey(jobEnvironment: Record<string, string>) {
  process.env.MODEL_KEY = MODEL_KEY;
  try {
    return await runIn(jobEnvironment);
  } finally {
    delete process.env.MODEL_KEY;
  }
}

/** A git checkout with one commit, as actions/checkout leaves it. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-checkout-"));
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@t",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@t",
      },
    });
  git("init", "-q");
  writeFileSync(join(dir, "README.md"), "# Hello-World\n");
  git("add", ".");
  git("commit", "-qm", "checkout");
  return dir;
}

const sha256 = (content: Buffer) => createHash("sha256").update(content).digest("hex");

describe("a configured secret in the files to commit", () => {
  it("fails a task-mode attempt whose declared output holds it, committing nothing but the record", async () => {
    const plan = planWith(
      `echo "design done"; printf "key=%s\\n" "$MODEL_KEY" > "$ORCHESTRATE_ARTIFACTS/design.md"`,
    );
    const { repo, side, tasks } = await startExecution(gh, plan);
    const run = await withModelKey(env("task", tasks[0], { "secrets-to-mask": MODEL_KEY }));

    expect(run.code).toBe(1);
    const message = `the value of a configured secret (\`secrets-to-mask\`, \`github-token\` or a token of the runner), as written or encoded, is in a file the agent left to commit: "${OUTPUT}"; nothing was committed. Agents must not write secrets into files: the code they write should read them from the environment at run time`;
    expect(run.errors).toEqual([`::error::design/architect attempt 1 failed (secret_in_output): ${message}`]);
    expect(repo.git.readFile(BRANCH, OUTPUT)).toBeUndefined();
    const record = ResultRecordSchema.parse(JSON.parse(repo.git.readFile(BRANCH, RECORD)!));
    expect(record).toMatchObject({
      status: "failed",
      artifacts: [],
      error: { kind: "secret_in_output", message },
    });
    // The result commit holds the record only, on the working branch's head.
    const sha = repo.git.head(BRANCH)!;
    expect(repo.git.commits.get(sha)!.parents).toEqual([repo.git.head("orchestrate/issue-1")]);
    expect(side.resultDispatches.at(-1)?.client_payload).toEqual({
      issue: 1,
      task: "design/architect",
      attempt: 1,
      sha,
    });
    // The agent's log is shown as usual; the secret is nowhere.
    expect(run.lines).toContain("design done");
    expect(run.outputs.status).toBe("failed");
    expect(run.summary).toContain("secret_in_output");
    expect([...run.lines.filter((l) => !l.startsWith("::add-mask::")), run.summary].join("\n")).not.toContain(
      MODEL_KEY,
    );

    // The orchestrator applies it as any failed attempt: the next one is scheduled (retry policy).
    const applied = await runIn(
      jobEnv(
        { mode: "orchestrate", "github-token": TOKEN },
        {
          GITHUB_EVENT_NAME: "repository_dispatch",
          GITHUB_EVENT_PATH: eventFile(resultPayload(side.resultDispatches[0]!.client_payload)),
        },
      ),
    );
    expect(applied.errors).toEqual([]);
    const again = await runIn(env("task", tasks[0]));
    expect(again.outputs.status).toBe("stale");
    expect(again.lines).toContain(
      "::notice::attempt 1 of design/architect already ended in the execution (now pending): nothing to run here; its next attempt is scheduled",
    );
  });

  it("leaves no file in the task-run bundle when a new file of the checkout holds it encoded; publish records why", async () => {
    const plan = planWith(
      `printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; printf "%s" "$MODEL_KEY" | base64 > config.b64`,
    );
    const { repo, tasks } = await startExecution(gh, plan);
    const bundle = join(mkdtempSync(join(tmpdir(), "orchestrate-bundle-")), "bundle");
    const workspace = checkout();
    // The checkout is of the working branch: its commit is the branch's head on GitHub too.
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: workspace, encoding: "utf8" }).trim();
    const working = repo.git.commits.get(repo.git.head("orchestrate/issue-1")!)!;
    repo.git.commits.set(head, { ...working, sha: head });
    repo.git.branch("orchestrate/issue-1", head);
    const run = await withModelKey(
      env("task-run", tasks[0], { bundle, "secrets-to-mask": MODEL_KEY }, { GITHUB_WORKSPACE: workspace }),
    );
    expect(readFileSync(join(workspace, "config.b64"), "utf8")).not.toContain(MODEL_KEY);

    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe("failed");
    expect(run.lines).toContainEqual(
      expect.stringMatching(
        /^::warning::design\/architect attempt 1 failed \(secret_in_output\): .*"config\.b64"/,
      ),
    );
    const manifest = BundleSchema.parse(JSON.parse(readFileSync(join(bundle, "bundle.json"), "utf8")));
    expect(manifest.files).toEqual([]);
    expect(manifest.record).toMatchObject({ status: "failed", error: { kind: "secret_in_output" } });

    const published = await runIn(env("task-publish", tasks[0], { bundle }));
    expect(published.code).toBe(1);
    expect(published.errors).toEqual([
      expect.stringMatching(
        /^::error::design\/architect attempt 1 failed \(secret_in_output\): .*"config\.b64"/,
      ),
    ]);
    expect(repo.git.readFile(BRANCH, "config.b64")).toBeUndefined();
    expect(JSON.parse(repo.git.readFile(BRANCH, RECORD)!)).toMatchObject({
      error: { kind: "secret_in_output" },
    });
  });

  it("is refused again by task-publish, in a bundle whose agent job skipped the check", async () => {
    const { repo, tasks } = await startExecution(gh);
    const bundle = join(mkdtempSync(join(tmpdir(), "orchestrate-bundle-")), "bundle");
    expect((await runIn(env("task-run", tasks[0], { bundle }))).code).toBe(0);
    // What an agent that controls its job can upload: the secret, URL-encoded, in its output.
    const content = Buffer.from(
      `# Design\ncurl "https://api.example.com/?key=${encodeURIComponent(MODEL_KEY)}"\n`,
    );
    writeFileSync(join(bundle, "files", "0"), content);
    const manifest = BundleSchema.parse(JSON.parse(readFileSync(join(bundle, "bundle.json"), "utf8")));
    manifest.files[0]!.content = { bytes: content.length, sha256: sha256(content) };
    manifest.record.artifacts[0] = {
      ...manifest.record.artifacts[0]!,
      bytes: content.length,
      sha256: sha256(content),
    };
    writeFileSync(join(bundle, "bundle.json"), JSON.stringify(manifest));

    const published = await runIn(env("task-publish", tasks[0], { bundle, "secrets-to-mask": MODEL_KEY }));
    expect(published.code).toBe(1);
    expect(published.errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error::design/architect attempt 1 failed \\(secret_in_output\\): .*"${OUTPUT}"; nothing was committed`,
        ),
      ),
    ]);
    expect(repo.git.readFile(BRANCH, OUTPUT)).toBeUndefined();
    expect(JSON.parse(repo.git.readFile(BRANCH, RECORD)!)).toMatchObject({
      status: "failed",
      artifacts: [],
      error: { kind: "secret_in_output" },
    });

    // (Without the secret in its inputs the publish job cannot know it: the bundle is committed.)
    const { repo: other, tasks: otherTasks } = await startExecution(gh);
    expect((await runIn(env("task-publish", otherTasks[0], { bundle }))).code).toBe(0);
    expect(other.git.readFile(BRANCH, OUTPUT)).toBe(content.toString());
  });

  it("commits a file that only looks like it holds a token, with a warning naming it and the format", async () => {
    const fixture = `ghp_${noise(36)}`;
    const plan = planWith(
      `printf "const fixture = \\"%s\\";\\n" "${fixture}" > "$ORCHESTRATE_ARTIFACTS/design.md"`,
    );
    const { repo, tasks } = await startExecution(gh, plan);
    const run = await runIn(env("task", tasks[0]));
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(repo.git.readFile(BRANCH, OUTPUT)).toBe(`const fixture = "${fixture}";\n`);
    expect(run.lines).toContain(
      `::warning::"${OUTPUT}" (GitHub tokens) holds what looks like a credential and is committed as written: if it is a real one, revoke it and keep it out of the agent's files`,
    );
  });
});

describe("filesWithSecrets, secretInOutput and tokenWarnings", () => {
  const file = (path: string, content: string | null) => ({
    path,
    content: content === null ? null : Buffer.from(content),
  });

  it("searches paths and contents, not deletions", () => {
    const files = [
      file("a.md", "nothing here"),
      file(`notes/${MODEL_KEY.replace("/", "-")}.md`, "x"),
      file("b.bin", `\u0000\u0001${MODEL_KEY}\u0000`),
      file("c.md", null),
    ];
    expect(filesWithSecrets(files, [MODEL_KEY.replace("/", "-"), MODEL_KEY])).toEqual([
      files[1]!.path,
      "b.bin",
    ]);
    expect(filesWithSecrets(files, [])).toEqual([]);
  });

  it("refuses a commit only for values secret by themselves: not a PEM header line, not a short password", () => {
    // A deploy key given line by line in secrets-to-mask, and a short database password.
    const keyLine = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
    const secrets = ["-----BEGIN PRIVATE KEY-----", keyLine, "-----END PRIVATE KEY-----", "postgres"];
    const files = [
      file(
        "test/fixtures/other-key.pem",
        "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBg\n-----END PRIVATE KEY-----\n",
      ),
      file("docker-compose.yml", "services:\n  db:\n    image: postgres:16\n"),
      file("leak.pem", `-----BEGIN PRIVATE KEY-----\n${keyLine}\n`),
    ];
    expect(filesWithSecrets(files, secrets)).toEqual(["leak.pem"]);
  });

  it("names at most five files and counts the rest", () => {
    const paths = Array.from({ length: 7 }, (_, i) => `f${i}.md`);
    const { kind, message } = secretInOutput(paths);
    expect(kind).toBe("secret_in_output");
    expect(message).toContain(
      `files the agent left to commit: "f0.md", "f1.md", "f2.md", "f3.md", "f4.md" and 2 more;`,
    );
  });

  it("warns about ten files at most, then counts the rest", () => {
    const files = Array.from({ length: 12 }, (_, i) => file(`t${i}.ts`, `npm_${noise(36)}`));
    const warnings = tokenWarnings([...files, file("plain.ts", "const x = 1;"), file("gone.ts", null)]);
    expect(warnings).toHaveLength(11);
    expect(warnings[0]).toMatch(/^"t0\.ts" \(npm tokens\) holds what looks like a credential/);
    expect(warnings[10]).toBe("2 more files hold what looks like a credential");
  });

  it("does not read binary files for token formats (still searched for configured secrets)", () => {
    const binary = file("image.bin", `\u0000PNG npm_${noise(36)} ${MODEL_KEY}`);
    expect(tokenWarnings([binary])).toEqual([]);
    expect(tokenWarnings([file("image.txt", `PNG npm_${noise(36)}`)])).toHaveLength(1);
    expect(filesWithSecrets([binary], [MODEL_KEY])).toEqual(["image.bin"]);
  });
});
