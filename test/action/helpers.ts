/** Drives the Action's runner in-process against the mocked GitHub API, as the runner machine would. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { readInputs } from "../../src/action/inputs.ts";
import { runAction } from "../../src/action/runner.ts";
import { actionIO } from "../../src/action/workflow-commands.ts";
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { createTestOctokit } from "../../src/github/octokit.ts";
import { fakeIssueSide } from "../support/github/fake-issues.ts";
import { fakeRepo, type GitHubMock, type GitHubRequest, type Handler } from "../support/github/index.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";

export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const TOKEN = "ghs_actionTestToken000000000000000000000";

/** Two phases: the architect writes a design; the developer reads it and changes the checkout. */
export const PLAN = `version: 1
agents:
  architect:
    run: 'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'
    outputs: { design: { path: design.md } }
  dev:
    run: 'mkdir -p src && cp "$ORCHESTRATE_INPUTS/design__architect/design.md" "$ORCHESTRATE_ARTIFACTS/notes.md" && echo "export const x = 1;" > src/x.ts && mkdir -p .github/workflows && echo "on: push" > .github/workflows/new.yml'
    outputs: { notes: { path: notes.md } }
phases:
  - { id: design, agents: [architect] }
  - { id: build, needs: [design], agents: [dev] }
`;

/** What one run of the Action left: exit code, log lines, outputs and summary. */
export interface ActionRun {
  code: number;
  lines: string[];
  outputs: Record<string, string>;
  summary: string;
  /** `::error::` lines outside of `::stop-commands::` blocks. */
  errors: string[];
}

/** Parses a `$GITHUB_OUTPUT` file (heredoc form). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join("\n");
  }
  return out;
}

/** Log lines that are workflow commands the runner obeys (outside `::stop-commands::` blocks). */
export function activeCommands(lines: readonly string[]): string[] {
  const out: string[] = [];
  let stop: string | undefined;
  for (const line of lines) {
    if (stop !== undefined) {
      if (line === `::${stop}::`) stop = undefined;
      continue;
    }
    const m = /^::stop-commands::(.+)$/.exec(line);
    if (m) stop = m[1];
    else if (line.startsWith("::")) out.push(line);
  }
  return out;
}

/** Writes an event payload to a temporary file and returns its path. */
export function eventFile(payload: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "orchestrate-event-")), "event.json");
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

/** The runner's environment for a job of `Codertocat/Hello-World`, with `INPUT_*` set from `inputs`. */
export function jobEnv(
  inputs: Record<string, string>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-job-"));
  const env: Record<string, string> = {
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_API_URL: "https://api.github.com",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "4242",
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_STEP_SUMMARY: join(dir, "summary"),
    RUNNER_TEMP: join(dir, "temp"),
    GITHUB_WORKSPACE: mkdtempSync(join(tmpdir(), "orchestrate-workspace-")),
    ...extra,
  };
  writeFileSync(env.GITHUB_OUTPUT!, "");
  writeFileSync(env.GITHUB_STEP_SUMMARY!, "");
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

/** Runs the Action in-process with `env`; the GitHub client sends every request once. */
export async function runIn(env: Record<string, string>): Promise<ActionRun> {
  const lines: string[] = [];
  let pending = "";
  const io = actionIO(
    (text) => {
      pending += text;
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      lines.push(...parts);
    },
    { GITHUB_OUTPUT: env.GITHUB_OUTPUT, GITHUB_STEP_SUMMARY: env.GITHUB_STEP_SUMMARY },
  );
  let now = Date.UTC(2025, 5, 1);
  const code = await runAction(readInputs(env), env, {
    io,
    createClient: createTestOctokit,
    now: () => (now += 1000),
    random: seededRandom(7),
  });
  const read = (path: string | undefined) => (path ? readFileSync(path, "utf8") : "");
  return {
    code,
    lines,
    outputs: parseOutputs(read(env.GITHUB_OUTPUT)),
    summary: read(env.GITHUB_STEP_SUMMARY),
    errors: activeCommands(lines).filter((l) => l.startsWith("::error::")),
  };
}

/** `issues.labeled` with the `orchestrate` label, from the real example payload. */
export function labeledPayload(sender = OWNER) {
  return withPatch(examplePayload("issues", "labeled"), {
    label: { name: "orchestrate" },
    sender: { login: sender },
    issue: { title: "Sign-up page", body: "Project: sign-up\nRequirements: email login" },
  });
}

/** `repository_dispatch` `orchestrate-result` for this repository, from the real example payload. */
export function resultPayload(clientPayload: Record<string, unknown>) {
  const repository = examplePayload("issues", "labeled").repository;
  const base = examplePayload("repository_dispatch");
  return { ...base, action: "orchestrate-result", client_payload: clientPayload, repository };
}

/**
 * A repository with `plan` and an execution for issue #1 started by the orchestrate mode; returns
 * the fake repository, the issue side (dispatches, comments) and the tasks it dispatched.
 */
export async function startExecution(gh: GitHubMock, plan = PLAN) {
  // The fakes' handlers, kept by route, so that a test can wrap one (fail it once, say).
  const handlers = new Map<string, Handler>();
  const capturing = new Proxy(gh, {
    get(target, key) {
      if (key !== "on") return Reflect.get(target, key);
      return (route: string, handler: Handler) => {
        handlers.set(route, handler);
        return gh.on(route, handler);
      };
    },
  }) as GitHubMock;
  const repo = fakeRepo(capturing, { owner: OWNER, repo: REPO, files: { ".github/orchestrate.yml": plan } });
  const side = fakeIssueSide(capturing);
  const run = await runIn(
    jobEnv(
      { mode: "orchestrate", "github-token": TOKEN },
      { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: eventFile(labeledPayload()) },
    ),
  );
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(0);
  const tasks = JSON.parse(side.workflowDispatches.at(-1)!.inputs.tasks!) as Record<string, unknown>[];
  return { repo, side, tasks, handlers };
}

/** The requests that change something on GitHub: REST calls other than GET, GraphQL mutations. */
export function writeRequests(requests: readonly GitHubRequest[]): string[] {
  return requests
    .filter((r) =>
      r.path === "/graphql"
        ? /^\s*mutation\b/.test(String((r.body as { query?: unknown } | undefined)?.query ?? ""))
        : r.method !== "GET" && r.method !== "HEAD",
    )
    .map((r) => r.route ?? `${r.method} ${r.path}`);
}

export { fakeIssueSide };
