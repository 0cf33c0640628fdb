import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, startCli, tempDir, waitFor } from "./cli-helpers.ts";

/** `one` is gated; `two` sleeps until a `release` file exists (and leaves its pid), unless `fail` exists. */
const PLAN = `
version: 1
agents:
  quick: { run: 'echo done' }
  slow:
    run: 'if [ -f fail ]; then exit 1; fi; echo $$ > pid; while [ ! -f release ]; do sleep 0.1; done'
phases:
  - { id: one, agents: [quick], gate: {} }
  - { id: two, needs: [one], agents: [slow] }
`;

function project(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), PLAN);
  return dir;
}

describe("status of an execution no process runs", () => {
  it("after approve without resume: 'waiting for resume' with the command, in the list and in one execution's status", async () => {
    const dir = project();
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "q1"], { cwd: dir })).code).toBe(3);
    expect((await cli(["approve", "q1", "one"], { cwd: dir })).code).toBe(0);
    const one = await cli(["status", "q1"], { cwd: dir });
    expect(one.code).toBe(0);
    expect(one.stdout.split("\n")[0]).toMatch(/^q1 {2}waiting for resume {2}1\/2 tasks/);
    expect(one.stdout).toContain("▸ two/slow (attempt 1) queued");
    expect(one.stderr).toContain("Execution q1 is waiting for resume: no process runs it");
    expect(one.stderr).toContain("continue: orchestrate resume q1");
    const list = await cli(["status"], { cwd: dir });
    expect(list.stdout).toMatch(/^q1 +waiting for resume /);
    const json = JSON.parse((await cli(["status", "--json"], { cwd: dir })).stdout) as { idle?: string }[];
    expect(json[0]).toMatchObject({ id: "q1", status: "running", idle: "resume" });
    const single = JSON.parse((await cli(["status", "q1", "--json"], { cwd: dir })).stdout) as {
      idle?: string;
    };
    expect(single.idle).toBe("resume");
  });

  it("after kill -9 of the run: 'interrupted', its running task no longer counting time; while it runs: 'running'", async () => {
    const dir = project();
    const run = startCli(["run", "plan.yml", "--request", "x", "--id", "k1", "--yes"], dir);
    await waitFor(() => existsSync(join(dir, "pid")), 15_000, "the slow task to start");
    const live = await cli(["status", "k1"], { cwd: dir });
    expect(live.stdout.split("\n")[0]).toMatch(/^k1 {2}running /);
    expect(live.stderr).toBe("");
    expect((await cli(["status"], { cwd: dir })).stdout).toMatch(/^k1 +running /);
    run.child.kill("SIGKILL");
    await run.exited;
    try {
      const dead = await cli(["status", "k1"], { cwd: dir });
      expect(dead.stdout.split("\n")[0]).toMatch(/^k1 {2}interrupted /);
      expect(dead.stdout).toContain("▸ two/slow (attempt 1) interrupted");
      expect(dead.stderr).toContain("Execution k1 is interrupted: no process runs it");
      expect(dead.stderr).toContain("continue: orchestrate resume k1");
      expect((await cli(["status"], { cwd: dir })).stdout).toMatch(/^k1 +interrupted /);
    } finally {
      process.kill(Number(readFileSync(join(dir, "pid"), "utf8")), "SIGKILL");
    }
  });
});

describe("status of an execution whose agent keeps failing", () => {
  it("names the agent whose circuit is open, until when, and after how many failures", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      [
        "version: 1",
        "policy: { retry: { max_attempts: 3, initial_interval: 0 } }",
        "agents:",
        "  broken: { run: 'exit 1' }",
        "phases: [{ id: build, agents: [broken], matrix: { m: [a, b] } }]",
        "",
      ].join("\n"),
    );
    const run = startCli(["run", "plan.yml", "--request", "x", "--id", "b1", "--yes", "--plain"], dir);
    const statePath = join(dir, ".orchestrate/b1/state.json");
    const circuit = () =>
      existsSync(statePath)
        ? (JSON.parse(readFileSync(statePath, "utf8")) as { circuits: Record<string, { state: string }> })
            .circuits["broken"]
        : undefined;
    try {
      // Three failures in a row open it; its tasks then wait out the 10-minute cooldown.
      await waitFor(() => circuit()?.state === "open", 15_000, "the circuit to open");
      const status = await cli(["status", "b1"], { cwd: dir });
      expect(status.stdout.split("\n")[0]).toMatch(/^b1 {2}running {2}0\/2 tasks/);
      expect(status.stdout).toMatch(
        /^ {2}agent broken: circuit open until \d\d:\d\d:\d\d \([34] failures in a row\)$/m,
      );
    } finally {
      run.child.kill("SIGINT");
      await run.exited;
    }
    const ended = await cli(["status", "b1"], { cwd: dir });
    expect(ended.stdout.split("\n")[0]).toMatch(/^b1 {2}cancelled /);
    expect(ended.stdout).not.toContain("circuit");
  }, 30_000);
});

describe("status --watch exit codes", () => {
  it("1 when the execution ended failed or cancelled, 0 when it succeeded", async () => {
    const dir = project();
    writeFileSync(join(dir, "fail"), "");
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "f1", "--yes"], { cwd: dir })).code).toBe(
      1,
    );
    const failed = await cli(["status", "f1", "--watch"], { cwd: dir, timeoutMs: 10_000 });
    expect(failed.stdout).toContain("f1  failed");
    expect(failed.code).toBe(1);
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "c1"], { cwd: dir })).code).toBe(3);
    expect((await cli(["cancel", "c1"], { cwd: dir })).code).toBe(0);
    const cancelled = await cli(["status", "c1", "--watch"], { cwd: dir, timeoutMs: 10_000 });
    expect(cancelled.stdout).toContain("c1  cancelled");
    expect(cancelled.code).toBe(1);
    rmSync(join(dir, "fail"));
    writeFileSync(join(dir, "release"), "");
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "s1", "--yes"], { cwd: dir })).code).toBe(
      0,
    );
    expect((await cli(["status", "s1", "--watch"], { cwd: dir, timeoutMs: 10_000 })).code).toBe(0);
  });
});
