import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { orchestrateApp } from "../../src/app/app.ts";
import { Journal, type JournalEntry } from "../../src/app/journal.ts";
import { fakeIssueSide, fakeRepo, useGitHubMock } from "../support/github/index.ts";
import { examplePayload, webhookEvent, withPatch } from "../support/github/payloads.ts";
import { mockInstallationTokens, testProbot } from "../support/github/probot.ts";

const gh = useGitHubMock();
const REPOSITORY = { name: "Hello-World", owner: { login: "Codertocat" } };
const PLAN = `version: 1
agents:
  dev: { run: ./dev.sh }
phases:
  - { id: build, agents: [dev] }
`;

async function journalPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "orchestrate-journal-")), "app", "journal.jsonl");
}

const entry = (delivery: string, at: number): JournalEntry => ({
  delivery,
  installation: 1,
  at,
  routed: [{ ref: { owner: "o", repo: "r", issue: 1 }, trigger: { kind: "tick" } }],
});

/** What a journal at `path` holds pending, read by opening it (and closing it again). */
async function pendingIn(path: string, now: number, windowMs: number) {
  const journal = new Journal(path);
  try {
    return await journal.open(now, windowMs);
  } finally {
    await journal.close();
  }
}

describe("Journal", () => {
  it("gives back what was accepted and not done, skipping a torn line and entries past their age", async () => {
    const path = await journalPath();
    const first = new Journal(path);
    expect(await first.open(10_000, 3_600_000)).toEqual([]);
    await first.accept(entry("a", 9_000));
    await first.accept(entry("b", 9_500));
    await first.accept(entry("old", 1));
    await first.done("a");
    await first.close();
    // The process died in the middle of a line.
    await writeFile(path, `${await readFile(path, "utf8")}{"t":"accepted","deliv`);
    const second = new Journal(path);
    expect(await second.open(3_005_000, 3_000_000)).toEqual([entry("b", 9_500)]);
    // Opening rewrites the file with only what is pending.
    expect((await readFile(path, "utf8")).trim().split("\n")).toEqual([
      JSON.stringify({ t: "accepted", ...entry("b", 9_500) }),
    ]);
    await second.done("b");
    await second.close();
    expect(await pendingIn(path, 3_005_000, 3_000_000)).toEqual([]);
  });

  it("stays small: rewritten with only the pending entries every 1,000 done", async () => {
    const path = await journalPath();
    const journal = new Journal(path);
    await journal.open(0, 1e9);
    await journal.accept(entry("kept", 0));
    for (let i = 0; i < 1000; i++) {
      await journal.accept(entry(`d${i}`, 0));
      await journal.done(`d${i}`);
    }
    await journal.close();
    expect((await readFile(path, "utf8")).trim().split("\n")).toHaveLength(1);
    expect(await pendingIn(path, 0, 1e9)).toEqual([entry("kept", 0)]);
  });
});

describe("GitHub App with a journal", () => {
  it("a label accepted just before the process died starts its execution at the next start, once", async () => {
    const path = await journalPath();
    const repo = fakeRepo(gh, {
      owner: "Codertocat",
      repo: "Hello-World",
      files: { ".github/orchestrate.yml": PLAN },
    });
    const side = fakeIssueSide(gh);
    // The first process answers the webhook, then hangs on its first GitHub call and dies.
    let release!: (answer: readonly [number, unknown?]) => void;
    gh.on("POST /app/installations/{installation_id}/access_tokens", () => new Promise((r) => (release = r)));
    const first = orchestrateApp({ tickMs: 0, journalPath: path });
    const probot = testProbot();
    await probot.load(first.app);
    await first.host().resumeJournal();
    const label = withPatch(examplePayload("issues", "labeled"), {
      label: { name: "orchestrate" },
      issue: { number: 21 },
      repository: REPOSITORY,
    });
    const event = webhookEvent("issues", label);
    await probot.receive(event);
    // Answered: the delivery is in the journal already.
    const left = await readFile(path, "utf8");
    expect(
      left
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      expect.objectContaining({ t: "accepted", delivery: event.id, installation: expect.any(Number) }),
    ]);
    const crashed = `${path}.crashed`;
    await writeFile(crashed, left);
    release([500, { message: "gone" }]);
    await first.host().queue.idle();
    expect(repo.git.head("orchestrate-state")).toBeUndefined();

    // The next start takes it up.
    mockInstallationTokens(gh);
    const next = orchestrateApp({ tickMs: 0, journalPath: crashed });
    await testProbot().load(next.app);
    expect(await next.host().resumeJournal()).toBe(1);
    await next.host().queue.idle();
    expect(side.dispatches).toHaveLength(1);
    expect(repo.git.readFile("orchestrate-state", "executions/21/state.json")).toBeDefined();
    const comments = side.comments.length;
    // Handled, so forgotten; and the same delivery handled again (died before forgetting) changes nothing.
    await next.host().closeJournal();
    expect(await pendingIn(crashed, Date.now(), 3_600_000)).toEqual([]);
    await writeFile(crashed, left);
    const again = orchestrateApp({ tickMs: 0, journalPath: crashed });
    await testProbot().load(again.app);
    expect(await again.host().resumeJournal()).toBe(1);
    await again.host().queue.idle();
    expect(side.dispatches).toHaveLength(1);
    expect(side.comments).toHaveLength(comments);
    // The files the "dead" process and this one left open are closed (not left to the collector).
    await Promise.all([first.host().closeJournal(), again.host().closeJournal()]);
  });

  it("a delivery whose handling failed stays in the journal for the next start", async () => {
    const path = await journalPath();
    fakeRepo(gh, { owner: "Codertocat", repo: "Hello-World", files: { ".github/orchestrate.yml": PLAN } });
    const side = fakeIssueSide(gh);
    // GitHub fails for now: the installation token cannot be had.
    gh.on("POST /app/installations/{installation_id}/access_tokens", () => [503, { message: "unavailable" }]);
    const first = orchestrateApp({ tickMs: 0, journalPath: path });
    const probot = testProbot();
    await probot.load(first.app);
    await first.host().resumeJournal();
    const event = webhookEvent(
      "issues",
      withPatch(examplePayload("issues", "labeled"), {
        label: { name: "orchestrate" },
        issue: { number: 22 },
        repository: REPOSITORY,
      }),
    );
    await probot.receive(event);
    await first.host().queue.idle();
    await first.host().closeJournal();
    expect(side.dispatches).toHaveLength(0);
    // GitHub is back at the next start: the label is handled then.
    mockInstallationTokens(gh);
    const next = orchestrateApp({ tickMs: 0, journalPath: path });
    await testProbot().load(next.app);
    expect(await next.host().resumeJournal()).toBe(1);
    await next.host().queue.idle();
    expect(side.dispatches).toHaveLength(1);
  });
});
