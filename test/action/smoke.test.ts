/**
 * The built bundle (`dist/action/index.js`) run as the runner runs it: a separate Node process with
 * `INPUT_*` variables, an event file, and `GITHUB_API_URL` pointing at a local HTTP server. That
 * server forwards every request to the mocked https://api.github.com of this process, so the
 * bundle's requests are checked against GitHub's OpenAPI description like the in-process tests'.
 *
 * Runs under this Node and, when the NODE24 variable names a Node 24 binary (`npm i node@24` in a
 * scratch folder gives one: `node_modules/.bin/node`), under Node 24 — the runtime `action.yml`
 * asks for.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultPath, taskBranch } from "../../src/github/result-record.ts";
import { fakeRepo, useGitHubMock } from "../support/github/index.ts";
import {
  activeCommands,
  eventFile,
  fakeIssueSide,
  jobEnv,
  labeledPayload,
  OWNER,
  PLAN,
  parseOutputs,
  REPO,
  runIn,
  startExecution,
  TOKEN,
  writeRequests,
} from "./helpers.ts";

const BUNDLE = "dist/action/index.js";
const gh = useGitHubMock();

let server: Server;
let apiUrl: string;

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([name, value]) =>
          typeof value === "string" && !["host", "connection", "content-length"].includes(name),
      ),
    ) as Record<string, string>;
    const data = await body(req);
    const response = await fetch(`https://api.github.com${req.url}`, {
      method: req.method ?? "GET",
      headers,
      ...(data.length > 0 ? { body: data } : {}),
    });
    const payload = Buffer.from(await response.arrayBuffer());
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!["content-encoding", "transfer-encoding", "content-length", "connection"].includes(name))
        out[name] = value;
    });
    res.writeHead(response.status, { ...out, "content-length": String(payload.length) });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs the bundle with `node`; resolves with its exit code, log lines and outputs. */
function runBundle(node: string, env: Record<string, string>) {
  const childEnv = { ...env, GITHUB_API_URL: apiUrl, PATH: process.env.PATH ?? "/usr/bin:/bin" };
  return new Promise<{ code: number; lines: string[]; outputs: Record<string, string> }>((resolve) => {
    execFile(node, [BUNDLE], { env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      if (code !== 0 && code !== 1) console.error(stderr);
      resolve({
        code,
        lines: stdout.split("\n"),
        outputs: parseOutputs(readFileSync(env.GITHUB_OUTPUT!, "utf8")),
      });
    });
  });
}

const node24 = process.env.NODE24;
const runtimes: [string, string][] = [[`node ${process.versions.node}`, process.execPath]];
if (node24 && existsSync(node24)) runtimes.push(["node 24 (NODE24)", node24]);
else
  console.info("smoke tests under Node 24 skipped: set NODE24 to a Node 24 binary (npm i node@24 gives one)");

describe.each(runtimes)("the built Action under %s", (_name, node) => {
  it("fails a malformed task with one error line and a non-zero exit", async () => {
    const run = await runBundle(
      node,
      jobEnv({ mode: "task", "github-token": TOKEN, task: "{nope", issue: "1" }),
    );
    expect(run.code).toBe(1);
    expect(activeCommands(run.lines)).toEqual([
      expect.stringMatching(/^::add-mask::/),
      expect.stringMatching(/^::error::input `task` is not valid JSON/),
    ]);
  });

  it("orchestrate mode: answers a labeled issue, and fails when GitHub refuses the token", async () => {
    fakeRepo(gh, { owner: OWNER, repo: REPO, files: { ".github/orchestrate.yml": PLAN } });
    const side = fakeIssueSide(gh);
    const env = jobEnv(
      { mode: "orchestrate", "github-token": TOKEN },
      { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: eventFile(labeledPayload("reader")) },
    );
    const ok = await runBundle(node, env);
    expect(ok.code).toBe(0);
    expect(ok.outputs.status).toBe("handled");
    expect(side.comments).toHaveLength(1);

    gh.on("GET /repos/{owner}/{repo}/collaborators/{username}/permission", () => [
      401,
      { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" },
    ]);
    const refused = await runBundle(node, { ...env, GITHUB_OUTPUT: jobEnv({}).GITHUB_OUTPUT! });
    expect(refused.code).toBe(1);
    expect(activeCommands(refused.lines).filter((l) => l.startsWith("::error::"))).toEqual([
      expect.stringMatching(/Bad credentials/),
    ]);
  });

  it("task mode: runs the agent and commits its result", async () => {
    const repo = fakeRepo(gh, { owner: OWNER, repo: REPO, files: { ".github/orchestrate.yml": PLAN } });
    const side = fakeIssueSide(gh);
    await runIn(
      jobEnv(
        { mode: "orchestrate", "github-token": TOKEN },
        { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: eventFile(labeledPayload()) },
      ),
    );
    const task = side.workflowDispatches[0]!.inputs.tasks!;
    const run = await runBundle(
      node,
      jobEnv({ mode: "task", "github-token": TOKEN, task: JSON.stringify(JSON.parse(task)[0]), issue: "1" }),
    );
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe("succeeded");
    const branch = taskBranch(1, "design/architect");
    expect(run.outputs["result-sha"]).toBe(repo.git.head(branch));
    expect(repo.git.readFile(branch, resultPath(1, "design/architect"))).toContain('"status": "succeeded"');
    expect(side.resultDispatches).toHaveLength(1);
  }, 60_000);

  it.skipIf(!existsSync("/proc/self/environ"))(
    "task-run then task-publish: the agent can read its parent's environment, which holds only a read token",
    async () => {
      const readToken = "ghs_readOnlyJobToken00000000000000000000";
      const seen = join(mkdtempSync(join(tmpdir(), "orchestrate-agent-")), "parent-environ");
      // The agent dumps what its parent process (the Action) was started with.
      const plan = PLAN.replace(
        `run: 'printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"; echo "design done"'`,
        `run: 'tr "\\0" "\\n" < /proc/$PPID/environ >> "${seen}"; printf "# Design\\n" > "$ORCHESTRATE_ARTIFACTS/design.md"'`,
      );
      expect(plan).not.toBe(PLAN);
      const { repo, side, tasks } = await startExecution(gh, plan);
      const task = JSON.stringify(tasks[0]);
      const bundle = join(mkdtempSync(join(tmpdir(), "orchestrate-bundle-")), "bundle");
      const from = gh.requests.length;
      const ran = await runBundle(
        node,
        jobEnv({ mode: "task-run", "github-token": readToken, task, issue: "1", bundle }),
      );
      expect(ran.code).toBe(0);
      expect(ran.outputs.status).toBe("succeeded");
      const environ = readFileSync(seen, "utf8").split("\n");
      // INPUT_* is kept out of the agent's own environment, yet the parent's is readable: whatever
      // token the agent's job holds, the agent holds. In task-run it is a read token, and all the
      // job does with it is read.
      expect(environ).toContain(`INPUT_GITHUB-TOKEN=${readToken}`);
      expect(environ.join("\n")).not.toContain(TOKEN);
      const taskRun = gh.requests.slice(from);
      expect(taskRun.length).toBeGreaterThan(0);
      expect(writeRequests(taskRun)).toEqual([]);
      // Every one, GraphQL reads included, with the read token.
      expect(new Set(taskRun.map((r) => r.headers.authorization))).toEqual(new Set([`token ${readToken}`]));
      expect(repo.git.head(taskBranch(1, "design/architect"))).toBeUndefined();

      const lines = readFileSync(seen, "utf8").length;
      const publishing = gh.requests.length;
      const published = await runBundle(
        node,
        jobEnv({ mode: "task-publish", "github-token": TOKEN, task, issue: "1", bundle }),
      );
      expect(published.code).toBe(0);
      const branch = taskBranch(1, "design/architect");
      expect(published.outputs["result-sha"]).toBe(repo.git.head(branch));
      expect(repo.git.readFile(branch, ".orchestrate/issue-1/artifacts/design__architect/design.md")).toBe(
        "# Design\n",
      );
      expect(side.resultDispatches).toHaveLength(1);
      expect(new Set(gh.requests.slice(publishing).map((r) => r.headers.authorization))).toEqual(
        new Set([`token ${TOKEN}`]),
      );
      // The publish job ran no agent: nothing was added to what the agent saw.
      expect(readFileSync(seen, "utf8").length).toBe(lines);
    },
    60_000,
  );
});
