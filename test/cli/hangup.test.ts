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
  it("stops its tasks, lets go of the lock, ends by the hangup (a shell shows 129) and records no cancel: resume runs them again", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.yml"), PLAN);
    const run = startCli(["run", "plan.yml", "--request", "Project: hangup", "--id", "hup1", "--plain"], dir);
    await waitFor(() => existsSync(join(dir, "agent.pid")), 15_000, "the agent to start");
    const agent = Number(readFileSync(join(dir, "agent.pid"), "utf8"));
    agents.push(agent);
    run.child.kill("SIGHUP");
    // Ended by the hangup itself once its tasks are stopped (a shell shows 129).
    expect(await run.exited).toBe(-1);
    expect(run.signal()).toBe("SIGHUP");
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

  /**
   * Runs `command` on a terminal of its own (python3's pty: the command leads the terminal's
   * session), closes the terminal once `ready` (a file) exists and the output shows `shown`, and
   * prints how the command ended: `signal N` or `exit N`.
   */
  const PTY = `
import os, pty, sys, time
command, ready, shown = sys.argv[1], sys.argv[2], sys.argv[3].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp("sh", ["sh", "-c", "exec " + command])
seen, end = b"", time.time() + 20
while time.time() < end and not (shown in seen and os.path.exists(ready)):
    try:
        seen += os.read(fd, 65536)
    except OSError:
        break
os.close(fd)
_, status = os.waitpid(pid, 0)
print(("signal %d" % os.WTERMSIG(status)) if os.WIFSIGNALED(status) else ("exit %d" % os.WEXITSTATUS(status)))
`;
  const python = ["/usr/bin/python3", "/bin/python3"].find((p) => existsSync(p));
  it.skipIf(python === undefined)(
    "with a gate's prompt open on a real terminal: tasks stopped, lock let go, ended by the hangup (no abort)",
    async () => {
      const dir = tempDir();
      // A gated phase whose prompt opens while an independent phase's agent runs.
      writeFileSync(
        join(dir, "plan.yml"),
        `${PLAN.replace("phases:\n  - { id: p, agents: [slow] }", "  gated: { run: 'echo hi' }\nphases:\n  - { id: g, agents: [gated], gate: {} }\n  - { id: p, agents: [slow], needs: [] }")}`,
      );
      writeFileSync(join(dir, "on-terminal.py"), PTY);
      const command = `${process.execPath} ${BIN} run plan.yml --request 'Project: hangup' --id hup2`;
      const term = spawn(python!, ["on-terminal.py", command, join(dir, "agent.pid"), "waits for approval"], {
        cwd: dir,
        env: { ...process.env, CI: "", NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let said = "";
      term.stdout.on("data", (d: Buffer) => {
        said += d.toString();
      });
      const ended = new Promise<number | null>((r) => term.on("close", r));
      try {
        expect(await ended).toBe(0);
        agents.push(Number(readFileSync(join(dir, "agent.pid"), "utf8")));
        // SIGHUP (1), as a shell reports 129 — not SIGABRT (6) from exiting on a terminal gone.
        expect(said.trim()).toBe("signal 1");
        expect(runs(agents.at(-1)!)).toBe(false);
        expect(existsSync(join(dir, ".orchestrate/hup2/lock"))).toBe(false);
        expect(events(dir, "hup2").map((e) => e.type)).not.toContain("cancel_requested");
      } finally {
        term.kill("SIGKILL");
      }
    },
    40_000,
  );
});
