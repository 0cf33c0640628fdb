import { describe, expect, it } from "vitest";
import { orchestrateApp } from "../../src/app/app.ts";
import { REPOSITORY } from "../support/github/app.ts";
import { fakeIssueSide, fakeRepo, useGitHubMock } from "../support/github/index.ts";
import { examplePayload, webhookEvent, withPatch } from "../support/github/payloads.ts";
import { mockInstallationTokens, TEST_APP_ID, testProbot } from "../support/github/probot.ts";

const gh = useGitHubMock();

const PLAN = `version: 1
agents:
  dev: { run: ./dev.sh }
phases:
  - { id: build, agents: [dev] }
  - { id: test, needs: [build], agents: [dev] }
`;

const labeled = () =>
  withPatch(examplePayload("issues", "labeled"), {
    label: { name: "orchestrate" },
    issue: { number: 7 },
    repository: REPOSITORY,
  });

describe("made once", () => {
  it("a check run whose creation got no answer, and could not be looked up then, is looked up on the next tick, not made again", async () => {
    mockInstallationTokens(gh);
    fakeRepo(gh, { owner: "Codertocat", repo: "Hello-World", files: { ".github/orchestrate.yml": PLAN } });
    // The dispatch gets no clear answer: the tick that follows saves nothing (same state).
    const side = fakeIssueSide(gh, { dispatchAnswer: () => [502, { message: "Server Error" }] });
    let lost = false;
    let listRefused = false;
    gh.on("POST /repos/{owner}/{repo}/check-runs", ({ body }) => {
      const id = side.checks.size + 1;
      side.checks.set(id, { id, node_id: `CR_${id}`, ...(body as object) });
      // The second phase's check run is made, but the answer is lost...
      if ((body as { name: string }).name === "orchestrate / test" && !lost) {
        lost = true;
        return [502, { message: "Server Error" }];
      }
      return [201, side.checks.get(id)];
    });
    gh.on("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", ({ params, query }) => {
      // ...and GitHub refuses the lookup that follows.
      if (lost && !listRefused) {
        listRefused = true;
        return [502, { message: "Server Error" }];
      }
      const runs = [...side.checks.values()].filter(
        (c) => c.head_sha === params.ref && c.name === query.check_name,
      );
      return [200, { total_count: runs.length, check_runs: runs }];
    });
    const { app, host } = orchestrateApp({ tickMs: 0, appId: TEST_APP_ID });
    const probot = testProbot();
    await probot.load(app);
    await probot.receive(webhookEvent("issues", labeled()));
    await host().queue.idle();
    expect(listRefused).toBe(true);
    await host().tick();
    await host().queue.idle();
    const names = [...side.checks.values()].map((c) => c.name);
    expect(names.filter((n) => n === "orchestrate / test")).toHaveLength(1);
    // The lookups ask for this app's check runs only.
    const lookups = gh.requests.filter(
      (r) => r.route === "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
    );
    expect(lookups.map((r) => r.query.app_id)).toEqual(lookups.map(() => String(TEST_APP_ID)));
    expect(lookups.length).toBeGreaterThan(0);
  });
});

describe("said once", () => {
  it("two processes handling the same label: the start's notes are posted by the one whose start landed", async () => {
    mockInstallationTokens(gh);
    const repo = fakeRepo(gh, { owner: "Codertocat", repo: "Hello-World", files: {} });
    const side = fakeIssueSide(gh);
    const a = orchestrateApp({ tickMs: 0 });
    const b = orchestrateApp({ tickMs: 0 });
    const pa = testProbot();
    const pb = testProbot();
    await pa.load(a.app);
    await pb.load(b.app);
    await Promise.all([
      pa.receive(webhookEvent("issues", labeled(), "L1")),
      pb.receive(webhookEvent("issues", labeled(), "L1")),
    ]);
    await Promise.all([a.host().queue.idle(), b.host().queue.idle()]);
    // No plan: the start says it uses the default template, once.
    const notes = side.comments.filter((c) => c.body.includes("No `.github/orchestrate.yml`"));
    expect(notes).toHaveLength(1);
    const dashboards = side.comments.filter((c) => c.body.startsWith("<!-- orchestrate:dashboard -->"));
    expect(dashboards).toHaveLength(1);
    const events = repo.git.readFile("orchestrate-state", "executions/7/events.jsonl")!.trim().split("\n");
    expect(events.map((line) => JSON.parse(line).type)).toEqual(["execution_started"]);
  });
});
