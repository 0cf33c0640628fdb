import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.ts";
import { readPlan } from "../../src/cli/plan-file.ts";
import { runSession } from "../../src/cli/session.ts";
import { ExecutionStore } from "../../src/cli/store/execution-store.ts";
import { buildGraph } from "../../src/core/graph/index.ts";
import { factsOf } from "../../src/core/plan/index.ts";
import { parseRequest } from "../../src/core/request/index.ts";
import { startEventOf } from "../../src/core/state/from-plan.ts";
import { tempDir, waitFor } from "./cli-helpers.ts";

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
  writeFileSync(join(dir, "plan.yml"), planText);
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
  // Like process.stderr, it stays open when the prompt lets go of it.
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 80, end: () => stderr });
  const stdout = new PassThrough();
  let shown = "";
  stderr.on("data", (d: Buffer) => {
    shown += d.toString();
  });
  stdout.resume();
  const io = { stdin, stderr, stdout, env: { USER: "dana" }, cwd: dir } as unknown as CliIO;
  const { plan, display, dir: planDir } = readPlan("plan.yml", dir);
  const request = parseRequest({ body: "Project: demo" }, { now: Date.now() });
  const built = buildGraph(plan, factsOf(request, { paths: [], default_branch: "main" } as never));
  if (!built.ok) throw new Error("invalid graph");
  const store = new ExecutionStore(join(dir, ".orchestrate"), id);
  store.create();
  const start = startEventOf(built.graph, plan.policy, {
    execution: id,
    seed: 1,
    plan,
    meta: { request, plan, plan_file: display, plan_dir: planDir, cwd: dir } as never,
  });
  const run = runSession(
    {
      io,
      store,
      plan,
      planDir,
      cwd: dir,
      yes: false,
      approve: [],
      plain: true,
      secrets: [],
      commandPrefix: "",
    },
    start,
  );
  const type = async (...keys: string[]) => {
    for (const key of keys) {
      await new Promise((r) => setTimeout(r, 30));
      stdin.write(key);
    }
  };
  const prompted = () => waitFor(() => shown.includes("waits for approval"), 10_000, "the prompt");
  return { run, type, prompted, shown: () => shown, stdin, store, dir };
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
