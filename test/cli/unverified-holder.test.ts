import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processStartTime } from "../../src/agents/process-start.ts";
import { cli, GATED_PLAN, isAlive, startCli, tempDir, waitFor } from "./cli-helpers.ts";

/** An execution stopped at its gate (no process runs it), in a fresh project. */
async function atGate(id: string): Promise<string> {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), GATED_PLAN);
  const run = await cli(["run", "plan.yml", "--request", "Project: holder", "--id", id, "--plain"], {
    cwd: dir,
  });
  expect(run.code).toBe(3);
  return dir;
}

/** A program that is not orchestrate, as one that got the pid of a dead run's lock. */
function otherProgram() {
  const other = spawn("sleep", ["600"], { stdio: "ignore" });
  const ended = new Promise<NodeJS.Signals | null>((r) => other.once("exit", (_code, signal) => r(signal)));
  return { pid: other.pid!, ended, stop: () => other.kill("SIGKILL") };
}

function gateOf(dir: string, id: string): string {
  const state = JSON.parse(readFileSync(join(dir, ".orchestrate", id, "state.json"), "utf8")) as {
    phase_state: Record<string, { gate?: { status: string } }>;
  };
  return state.phase_state.one!.gate!.status;
}

describe.skipIf(process.platform !== "linux")("cancel while a command holds the lock", () => {
  it("waits for it rather than signal it (a signal would end it half done), then records the cancel", async () => {
    const dir = await atGate("c1");
    // A command (approve, skip, …) holding the lock for a moment: its lock says so.
    const command = otherProgram();
    try {
      const lock = join(dir, ".orchestrate/c1/lock");
      writeFileSync(
        lock,
        JSON.stringify({
          pid: command.pid,
          host: hostname(),
          started_at: new Date().toISOString(),
          process_start: processStartTime(command.pid),
          brief: true,
        }),
      );
      const cancel = startCli(["cancel", "c1"], dir);
      await waitFor(() => cancel.output().stderr.includes("waiting for it"), 10_000, "cancel to wait");
      expect(isAlive(command.pid)).toBe(true);
      rmSync(lock);
      expect(await cancel.exited).toBe(0);
      expect(cancel.output().stdout).toBe("cancelled c1\n");
      expect(isAlive(command.pid)).toBe(true);
    } finally {
      command.stop();
      await command.ended;
    }
  });
});

describe.skipIf(process.platform === "win32")(
  "a lock whose process cannot be told from another program",
  () => {
    it("approve never signals a lock's pid without a start time to check: refused, saying why and what to do", async () => {
      const dir = await atGate("u1");
      const other = otherProgram();
      try {
        const lock = join(dir, ".orchestrate/u1/lock");
        // As a run's lock reads off Linux, left by a run that died: its pid now names another program.
        writeFileSync(
          lock,
          JSON.stringify({
            pid: other.pid,
            host: hostname(),
            started_at: "2024-01-01T00:00:00.000Z",
            requests: true,
          }),
        );
        const approve = await cli(["approve", "u1", "one"], { cwd: dir });
        expect(isAlive(other.pid)).toBe(true);
        expect(approve.code).toBe(2);
        expect(approve.stdout).toBe("");
        expect(approve.stderr).toContain(`execution u1 is running in process ${other.pid}`);
        expect(approve.stderr).toContain(
          `the command is not handed to process ${other.pid}: with no start time to check (none recorded: /proc or ps could not tell it), it may be another program that got the pid after a crash`,
        );
        expect(approve.stderr).toContain(
          `if process ${other.pid} is not orchestrate, remove ${lock} and run the command again`,
        );
        expect(gateOf(dir, "u1")).toBe("open");
        // Once the lock is removed, as said, the approval is recorded here.
        rmSync(lock);
        const again = await cli(["approve", "u1", "one"], { cwd: dir });
        expect(again.code).toBe(0);
        expect(again.stdout).toBe("approved one of u1\n");
        expect(isAlive(other.pid)).toBe(true);
      } finally {
        other.stop();
        await other.ended;
      }
    });

    it.skipIf(process.platform !== "linux")(
      "approve never signals a process that got the pid of a dead run's lock (another start time): it is recorded here",
      async () => {
        const dir = await atGate("u2");
        const other = otherProgram();
        try {
          writeFileSync(
            join(dir, ".orchestrate/u2/lock"),
            JSON.stringify({
              pid: other.pid,
              host: hostname(),
              started_at: "2024-01-01T00:00:00.000Z",
              process_start: "1",
              requests: true,
            }),
          );
          const approve = await cli(["approve", "u2", "one"], { cwd: dir });
          expect(approve.code).toBe(0);
          expect(approve.stdout).toBe("approved one of u2\n");
          expect(approve.stderr).not.toContain("went on with it");
          expect(isAlive(other.pid)).toBe(true);
          expect(gateOf(dir, "u2")).toBe("approved");
        } finally {
          other.stop();
          await other.ended;
        }
      },
    );
  },
);
