/**
 * Webhook acknowledgement latency of the app server (`npm start`): 1,000 signed deliveries sent
 * one after another, each timed from request to response, while the queued work for the earlier
 * ones runs in the background against the validated mock. The handler makes no GitHub call before
 * answering; the figure shows what the queueing costs — and, with `journal`, what appending each
 * delivery to ORCHESTRATE_JOURNAL before answering adds.
 */

import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { startServer } from "../../src/app/server.ts";
import { mockGitHub } from "../../test/support/github/mock-github.ts";
import { examplePayload, withPatch } from "../../test/support/github/payloads.ts";
import { testPrivateKey } from "../../test/support/github/probot.ts";

export interface AckFigures {
  deliveries: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  calls_before_ack: number;
}

export async function webhookAck(deliveries = 1000, journal = false): Promise<AckFigures> {
  const dir = journal ? await mkdtemp(join(tmpdir(), "orchestrate-bench-")) : undefined;
  const gh = mockGitHub();
  gh.on("POST /app/installations/{installation_id}/access_tokens", () => [
    201,
    { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {}, repository_selection: "all" },
  ]);
  gh.on("GET /repos/{owner}/{repo}/collaborators/{username}/permission", () => [
    200,
    { permission: "read", role_name: "read", user: null },
  ]);
  gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", () => [201, { id: 1 }]);
  gh.on("GET /repos/{owner}/{repo}/git/ref/{ref}", () => [404, { message: "Not Found" }]);
  gh.on("GET /repos/{owner}/{repo}/git/matching-refs/{ref}", () => [200, []]);
  // The label is still on the open issue when its queued work reads it back.
  gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}", ({ params }) => {
    const number = Number(params.issue_number);
    return [
      200,
      {
        id: number,
        node_id: `I_${number}`,
        number,
        title: "An issue",
        state: "open",
        labels: [{ id: 1, name: "orchestrate" }],
        user: { login: "Codertocat", id: 1, type: "User" },
      },
    ];
  });
  const server = await startServer({
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: "bench",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "fatal",
    ORCHESTRATE_TICK_MINUTES: "0",
    ORCHESTRATE_DISCOVER: "0",
    ORCHESTRATE_REDELIVER_HOURS: "0",
    ...(dir ? { ORCHESTRATE_JOURNAL: join(dir, "journal.jsonl") } : {}),
  });
  const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/api/github/webhooks`;
  // Each run on its own repository and installation, to tell its requests from an earlier run's.
  const repository = journal ? "ack-journaled" : "ack";
  const installation = journal ? 2 : 1;
  const ours = (requests: { path: string }[]) =>
    requests.filter(
      (r) =>
        r.path.startsWith(`/repos/Codertocat/${repository}/`) ||
        r.path === `/app/installations/${installation}/access_tokens`,
    ).length;
  const times: number[] = [];
  let callsBeforeAck = 0;
  // Acknowledged = the answer handed to the network ('finish'); the client reads it a little later.
  let atFinish: number | undefined;
  server.server.prependListener("request", (_req, res) => {
    res.on("finish", () => {
      atFinish ??= gh.requests.length;
    });
  });
  try {
    for (let i = 0; i < deliveries; i++) {
      const payload = withPatch(examplePayload("issues", "labeled"), {
        label: { name: "orchestrate" },
        issue: { number: 1000 + i },
        repository: { name: repository },
        installation: { id: installation },
      });
      const body = JSON.stringify(payload);
      const before = gh.requests.length;
      const started = performance.now();
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-github-event": "issues",
          "x-github-delivery": `bench-${i}`,
          "x-hub-signature-256": `sha256=${createHmac("sha256", "bench").update(body).digest("hex")}`,
        },
      });
      await response.arrayBuffer();
      times.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`delivery ${i} answered ${response.status}`);
      // Work of this delivery must not have reached GitHub before the answer (earlier ones may;
      // so may the work still queued by an earlier run of this benchmark, on its own repository).
      if (i === 0) callsBeforeAck = ours(gh.requests.slice(before, atFinish ?? gh.requests.length));
    }
    // What reached the mock by now (the queued work goes on after the figures are taken) must be
    // valid and mocked: figures of requests GitHub would refuse mean nothing.
    const problems = gh.problems();
    if (problems.length > 0)
      throw new Error(
        `${problems.length} invalid or unmocked request(s), among them: ${[...new Set(problems)].slice(0, 10).join("; ")}`,
      );
  } finally {
    server.server.close();
    server.host.stop();
    await server.host.closeJournal();
    gh.restore();
    // The app's queued work goes on in the background until the process ends: it must never
    // reach the real GitHub (it fails here at once instead).
    nock.disableNetConnect();
    nock.enableNetConnect(/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/);
    if (dir) await rm(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return {
    deliveries,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    max_ms: times.at(-1)!,
    calls_before_ack: callsBeforeAck,
  };
}
