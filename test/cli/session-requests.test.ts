import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "../../src/cli/io.ts";
import { handOver } from "../../src/cli/requests.ts";
import { runSession } from "../../src/cli/session.ts";
import { type LockHolder, liveLockHolder } from "../../src/cli/store/execution-lock.ts";
import { type CommandAnswer, ExecutionStore } from "../../src/cli/store/execution-store.ts";
import type { ExecutionEvent, ExecutionState } from "../../src/core/state/index.ts";
import { GATE_BESIDE_PLAN, tempDir, waitFor } from "./cli-helpers.ts";
import { commandEvent, loggedTypes, noSpace, runs, sessionOf } from "./session-helpers.ts";

/** One agent that ignores SIGTERM and runs until it is killed (its pid in `slow.pid`). */
const SLOW = `
version: 1
agents:
  slow: { run: 'echo $$ > slow.pid; trap "" TERM; sleep 30' }
phases:
  - { id: p, agents: [slow] }
`;

/** A gated phase, then one that builds. */
const GATE_THEN_BUILD = `
version: 1
agents:
  writer: { run: 'echo spec > "$ORCHESTRATE_ARTIFACTS/spec.md"' }
  builder: { run: 'echo built > built.txt' }
phases:
  - { id: spec, agents: [writer], gate: {} }
  - { id: build, needs: [spec], agents: [builder] }
`;

/** One gated phase: approving it ends the execution. */
const ONE_GATE = `
version: 1
agents:
  writer: { run: 'echo spec > "$ORCHESTRATE_ARTIFACTS/spec.md"' }
phases:
  - { id: spec, agents: [writer], gate: {} }
`;

/** One quick phase. */
const QUICK = `
version: 1
agents:
  writer: { run: 'echo spec > "$ORCHESTRATE_ARTIFACTS/spec.md"' }
phases:
  - { id: spec, agents: [writer] }
`;

/**
 * A store on a disk too full to answer commands (its events are still recorded). It notes, when
 * the lock is let go, whether the agent whose pid is in `slow.pid` still ran.
 */
class AnswersFail extends ExecutionStore {
  agentRanAtRelease: boolean | undefined;
  override answerRequest(name: string): void {
    throw noSpace(join(this.requestsPath, `${name}.answer.json`));
  }
  override lock(options?: Parameters<ExecutionStore["lock"]>[0]) {
    const lock = super.lock(options);
    const pidFile = join(this.root, "..", "slow.pid");
    return {
      ...lock,
      release: () => {
        if (this.agentRanAtRelease === undefined)
          this.agentRanAtRelease = existsSync(pidFile) && runs(Number(readFileSync(pidFile, "utf8")));
        lock.release();
      },
    };
  }
}

/** A store whose disk fills up right after it recorded a gate's approval. */
class FullAfterApproval extends ExecutionStore {
  #full = false;
  override append(event: ExecutionEvent, state: ExecutionState): void {
    if (this.#full) throw noSpace(this.eventsPath);
    super.append(event, state);
    if (event.type === "gate_approved") this.#full = true;
  }
}

/** What `run` settled with: its exit code, or the error it threw. */
function outcome(run: Promise<number>): Promise<number | unknown> {
  return run.then(
    (code) => code,
    (error: unknown) => error,
  );
}

function expectStoppedByFullDisk(error: unknown, id: string): void {
  expect(error).toBeInstanceOf(CliError);
  const e = error as CliError;
  expect(e.exitCode).toBe(2);
  expect(e.message).toContain("ENOSPC");
  expect(e.details).toEqual([
    "the run stopped there, its running tasks too; what the log holds is kept",
    `then continue: orchestrate resume ${id}`,
  ]);
}

describe.skipIf(process.platform === "win32")("commands handed to a running session", () => {
  it("an answer that cannot be written stops the run: tasks stopped, then the lock let go, exit 2; the command reads the log", async () => {
    const dir = tempDir();
    const store = new AnswersFail(join(dir, ".orchestrate"), "noanswer1");
    const s = sessionOf(dir, store, SLOW);
    const run = outcome(runSession(s.options, s.first));
    await waitFor(() => existsSync(join(dir, "slow.pid")), 10_000, "the agent to start");
    const holder = liveLockHolder(store.lockPath) as LockHolder;
    // The command signals this process, as `orchestrate budget` from another shell does.
    const event = commandEvent({ type: "budget_set", usd: 5 }, "budget1");
    const handed = await handOver(store, holder, event, 8000);
    expectStoppedByFullDisk(await run, "noanswer1");
    // The agent ignores SIGTERM: killed after the grace time, before the lock went.
    expect(store.agentRanAtRelease).toBe(false);
    expect(existsSync(store.lockPath)).toBe(false);
    // Recorded before its answer failed: the command learns it from the log.
    expect(loggedTypes(store)).toContain("budget_set");
    expect(handed).toEqual({ unanswered: true, pid: process.pid, taken: true, recorded: true });
    expect(existsSync(join(store.requestsPath, `${process.pid}-budget1.taken`))).toBe(true);
  }, 30_000);

  it("a command waiting when the run starts whose answer cannot be written: tasks stopped, exit 2", async () => {
    const dir = tempDir();
    const store = new AnswersFail(join(dir, ".orchestrate"), "noanswer2");
    const s = sessionOf(dir, store, SLOW);
    store.requestCommand({ pid: process.pid, event: commandEvent({ type: "budget_set", usd: 5 }) });
    expectStoppedByFullDisk(await outcome(runSession(s.options, s.first)), "noanswer2");
    expect(store.agentRanAtRelease).toBe(false);
    expect(existsSync(store.lockPath)).toBe(false);
    // Nothing was left running that could start the agent later.
    await new Promise((r) => setTimeout(r, 300));
    const pid = existsSync(join(dir, "slow.pid")) ? Number(readFileSync(join(dir, "slow.pid"), "utf8")) : 0;
    expect(pid === 0 || !runs(pid)).toBe(true);
  }, 30_000);

  it("a command recorded just before a write of the run failed is answered as recorded", async () => {
    const dir = tempDir();
    const store = new FullAfterApproval(join(dir, ".orchestrate"), "approved1");
    const s = sessionOf(dir, store, GATE_BESIDE_PLAN);
    const run = outcome(runSession(s.options, s.first));
    try {
      await waitFor(
        () => store.loadCurrentState().phase_state.spec?.gate?.status === "open",
        10_000,
        "the gate to open",
      );
      const holder = liveLockHolder(store.lockPath) as LockHolder;
      const event = commandEvent({ type: "gate_approved", phase: "spec", by: "erin", via: "cli" });
      const handed = await handOver(store, holder, event, 8000);
      // The approval is in the log; the task it started could not be recorded.
      expect(loggedTypes(store).slice(-1)).toEqual(["gate_approved"]);
      expect(handed).toMatchObject({ answer: { ok: true }, pid: process.pid });
      const answer = (handed as { answer: CommandAnswer & { ok: true } }).answer;
      expect(answer.before.phase_state.spec?.gate?.status).toBe("open");
      expect(answer.state.phase_state.spec?.gate?.approvals).toEqual([
        expect.objectContaining({ by: "erin", via: "cli" }),
      ]);
      expectStoppedByFullDisk(await run, "approved1");
    } finally {
      writeFileSync(join(dir, "release"), "");
      await run;
    }
  }, 30_000);
});

describe.skipIf(process.platform === "win32")("commands that came while a resume started", () => {
  it("an approval waiting when the run resumes is recorded before the gate counts as waiting: the run goes on to its end", async () => {
    const dir = tempDir();
    const store = new ExecutionStore(join(dir, ".orchestrate"), "early1");
    const s = sessionOf(dir, store, GATE_THEN_BUILD);
    expect(await runSession(s.options, s.first)).toBe(3);
    const approve = commandEvent({ type: "gate_approved", phase: "spec", by: "erin", via: "cli" });
    const name = store.requestCommand({ pid: process.pid, event: approve });
    const code = await runSession(s.options, undefined, store.loadCurrentState());
    expect(store.answerOf(name)).toMatchObject({ ok: true });
    expect(code).toBe(0);
    expect(s.shown()).toContain("Execution early1 succeeded");
    expect(existsSync(join(dir, "built.txt"))).toBe(true);
  }, 30_000);

  it("once a command ends the execution, the next one is left unclaimed for its command to record", async () => {
    const dir = tempDir();
    const store = new ExecutionStore(join(dir, ".orchestrate"), "early2");
    const s = sessionOf(dir, store, ONE_GATE);
    expect(await runSession(s.options, s.first)).toBe(3);
    const at = Date.now();
    const approve = store.requestCommand({
      pid: process.pid,
      event: { ...commandEvent({ type: "gate_approved", phase: "spec", by: "erin" }), at },
    });
    const budget = store.requestCommand({
      pid: process.pid,
      event: { ...commandEvent({ type: "budget_set", usd: 5 }), at: at + 1 },
    });
    expect(await runSession(s.options, undefined, store.loadCurrentState())).toBe(0);
    expect(store.answerOf(approve)).toMatchObject({ ok: true });
    // Not taken: the command takes it back once the lock is gone and records it itself.
    expect(store.answerOf(budget)).toBeUndefined();
    expect(store.withdrawRequest(budget)).toBe(true);
    expect(loggedTypes(store)).not.toContain("budget_set");
  }, 30_000);
});

describe("what commands that stopped waiting left in requests/", () => {
  it("is removed when a run starts taking commands; what a command may still read is kept", async () => {
    const dir = tempDir();
    const store = new ExecutionStore(join(dir, ".orchestrate"), "stale1");
    const s = sessionOf(dir, store, QUICK);
    mkdirSync(store.requestsPath, { recursive: true });
    const old = (Date.now() - 60_000) / 1000;
    for (const file of ["4242-a.answer.json", "4242-b.taken", "4243-c.json"]) {
      writeFileSync(join(store.requestsPath, file), "{}\n");
      utimesSync(join(store.requestsPath, file), old, old);
    }
    writeFileSync(join(store.requestsPath, "4242-d.answer.json"), "{}\n");
    expect(await runSession(s.options, s.first)).toBe(0);
    expect(readdirSync(store.requestsPath)).toEqual(["4242-d.answer.json"]);
  }, 30_000);
});
