import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, GATE_BESIDE_PLAN, startCli, tempDir, waitFor } from "./cli-helpers.ts";

function project(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), GATE_BESIDE_PLAN);
  return dir;
}

function events(dir: string, id: string): { type: string; by?: string; via?: string }[] {
  return readFileSync(join(dir, ".orchestrate", id, "events.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string });
}

/** Starts a run without a terminal and waits until its gate is open while `side` still runs. */
async function atGate(dir: string, id: string) {
  const run = startCli(["run", "plan.yml", "--request", "Project: live", "--id", id, "--plain"], dir);
  await waitFor(
    () =>
      existsSync(join(dir, ".orchestrate", id, "events.jsonl")) &&
      readFileSync(join(dir, ".orchestrate", id, "events.jsonl"), "utf8").includes('"task_succeeded"'),
    15_000,
    "the gated phase to finish",
  );
  return run;
}

describe("commands on an execution a process runs", () => {
  it.skipIf(process.platform === "win32")(
    "approve is handed to the running process, which records it under the approver's name and goes on",
    async () => {
      const dir = project();
      const run = await atGate(dir, "live1");
      try {
        // Checked as a direct approve is: a phase that does not exist is refused, with the help.
        const wrong = await cli(["approve", "live1", "spek"], { cwd: dir, env: { USER: "erin" } });
        expect(wrong.code).toBe(2);
        expect(wrong.stderr).toContain("refused:");
        expect(wrong.stderr).toContain('did you mean "spec"?');
        expect(wrong.stderr).toContain("phases waiting for approval: spec");
        const budget = await cli(["budget", "live1", "--usd", "5"], { cwd: dir });
        expect(budget.code).toBe(0);
        expect(budget.stdout).toBe("budget of live1 set to $5.00 ($0.00 spent)\n");
        expect(budget.stderr).toContain(`process ${run.child.pid} runs live1 and went on with it`);
        const approve = await cli(["approve", "live1", "spec"], { cwd: dir, env: { USER: "erin" } });
        expect(approve.stderr).not.toContain("is running");
        expect(approve.code).toBe(0);
        expect(approve.stdout).toBe("approved spec of live1\n");
        expect(approve.stderr).toContain(
          `process ${run.child.pid} runs live1 and went on with it; follow it: orchestrate status live1 --watch`,
        );
        // The running process went on: the phase after the gate ran while `side` still runs.
        await waitFor(() => existsSync(join(dir, "built.txt")), 10_000, "the phase after the gate");
        writeFileSync(join(dir, "release"), "");
        expect(await run.exited).toBe(0);
        const log = events(dir, "live1");
        expect(log.filter((e) => e.type === "gate_approved")).toEqual([
          expect.objectContaining({ by: "erin", via: "cli" }),
        ]);
        expect(log.filter((e) => e.type === "budget_set")).toEqual([expect.objectContaining({ usd: 5 })]);
        expect((await cli(["replay", "live1"], { cwd: dir })).code).toBe(0);
      } finally {
        writeFileSync(join(dir, "release"), "");
        await run.exited;
      }
    },
    40_000,
  );

  it("a process that takes no commands: the refusal says how the run stops by itself and what ends it", async () => {
    const dir = project();
    const run = await atGate(dir, "live2");
    try {
      const lock = join(dir, ".orchestrate/live2/lock");
      const mine = readFileSync(lock, "utf8");
      // As an older version's lock says it: no `requests`.
      const { requests: _requests, ...older } = JSON.parse(mine) as Record<string, unknown>;
      writeFileSync(lock, JSON.stringify(older));
      const approve = await cli(["approve", "live2", "spec"], { cwd: dir });
      writeFileSync(lock, mine);
      expect(approve.code).toBe(2);
      expect(approve.stderr).toContain(`execution live2 is running in process ${run.child.pid}`);
      expect(approve.stderr).not.toContain("answer its prompt");
      expect(approve.stderr).toContain(
        "a run without a terminal stops by itself at a waiting gate (exit 3) once its running tasks end: then run this command and orchestrate resume live2",
      );
      expect(approve.stderr).toContain(
        "Ctrl-C in its terminal, or orchestrate cancel live2, ends the execution",
      );
      writeFileSync(join(dir, "release"), "");
      // It stops at its gate by itself, as said.
      expect(await run.exited).toBe(3);
    } finally {
      writeFileSync(join(dir, "release"), "");
      await run.exited;
    }
  }, 40_000);
});
