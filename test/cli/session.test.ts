import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSession } from "../../src/cli/session.ts";
import { ExecutionStore } from "../../src/cli/store/execution-store.ts";
import { tempDir, waitFor } from "./cli-helpers.ts";
import { sessionOf } from "./session-helpers.ts";

const PLAN = `
version: 1
agents:
  writer:
    run: 'echo spec > "$ORCHESTRATE_ARTIFACTS/spec.md"'
    outputs: { spec: { path: spec.md } }
phases:
  - { id: spec, agents: [writer], gate: {} }
`;

/** A gated phase, then one that runs until a `release` file exists. */
const GATE_THEN_BUILD = `
version: 1
agents:
  writer:
    run: 'echo spec > "$ORCHESTRATE_ARTIFACTS/spec.md"'
  builder:
    run: 'while [ ! -f release ]; do sleep 0.02; done'
phases:
  - { id: spec, agents: [writer], gate: {} }
  - { id: build, needs: [spec], agents: [builder] }
`;

/** A run at a terminal: keystrokes go in, what the prompt and the session print is collected. */
function session(id: string, planText = PLAN) {
  const dir = tempDir();
  const store = new ExecutionStore(join(dir, ".orchestrate"), id);
  const { options, first, stdin, shown } = sessionOf(dir, store, planText, { terminal: true });
  const run = runSession(options, first);
  const type = async (...keys: string[]) => {
    for (const key of keys) {
      await new Promise((r) => setTimeout(r, 30));
      stdin.write(key);
    }
  };
  const prompted = () => waitFor(() => shown().includes("waits for approval"), 10_000, "the prompt");
  return { run, type, prompted, shown, stdin, store, dir };
}

/** Settles with "still running" when `run` has not ended within `ms`. */
function within<T>(run: Promise<T>, ms: number): Promise<T | "still running"> {
  return Promise.race([run, new Promise<"still running">((r) => setTimeout(() => r("still running"), ms))]);
}

describe("a session at a terminal", () => {
  it('"stop here" ends the run with exit 3 and the commands', async () => {
    const s = session("stop1");
    await s.prompted();
    await s.type("\u001b[B", "\u001b[B", "\r");
    expect(await within(s.run, 15_000)).toBe(3);
    expect(s.shown()).toContain("orchestrate approve stop1 spec");
  });

  it("Ctrl-C at the prompt ends the run with exit 3", async () => {
    const s = session("ctrlc1");
    await s.prompted();
    await s.type("\u0003");
    expect(await within(s.run, 15_000)).toBe(3);
    expect(s.shown()).toContain("orchestrate resume ctrlc1");
  });

  it("a cancel while the prompt is open ends the run and closes the prompt", async () => {
    const s = session("cancel1");
    await s.prompted();
    process.emit("SIGINT", "SIGINT");
    expect(await within(s.run, 15_000)).toBe(1);
    expect(s.shown()).toContain("cancelled");
    // The prompt let go of the terminal: nothing keeps the process alive.
    await waitFor(() => s.stdin.listenerCount("keypress") === 0, 2000, "the prompt to close");
  });

  it("a gate approved from another shell closes its prompt; the run goes on to its end", async () => {
    const s = session("elsewhere1", GATE_THEN_BUILD);
    await s.prompted();
    const name = s.store.requestCommand({
      pid: process.pid,
      event: { id: "a1", at: Date.now(), type: "gate_approved", phase: "spec", by: "erin", via: "cli" },
    });
    process.emit("SIGUSR2", "SIGUSR2");
    expect(s.store.answerOf(name)).toMatchObject({ ok: true, state: { status: "running" } });
    // The prompt closes while the run goes on.
    await waitFor(() => s.stdin.listenerCount("keypress") === 0, 2000, "the prompt to close");
    expect(await within(s.run, 300)).toBe("still running");
    writeFileSync(join(s.dir, "release"), "");
    expect(await within(s.run, 5000)).toBe(0);
    expect(s.store.loadState().phase_state.spec?.gate?.approvals).toEqual([
      expect.objectContaining({ by: "erin", via: "cli" }),
    ]);
  });
});
