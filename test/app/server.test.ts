import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { createProbot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AppOctokit, appOptionsFromEnv, startServer } from "../../src/app/server.ts";
import { useGitHubMock } from "../support/github/index.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";
import { mockInstallationTokens, testPrivateKey } from "../support/github/probot.ts";

const gh = useGitHubMock();
let close: (() => void) | undefined;
afterEach(() => close?.());

let running: Awaited<ReturnType<typeof startServer>> | undefined;

async function start(extra: Record<string, string> = {}) {
  const server = await startServer({
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: "s3cret",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "fatal",
    ORCHESTRATE_TICK_MINUTES: "0",
    ORCHESTRATE_DISCOVER: "0",
    ORCHESTRATE_REDELIVER_HOURS: "0",
    ...extra,
  });
  running = server;
  close = () => server.server.close();
  return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
}

function send(base: string, name: string, payload: unknown, secret = "s3cret") {
  const body = JSON.stringify(payload);
  return fetch(`${base}/api/github/webhooks`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": name,
      "x-github-delivery": `d-${Math.random()}`,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
  });
}

describe("npm start: the webhook server", () => {
  it("answers a verified webhook before any GitHub call, and refuses a bad signature", async () => {
    gh.on("POST /app/installations/{installation_id}/access_tokens", () => [503, { message: "down" }]);
    const base = await start();
    const labeled = withPatch(examplePayload("issues", "labeled"), { label: { name: "orchestrate" } });
    const answer = await send(base, "issues", labeled);
    expect(answer.status).toBe(200);
    expect(gh.requests).toHaveLength(0);
    const forged = await send(base, "issues", labeled, "wrong");
    expect(forged.status).toBe(400);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // The queued work reaches GitHub afterwards (here: an installation token request).
    await expect
      .poll(() => gh.requests.map((r) => r.route), { timeout: 5000 })
      .toContain("POST /app/installations/{installation_id}/access_tokens");
  });

  it("names at the stop the executions whose label waits to be handled again after a failure", async () => {
    // GitHub refuses the installation token (an answer the app's Octokit does not retry): the
    // label is to be handled again in 30 s.
    gh.on("POST /app/installations/{installation_id}/access_tokens", () => [
      401,
      { message: "A JSON web token could not be decoded" },
    ]);
    const base = await start();
    const labeled = withPatch(examplePayload("issues", "labeled"), { label: { name: "orchestrate" } });
    expect((await send(base, "issues", labeled)).status).toBe(200);
    await expect.poll(() => running!.host.retrying, { timeout: 5000 }).toEqual(["Codertocat/Hello-World#1"]);
    // Nothing is queued: the label waits outside the queue.
    expect(running!.host.queue.busy).toEqual([]);
    expect(running!.host.retrying).toEqual(["Codertocat/Hello-World#1"]);
    expect(await running!.shutdown()).toEqual(["Codertocat/Hello-World#1"]);
    expect(running!.host.retrying).toEqual([]);
  });

  it("shuts down gracefully: no new webhooks, queued work finishes first (or is named when the grace runs out)", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The queued work waits on GitHub (its installation token) until released.
    let asked = 0;
    gh.on("POST /app/installations/{installation_id}/access_tokens", async () => {
      asked++;
      await held;
      return [401, { message: "A JSON web token could not be decoded" }];
    });
    const base = await start();
    const labeled = withPatch(examplePayload("issues", "labeled"), { label: { name: "orchestrate" } });
    expect((await send(base, "issues", labeled)).status).toBe(200);
    // The work has started: it waits on its token.
    await expect.poll(() => asked, { timeout: 5000 }).toBe(1);
    let done = false;
    const stopping = running!.shutdown().then((cut) => {
      done = true;
      return cut;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(false);
    // New webhooks are refused: a new connection cannot connect, a kept-alive one is answered 503
    // (GitHub records a failure either way, and the next start asks for the delivery again).
    const late = await send(base, "issues", labeled).then(
      (r) => r.status,
      () => "refused",
    );
    expect([503, "refused"]).toContain(late);
    release();
    // The label's handling failed (GitHub refused the token) while stopping: it is not handled
    // again later, and the stop names its execution.
    expect(await stopping).toEqual(["Codertocat/Hello-World#1"]);

    // With work that does not finish within the grace, the executions left are named.
    gh.on("POST /app/installations/{installation_id}/access_tokens", () => {
      asked++;
      return new Promise(() => {});
    });
    const again = await start({ ORCHESTRATE_SHUTDOWN_SECONDS: "0.2" });
    expect((await send(again, "issues", labeled)).status).toBe(200);
    await expect.poll(() => asked, { timeout: 5000 }).toBe(2);
    expect(await running!.shutdown()).toEqual(["Codertocat/Hello-World#1"]);
  });

  it("while stopping, a request on a connection that stays open (a proxy's, say) is answered 503 and closed", async () => {
    const base = await start({ ORCHESTRATE_SHUTDOWN_SECONDS: "0.5" });
    const socket = connect(Number(new URL(base).port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    let answer = "";
    socket.on("data", (d) => {
      answer += String(d);
    });
    // A request under way when the stop begins keeps its connection open.
    const underWay = new Promise((resolve) => running!.server.once("request", resolve));
    socket.write("POST /api/github/webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n");
    await underWay;
    const stopping = running!.shutdown();
    // The request under way is answered; the next one on the same connection is refused.
    socket.write("{}GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((resolve) => socket.once("close", resolve));
    const answers = answer.split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(answers[1]!.toLowerCase()).toContain("connection: close");
    await stopping;
  });

  it("npm start's process stops on SIGTERM after its queued work, exit code 0", async () => {
    const child = spawn(process.execPath, ["dist/app/index.js"], {
      cwd: new URL("../..", import.meta.url),
      env: {
        PATH: process.env.PATH,
        APP_ID: "1",
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: "s3cret",
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        LOG_FORMAT: "json",
        ORCHESTRATE_DISCOVER: "0",
        ORCHESTRATE_REDELIVER_HOURS: "0",
      },
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += String(d);
    });
    child.stderr.on("data", (d) => {
      out += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 100 && !out.includes("listening"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain("listening");
    child.kill("SIGTERM");
    const code = await exited;
    // The output goes with the figures, so that a failure says what the process printed.
    expect({ code, stopping: out.includes("SIGTERM: finishing queued work"), out }).toMatchObject({
      code: 0,
      stopping: true,
    });
  });

  it("refuses to start without its settings, naming them", async () => {
    await expect(startServer({ PORT: "0" })).rejects.toThrow(/APP_ID is not set.*PRIVATE_KEY/);
    // Without a private key, both ways to give it are named (not Probot's "privateKey option is required").
    await expect(startServer({ APP_ID: "1", WEBHOOK_SECRET: "s", PORT: "0" })).rejects.toThrow(
      /Neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set/,
    );
    await expect(
      startServer({ APP_ID: "1", WEBHOOK_SECRET: "s", PORT: "0", PRIVATE_KEY_PATH: "/nowhere/app.pem" }),
    ).rejects.toThrow(/PRIVATE_KEY_PATH is "\/nowhere\/app.pem", which does not exist/);
    await expect(start({ ORCHESTRATE_SHUTDOWN_SECONDS: "3000000" })).rejects.toThrow(
      /ORCHESTRATE_SHUTDOWN_SECONDS is "3000000": set it to a number of seconds, from 0 to 2147483 /,
    );
  });

  it("refuses a period longer than Node can wait (it would tick every millisecond), or not a number", () => {
    expect(appOptionsFromEnv({ ORCHESTRATE_TICK_MINUTES: "35791" }).tickMs).toBe(35_791 * 60_000);
    expect(() => appOptionsFromEnv({ ORCHESTRATE_TICK_MINUTES: "40000" })).toThrow(
      /ORCHESTRATE_TICK_MINUTES is "40000": set it to a number of minutes, from 0 to 35791 /,
    );
    expect(() => appOptionsFromEnv({ ORCHESTRATE_TICK_MINUTES: "-1" })).toThrow(/ORCHESTRATE_TICK_MINUTES/);
    expect(() => appOptionsFromEnv({ ORCHESTRATE_REDELIVER_HOURS: "a day" })).toThrow(
      /ORCHESTRATE_REDELIVER_HOURS is "a day": set it to a number of hours, 0 or more/,
    );
  });

  it("reads its own settings from the environment", () => {
    expect(
      appOptionsFromEnv({
        ORCHESTRATE_LABEL: "go",
        ORCHESTRATE_WORKFLOW: "a.yml",
        ORCHESTRATE_TICK_MINUTES: "2",
        ORCHESTRATE_APP_SLUG: "my-orchestrate",
        ORCHESTRATE_ALLOW_BOTS: "renovate[bot], dependabot ",
        ORCHESTRATE_REDELIVER_HOURS: "6",
        APP_ID: "123",
      }),
    ).toEqual({
      appId: 123,
      label: "go",
      workflow: "a.yml",
      tickMs: 120_000,
      appSlug: "my-orchestrate",
      allowBots: ["renovate[bot]", "dependabot"],
      redeliverHours: 6,
    });
    expect(appOptionsFromEnv({})).toEqual({});
  });

  it("app.yml asks for the least permissions and the events the flow handles", () => {
    const manifest = parse(readFileSync(new URL("../../app.yml", import.meta.url), "utf8")) as {
      default_permissions: Record<string, string>;
      default_events: string[];
    };
    for (const p of ["actions", "checks", "contents", "issues", "pull_requests"])
      expect(manifest.default_permissions[p]).toBe("write");
    expect(manifest.default_permissions.metadata).toBe("read");
    for (const e of [
      "issues",
      "issue_comment",
      "pull_request",
      "pull_request_review",
      "check_run",
      "check_suite",
      "workflow_job",
      "workflow_run",
      "repository_dispatch",
      "deployment_status",
    ]) {
      expect(manifest.default_events).toContain(e);
    }
  });
});

describe("the app's Octokit", () => {
  it("waits out a secondary rate limit (403 with retry-after), where Probot's own handler gives up", async () => {
    mockInstallationTokens(gh);
    let calls = 0;
    gh.on("GET /repos/{owner}/{repo}", () =>
      ++calls === 1
        ? [
            403,
            {
              message:
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            },
            { "retry-after": "1" },
          ]
        : [200, { id: 1, name: "r", full_name: "o/r", default_branch: "main" }],
    );
    const probot = createProbot({
      env: { APP_ID: "1", PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET: "s", LOG_LEVEL: "fatal" },
      overrides: { Octokit: AppOctokit },
    });
    const octokit = await probot.auth(1);
    const { data } = await octokit.rest.repos.get({ owner: "o", repo: "r" });
    expect(data.full_name).toBe("o/r");
    expect(calls).toBe(2);
  });
});
