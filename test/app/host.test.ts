import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { orchestrateApp } from "../../src/app/app.ts";
import { type AppHost, INSTALLATION_IDLE_MS } from "../../src/app/host.ts";
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { GitHubOrchestrator, type Trigger } from "../../src/github/orchestrator.ts";
import type { Clock } from "../../src/ports/clock.ts";
import { appOn, REPOSITORY } from "../support/github/app.ts";
import { useGitHubMock } from "../support/github/index.ts";
import { examplePayload, TEST_INSTALLATION_ID, webhookEvent, withPatch } from "../support/github/payloads.ts";
import { testProbot } from "../support/github/probot.ts";

const gh = useGitHubMock();
const NOW = Date.parse("2026-11-22T00:00:00Z");
const REF = { owner: "Codertocat", repo: "Hello-World", issue: 7 };
const KEY = "Codertocat/Hello-World#7";
const TOKEN = "POST /app/installations/{installation_id}/access_tokens";

/** One phase of three parallel tasks: its tick reads each task's branch and its run. */
const PLAN = `version: 1
agents:
  dev: { run: ./dev.sh }
phases:
  - { id: build, agents: [dev], matrix: { module: [a, b, c] } }
`;

const labeled = () =>
  withPatch(examplePayload("issues", "labeled"), {
    label: { name: "orchestrate" },
    issue: { number: 7 },
    repository: REPOSITORY,
  });

/** A clock whose timers never fire by themselves: they are kept to be looked at. */
function heldClock() {
  const timers = new Map<number, { ms: number; fn: () => void }>();
  let next = 0;
  const clock: Clock = {
    now: () => NOW,
    setTimeout: (fn, ms) => {
      timers.set(++next, { fn, ms });
      return next;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
  };
  return { clock, timers };
}

describe("the host's tick", () => {
  it("ticks queued together read GitHub back once", async () => {
    const clock = new VirtualClock(NOW);
    const { host, receive } = await appOn(
      gh,
      { ".github/orchestrate.yml": PLAN },
      { clock, random: seededRandom(1) },
    );
    await receive("issues", labeled());
    // (The first tick after the start reads a little more than the next ones.)
    await host().enqueue(TEST_INSTALLATION_ID, REF, { kind: "tick" });
    let before = gh.requests.length;
    await host().enqueue(TEST_INSTALLATION_ID, REF, { kind: "tick" });
    const one = gh.requests.length - before;
    expect(one).toBeGreaterThan(1);
    before = gh.requests.length;
    // Three periods came round while a slow batch ran: one batch with three ticks.
    await Promise.all([1, 2, 3].map(() => host().enqueue(TEST_INSTALLATION_ID, REF, { kind: "tick" })));
    expect(gh.requests.length - before).toBe(one);
  });

  it("queues no tick for an execution whose tick still waits", async () => {
    const clock = new VirtualClock(NOW);
    const { host, receive } = await appOn(
      gh,
      { ".github/orchestrate.yml": PLAN },
      { clock, random: seededRandom(1) },
    );
    await receive("issues", labeled());
    const handle = vi.spyOn(GitHubOrchestrator.prototype, "handle");
    try {
      await Promise.all([host().tick(), host().tick(), host().tick()]);
      await host().queue.idle();
      const batches = handle.mock.calls.map(([, triggers]) => triggers.map((t: Trigger) => t.kind));
      expect(batches).toEqual([["tick"]]);
    } finally {
      handle.mockRestore();
    }
  });
});

describe("triggers waiting to be handled again when the host stops", () => {
  it("are named, dropped and logged as lost without a journal", async () => {
    const { clock, timers } = heldClock();
    const { host, receive } = await appOn(
      gh,
      { ".github/orchestrate.yml": "version: 1\nextends: full-delivery\n" },
      { clock },
    );
    // GitHub refuses the state branch for a moment: the label's batch fails.
    gh.on("GET /repos/{owner}/{repo}/git/ref/{ref}", () => [502, { message: "Bad gateway" }]);
    await receive("issues", labeled());
    // The queue is idle, but the label waits outside it to be handled again.
    expect(host().queue.busy).toEqual([]);
    expect([...timers.values()].map((t) => t.ms)).toEqual([30_000]);
    expect(host().retrying).toEqual([KEY]);

    host().stop();
    expect(host().retrying).toEqual([]);
    expect(host().dropped).toEqual([KEY]);
    // Its timer is cleared: nothing is handled after the stop.
    expect(timers.size).toBe(0);
  });

  it("say what became of them: lost, or kept in the journal", async () => {
    const dir = await mkdtemp(join(tmpdir(), "orchestrate-host-"));
    for (const path of [undefined, join(dir, "journal.jsonl")]) {
      const { clock } = heldClock();
      const { app, host } = orchestrateApp({ tickMs: 0, clock, ...(path ? { journalPath: path } : {}) });
      const probot = testProbot();
      await probot.load(app);
      const warn = vi.spyOn(probot.log, "warn");
      gh.on(TOKEN, () => [503, { message: "Service unavailable" }]);
      await probot.receive(webhookEvent("issues", labeled()));
      await host().queue.idle();
      host().stop();
      const said = warn.mock.calls.map((call) => String(call.at(-1)));
      const line = said.find((s) => s.includes("waiting to be handled again"));
      expect(line).toBeDefined();
      if (path) expect(line).toContain(`stays in the journal ${path}`);
      else expect(line).toContain("lost (set ORCHESTRATE_JOURNAL");
      await host().closeJournal();
    }
  });
});

describe("an installation GitHub refuses", () => {
  it.each([
    ["suspended", 403, "This installation has been suspended"],
    // Not a missing state branch: the token request is what was not found.
    ["uninstalled, its webhook lost", 404, "Not Found"],
  ] as const)(
    "(%s: no token) leaves its executions unticked after one failure, said once",
    async (_, status, message) => {
      const { receive } = await appOn(gh, { ".github/orchestrate.yml": PLAN }, { random: seededRandom(1) });
      await receive("issues", labeled());
      // Another process (a restart) finds the execution; the installation is refused by now.
      gh.on(TOKEN, () => [status, { message }]);
      const { app, host } = orchestrateApp({ tickMs: 0 });
      const probot = testProbot();
      await probot.load(app);
      const warn = vi.spyOn(probot.log, "warn");
      const error = vi.spyOn(probot.log, "error");
      await host().enqueue(TEST_INSTALLATION_ID, REF, { kind: "tick" });
      expect(gh.requests.at(-1)!.route).toBe(TOKEN);
      // The failure names the request that needed the token, not the token request.
      const failed = error.mock.calls.map((call) => (call[0] as { err?: Error }).err?.message ?? "");
      expect(failed).toContainEqual(
        expect.stringMatching(
          /^GitHub issued no installation token for GET \/repos\/\{owner\}\/\{repo\}\/git\/ref\/\{ref\} \(HTTP 40[34]: /,
        ),
      );
      const before = gh.requests.length;
      for (let i = 0; i < 3; i++) {
        await host().tick();
        await host().queue.idle();
      }
      expect(gh.requests.length).toBe(before);
      const said = warn.mock.calls
        .map((call) => String(call.at(-1)))
        .filter((s) => s.includes("refused installation"));
      expect(said).toEqual([
        expect.stringContaining(`${KEY} is no longer reconciled until its next webhook`),
      ]);
    },
  );

  it.each([
    ["still installed", 200, [KEY]],
    ["uninstalled", 404, []],
  ] as const)(
    "(a request refused with 401, the app %s) is asked about before its executions are left",
    async (_, answer, kept) => {
      const { host, receive } = await appOn(
        gh,
        { ".github/orchestrate.yml": PLAN },
        { random: seededRandom(1) },
      );
      await receive("issues", labeled());
      gh.on("GET /repos/{owner}/{repo}/git/ref/{ref}", () => [401, { message: "Bad credentials" }]);
      gh.on("GET /app/installations/{installation_id}", () =>
        answer === 200
          ? [200, { id: TEST_INSTALLATION_ID, suspended_at: null, app_id: 1 }]
          : [404, { message: "Not Found" }],
      );
      await host().tick();
      await host().queue.idle();
      await vi.waitFor(() =>
        expect(gh.requests.some((r) => r.route === "GET /app/installations/{installation_id}")).toBe(true),
      );
      await vi.waitFor(() => expect(host().reconciled).toEqual(kept));
    },
  );

  it("(uninstalled: installation.deleted) has its executions no longer ticked", async () => {
    const { host, receive } = await appOn(
      gh,
      { ".github/orchestrate.yml": PLAN },
      { random: seededRandom(1) },
    );
    await receive("issues", labeled());
    expect(host().installations).toEqual([TEST_INSTALLATION_ID]);
    await receive("installation", examplePayload("installation", "deleted"));
    expect(host().installations).toEqual([]);
    const before = gh.requests.length;
    await host().tick();
    await host().queue.idle();
    expect(gh.requests.length).toBe(before);
  });
});

describe("an installation back", () => {
  const installationOf = (payload: object) =>
    withPatch(payload as { installation: { id: number } }, { installation: { id: TEST_INSTALLATION_ID } });
  const listsHelloWorld = () =>
    gh.on("GET /installation/repositories", () => [
      200,
      {
        total_count: 1,
        repositories: [
          { id: 1, name: REPOSITORY.name, full_name: KEY.split("#")[0], owner: REPOSITORY.owner },
        ],
      },
    ]);
  /** Requests a tick of every execution the host reconciles makes. */
  const tickRequests = async (host: () => AppHost) => {
    const before = gh.requests.length;
    await host().tick();
    await host().queue.idle();
    return gh.requests.length - before;
  };

  it("(unsuspended) has its executions looked for and ticked again", async () => {
    const { host, receive } = await appOn(
      gh,
      { ".github/orchestrate.yml": PLAN },
      { random: seededRandom(1) },
    );
    await receive("issues", labeled());
    await receive("installation", installationOf(examplePayload("installation", "suspend")));
    expect(host().reconciled).toEqual([]);
    expect(await tickRequests(host)).toBe(0);
    listsHelloWorld();
    await receive("installation", installationOf(examplePayload("installation", "unsuspend")));
    await vi.waitFor(() =>
      expect(gh.requests.some((r) => r.route === "GET /installation/repositories")).toBe(true),
    );
    await vi.waitFor(() => expect(host().reconciled).toEqual([KEY]));
    await host().queue.idle();
    expect(await tickRequests(host)).toBeGreaterThan(0);
  });

  it("(given a repository) has the executions left there looked for and ticked", async () => {
    const first = await appOn(gh, { ".github/orchestrate.yml": PLAN }, { random: seededRandom(1) });
    await first.receive("issues", labeled());
    // Another process, which has not heard of the repository (the app had lost access to it).
    const { app, host } = orchestrateApp({ tickMs: 0 });
    const probot = testProbot();
    await probot.load(app);
    expect(host().reconciled).toEqual([]);
    const added = withPatch(installationOf(examplePayload("installation_repositories", "added")), {
      repositories_added: [{ name: REPOSITORY.name, full_name: KEY.split("#")[0] }],
    } as never);
    await probot.receive(webhookEvent("installation_repositories", added));
    // The repositories come from the webhook: no listing.
    await vi.waitFor(() => expect(host().reconciled).toEqual([KEY]));
    await host().queue.idle();
    expect(gh.requests.some((r) => r.route === "GET /installation/repositories")).toBe(false);
    expect(await tickRequests(host)).toBeGreaterThan(0);
  });
});

describe("an installation's ports", () => {
  it("are dropped after an idle hour with nothing open, and kept while an execution is", async () => {
    const clock = new VirtualClock(NOW);
    const { host, receive } = await appOn(gh, { ".github/orchestrate.yml": "nonsense: [" }, { clock });
    // An invalid plan: the label starts nothing, so nothing stays open.
    await receive("issues", labeled());
    expect(host().installations).toEqual([TEST_INSTALLATION_ID]);
    await clock.sleep(INSTALLATION_IDLE_MS - 60_000);
    await host().tick();
    expect(host().installations).toEqual([TEST_INSTALLATION_ID]);
    await clock.sleep(60_000);
    await host().tick();
    expect(host().installations).toEqual([]);
  });

  it("are kept while one of its executions is open, however long", async () => {
    const clock = new VirtualClock(NOW);
    const { host, receive } = await appOn(
      gh,
      { ".github/orchestrate.yml": PLAN },
      { clock, random: seededRandom(1) },
    );
    await receive("issues", labeled());
    await clock.sleep(2 * INSTALLATION_IDLE_MS);
    await host().tick();
    await host().queue.idle();
    expect(host().installations).toEqual([TEST_INSTALLATION_ID]);
  });
});
