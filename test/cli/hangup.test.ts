import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cli, killedAfterEach, startCli, tempDir, waitFor } from "./cli-helpers.ts";
import { runs } from "./session-helpers.ts";

/**
 * Until `go` exists, the agent writes its pid, ignores SIGTERM and runs until it is killed; with
 * `go` it succeeds at once.
 */
const PLAN = `
version: 1
agents:
  slow:
    run: 'if [ -f go ]; then echo done > "$ORCHESTRATE_ARTIFACTS/out.txt"; exit 0; fi; echo $$ > agent.pid; trap "" TERM; sleep 30'
phases:
  - { id: p, agents: [slow] }
`;

/** Agents of the test's runs: a failing test leaves none running. */
const agents = killedAfterEach().groups;

function events(dir: string, id: string): { type: string; attempt?: number }[] {
  return readFileSync(join(dir, ".orchestrate", id, "events.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string });
}

describe.skipIf(process.platform === "win32")("a run whose terminal closes (SIGHUP)", () => {
  it("stops its tasks, lets go of the lock, exits 129 and records no cancel: resume runs them again", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.yml"), PLAN);
    const run = startCli(["run", "plan.yml", "--request", "Project: hangup", "--id", "hup1", "--plain"], dir);
    await waitFor(() => existsSync(join(dir, "agent.pid")), 15_000, "the agent to start");
    const agent = Number(readFileSync(join(dir, "agent.pid"), "utf8"));
    agents.push(agent);
    run.child.kill("SIGHUP");
    expect(await run.exited).toBe(129);
    // It ignores SIGTERM: killed after the grace time, before the process ended.
    expect(runs(agent)).toBe(false);
    expect(existsSync(join(dir, ".orchestrate/hup1/lock"))).toBe(false);
    expect(run.output().stderr).toContain(
      "Execution hup1 stopped: its terminal closed (SIGHUP); its running tasks were stopped\n  continue: orchestrate resume hup1\n",
    );
    expect(events(dir, "hup1").map((e) => e.type)).not.toContain("cancel_requested");
    writeFileSync(join(dir, "go"), "");
    const resumed = await cli(["resume", "hup1", "--plain"], { cwd: dir, timeoutMs: 20_000 });
    expect(resumed.stderr).toContain("Execution hup1 succeeded");
    expect(resumed.code).toBe(0);
    // The attempt the hang-up stopped was given up as interrupted (no cancel): the next one ran.
    expect(events(dir, "hup1").map((e) => [e.type, e.attempt])).toEqual([
      ["execution_started", undefined],
      ["task_started", 1],
      ["resume_requested", undefined],
      ["task_started", 2],
      ["task_succeeded", 2],
    ]);
  }, 40_000);

  const terminal = existsSync("/usr/bin/script") && existsSync("/usr/bin/setsid");
  it.skipIf(!terminal)(
    "with a gate's prompt open on a real terminal: the lost terminal ends nothing before the hangup is handled",
    async () => {
      const dir = tempDir();
      // A gated phase whose prompt opens while an independent phase's agent runs.
      writeFileSync(
        join(dir, "plan.yml"),
        `${PLAN.replace("phases:\n  - { id: p, agents: [slow] }", "  gated: { run: 'echo hi' }\nphases:\n  - { id: g, agents: [gated], gate: {} }\n  - { id: p, agents: [slow], needs: [] }")}`,
      );
      const command = `${process.execPath} ${BIN} run plan.yml --request 'Project: hangup' --id hup2`;
      // The run leads a session on a terminal of its own; killing `script` closes that terminal.
      const term = spawn("setsid", ["script", "-qfc", command, "/dev/null"], {
        cwd: dir,
        env: { ...process.env, CI: "", NO_COLOR: "1" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let shown = "";
      term.stdout.on("data", (d: Buffer) => {
        shown += d.toString();
      });
      try {
        await waitFor(
          () => shown.includes("waits for approval") && existsSync(join(dir, "agent.pid")),
          15_000,
          "the prompt and the agent",
        );
        const agent = Number(readFileSync(join(dir, "agent.pid"), "utf8"));
        agents.push(agent);
        term.kill("SIGKILL");
        // The agent ignores SIGTERM: it is gone once the run has killed it, then the lock.
        await waitFor(() => !runs(agent), 15_000, "the agent to be stopped");
        await waitFor(() => !existsSync(join(dir, ".orchestrate/hup2/lock")), 15_000, "the lock to go");
        expect(events(dir, "hup2").map((e) => e.type)).not.toContain("cancel_requested");
      } finally {
        term.kill("SIGKILL");
      }
    },
    40_000,
  );
});
