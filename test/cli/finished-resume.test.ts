import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { resumeFinished, runSession } from "../../src/cli/session.ts";
import { ExecutionStore } from "../../src/cli/store/execution-store.ts";
import type { ExecutionState } from "../../src/core/state/index.ts";
import { tempDir } from "./cli-helpers.ts";
import { sessionOf } from "./session-helpers.ts";

/**
 * Agents a dead process left running, as `stopOrphanedAgents` finds them: one, for a finished
 * execution (the real search is tested with real processes in orphans.test.ts). Each call is
 * noted with whether the execution's lock was held.
 */
const calls = vi.hoisted(() => [] as { locked: boolean; finished: boolean }[]);

vi.mock("../../src/cli/orphans.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/cli/orphans.ts")>();
  return {
    ...real,
    stopOrphanedAgents: async (store: ExecutionStore, state: ExecutionState) => {
      const finished = state.finished_at !== undefined;
      calls.push({ locked: existsSync(store.lockPath), finished });
      return finished ? ["p/writer (attempt 1)"] : real.stopOrphanedAgents(store, state);
    },
  };
});

const QUICK = `
version: 1
agents:
  writer: { run: 'echo spec > "$ORCHESTRATE_ARTIFACTS/spec.md"' }
phases:
  - { id: p, agents: [writer] }
`;

/** An execution run to its end in this process. */
async function finished(id: string) {
  const dir = tempDir();
  const store = new ExecutionStore(join(dir, ".orchestrate"), id);
  const s = sessionOf(dir, store, QUICK);
  expect(await runSession(s.options, s.first)).toBe(0);
  calls.length = 0;
  return { store, s };
}

const STOPPED = "stopped the agent of p/writer (attempt 1), left running when the process that ran it died";

describe("resume of a finished execution", () => {
  it("stops the agents a dead process left running, under the lock, then prints the report", async () => {
    const { store, s } = await finished("done1");
    expect(await runSession(s.options, undefined, store.loadCurrentState())).toBe(0);
    expect(calls).toEqual([{ locked: true, finished: true }]);
    expect(s.shown()).toContain(`${STOPPED}\nExecution done1 already succeeded; nothing is left to run`);
    expect(existsSync(store.lockPath)).toBe(false);
  });

  it("resumeFinished does the same for an execution found finished before the session starts", async () => {
    const { store, s } = await finished("done2");
    expect(await resumeFinished(s.options.io, store, "")).toBe(0);
    expect(calls).toEqual([{ locked: true, finished: true }]);
    expect(s.shown()).toContain(`${STOPPED}\nExecution done2 already succeeded; nothing is left to run`);
    expect(existsSync(store.lockPath)).toBe(false);
  });
});
