import { describe, expect, it, vi } from "vitest";
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { GitHubOrchestrator, type Trigger } from "../../src/github/orchestrator.ts";
import { appOn, REPOSITORY } from "../support/github/app.ts";
import { useGitHubMock } from "../support/github/index.ts";
import { examplePayload, TEST_INSTALLATION_ID, withPatch } from "../support/github/payloads.ts";

const gh = useGitHubMock();
const NOW = Date.parse("2026-11-22T00:00:00Z");
const REF = { owner: "Codertocat", repo: "Hello-World", issue: 7 };

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
