import { spawn } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ExecutionEvent, replay } from "../../src/core/state/index.ts";
import { cli, isAlive, ROOT, startCli, tempDir, waitFor } from "./cli-helpers.ts";

/**
 * Each task appends a line to runs/<task> every time its command starts, so tests can count
 * how often each command really ran. `slow` tasks sleep long enough to be caught in flight.
 */
const PLAN = `
version: 1
policy: { max_concurrency: 4, retry: { max_attempts: 3, initial_interval: 10ms, jitter: false } }
agents:
  fast:
    run: 'mkdir -p runs; echo "$ORCHESTRATE_ATTEMPT" >> "runs/$(echo $ORCHESTRATE_TASK | tr / _)"; echo ok > "$ORCHESTRATE_ARTIFACTS/out.txt"'
  slow:
    run: 'mkdir -p runs; echo "$ORCHESTRATE_ATTEMPT" >> "runs/$(echo $ORCHESTRATE_TASK | tr / _)"; echo $$ > "runs/pid-$(echo $ORCHESTRATE_TASK | tr / _)-$ORCHESTRATE_ATTEMPT"; if [ ! -f release ]; then sleep 30; fi; echo ok > "$ORCHESTRATE_ARTIFACTS/out.txt"'
phases:
  - { id: one, agents: [fast], matrix: { n: [a, b, c] } }
  - { id: two, needs: [one], agents: [slow, fast] }
  - { id: three, needs: [two], agents: [fast] }
`;

function project(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), PLAN);
  return dir;
}

function runs(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (!existsSync(join(dir, "runs"))) return out;
  for (const f of readdirSync(join(dir, "runs"))) {
    if (f.startsWith("pid-")) continue;
    out[f] = readFileSync(join(dir, "runs", f), "utf8")
      .trim()
      .split("\n").length;
  }
  return out;
}

function events(dir: string, id: string): { type: string; task?: string }[] {
  const path = join(dir, ".orchestrate", id, "events.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; task?: string });
}

function logEvents(dir: string, id: string): ExecutionEvent[] {
  return readFileSync(join(dir, ".orchestrate", id, "events.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as ExecutionEvent);
}

function stateOf(dir: string, id: string): { status: string } {
  return JSON.parse(readFileSync(join(dir, ".orchestrate", id, "state.json"), "utf8")) as { status: string };
}

function pidOf(dir: string, task: string, attempt: number): number {
  return Number(readFileSync(join(dir, "runs", `pid-${task}-${attempt}`), "utf8"));
}

describe("crash, resume, lock, cancel", () => {
  it("kill -9 then resume: finished tasks do not run again, the in-flight one is retried, nothing is lost", async () => {
    const dir = project();
    const run = startCli(["run", "plan.yml", "--request", "Project: crash", "--id", "c1"], dir);
    await waitFor(() => existsSync(join(dir, "runs", "pid-two_slow-1")), 15_000, "the slow task to start");
    await waitFor(
      () => events(dir, "c1").some((e) => e.type === "task_succeeded" && e.task === "two/fast"),
      15_000,
      "two/fast",
    );
    run.child.kill("SIGKILL");
    await run.exited;
    const before = runs(dir);
    expect(before).toMatchObject({
      "one_fast@a": 1,
      "one_fast@b": 1,
      "one_fast@c": 1,
      two_fast: 1,
      two_slow: 1,
    });
    // The orphaned agent of the killed run is still sleeping; let the retry finish at once.
    writeFileSync(join(dir, "release"), "");
    const resumed = await cli(["resume", "c1"], { cwd: dir });
    expect(resumed.code).toBe(0);
    expect(runs(dir)).toEqual({
      "one_fast@a": 1,
      "one_fast@b": 1,
      "one_fast@c": 1,
      two_fast: 1,
      two_slow: 2,
      three_fast: 1,
    });
    const state = JSON.parse(readFileSync(join(dir, ".orchestrate/c1/state.json"), "utf8"));
    expect(state.status).toBe("succeeded");
    expect(state.tasks["two/slow"].errors).toEqual([
      expect.objectContaining({ attempt: 1, kind: "interrupted" }),
    ]);
    expect((await cli(["replay", "c1"], { cwd: dir })).code).toBe(0);
  });

  it("a second process on a running execution is refused with the holder's pid; cancel stops it and its tasks", async () => {
    const dir = project();
    const run = startCli(["run", "plan.yml", "--request", "Project: lock", "--id", "l1"], dir);
    await waitFor(() => existsSync(join(dir, "runs", "pid-two_slow-1")), 15_000, "the slow task to start");
    const second = await cli(["resume", "l1"], { cwd: dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`execution l1 is running in process ${run.child.pid}`);
    expect(second.stdout).toBe("");
    const agentPid = pidOf(dir, "two_slow", 1);
    expect(isAlive(agentPid)).toBe(true);
    const cancel = await cli(["cancel", "l1"], { cwd: dir, env: { USER: "carol" } });
    expect(cancel.code).toBe(0);
    expect(await run.exited).toBe(1);
    // Recorded as the cancel command's, by its user: not as a Ctrl-C of the running process.
    const cancelled = events(dir, "l1").filter((e) => e.type === "cancel_requested");
    expect(cancelled).toEqual([expect.objectContaining({ by: "carol" })]);
    expect(cancelled[0]).not.toHaveProperty("reason");
    expect(run.output().stderr).toContain("Cancelling (orchestrate cancel by carol)");
    expect(existsSync(join(dir, ".orchestrate/l1/cancel-request.json"))).toBe(false);
    await waitFor(() => !isAlive(agentPid) || isZombie(agentPid), 5000, "the agent to stop");
    const state = JSON.parse(readFileSync(join(dir, ".orchestrate/l1/state.json"), "utf8"));
    expect(state.status).toBe("cancelled");
    expect(state.tasks["three/fast"].status).toBe("cancelled");
    expect(state.reason).toBe("cancelled by carol");
    expect(existsSync(join(dir, ".orchestrate/l1/lock"))).toBe(false);
  });

  it("cancel never signals a process named by a lock taken on another machine", async () => {
    const dir = project();
    const run = startCli(["run", "plan.yml", "--request", "Project: host", "--id", "h1"], dir);
    await waitFor(() => existsSync(join(dir, "runs", "pid-two_slow-1")), 15_000, "the slow task to start");
    const lock = join(dir, ".orchestrate/h1/lock");
    const mine = readFileSync(lock, "utf8");
    // The same lock as if another machine sharing the folder held it: its pid means nothing here.
    writeFileSync(lock, JSON.stringify({ ...JSON.parse(mine), host: "another-machine" }));
    const cancel = await cli(["cancel", "h1"], { cwd: dir });
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toContain("h1 is run by process");
    expect(cancel.stderr).toContain("on another-machine, not on this machine: cancel it there");
    expect(isAlive(run.child.pid!)).toBe(true);
    writeFileSync(lock, mine);
    expect((await cli(["cancel", "h1"], { cwd: dir })).code).toBe(0);
    await run.exited;
  });

  it.skipIf(process.platform !== "linux")(
    "cancel never signals a process that got the pid of a lock's dead holder (another start time)",
    async () => {
      const dir = tempDir();
      cpSync(join(ROOT, "examples/pipeline"), dir, { recursive: true });
      const run = await cli(
        ["run", "orchestrate.yml", "--request-file", "request.md", "--id", "r1", "--plain"],
        {
          cwd: dir,
        },
      );
      expect(run.code).toBe(3);
      const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
      try {
        const lock = {
          pid: other.pid,
          host: hostname(),
          started_at: "2024-01-01T00:00:00.000Z",
          process_start: "1",
        };
        writeFileSync(join(dir, ".orchestrate/r1/lock"), JSON.stringify(lock));
        const cancel = await cli(["cancel", "r1"], { cwd: dir });
        expect(cancel.code).toBe(0);
        expect(cancel.stderr).not.toContain("asked process");
        expect(isAlive(other.pid!)).toBe(true);
        expect(stateOf(dir, "r1").status).toBe("cancelled");
      } finally {
        other.kill();
      }
    },
    30_000,
  );

  it("status --watch follows a running execution, stops quietly when its reader goes, and stops when its process died", async () => {
    const dir = project();
    const run = startCli(["run", "plan.yml", "--request", "Project: watch", "--id", "sw1"], dir);
    await waitFor(() => existsSync(join(dir, "runs", "pid-two_slow-1")), 15_000, "the slow task to start");
    // `status --watch | head -1`: the reader closes after the first output.
    const piped = startCli(["status", "sw1", "--watch"], dir);
    await waitFor(() => piped.output().stdout !== "", 5000, "the first status");
    piped.child.stdout.destroy();
    const pipedCode = await Promise.race([
      piped.exited,
      new Promise<string>((r) => setTimeout(() => r("still running"), 8000)),
    ]);
    if (pipedCode === "still running") piped.child.kill("SIGKILL");
    expect(pipedCode).toBe(0);
    expect(piped.output().stderr).not.toContain("EPIPE");
    run.child.kill("SIGKILL");
    await run.exited;
    const watch = await cli(["status", "sw1", "--watch"], { cwd: dir, timeoutMs: 10_000 });
    expect(watch.code).toBe(1);
    expect(watch.stderr).toContain("Execution sw1 is interrupted: no process runs it");
    expect(watch.stderr).toContain("orchestrate resume sw1");
    process.kill(pidOf(dir, "two_slow", 1), "SIGKILL");
  });

  it("reports a corrupt state file with its path and leaves it untouched", async () => {
    const dir = project();
    writeFileSync(join(dir, "release"), "");
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "k1"], { cwd: dir })).code).toBe(0);
    const path = join(dir, ".orchestrate/k1/state.json");
    writeFileSync(path, '{"id": "k1", "status": ');
    for (const args of [
      ["status", "k1"],
      ["resume", "k1"],
      ["report", "k1"],
    ]) {
      const r = await cli(args, { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(path);
      expect(r.stderr).toContain("replay k1 --write");
    }
    expect(readFileSync(path, "utf8")).toBe('{"id": "k1", "status": ');
    expect((await cli(["replay", "k1", "--write"], { cwd: dir })).code).toBe(0);
    expect((await cli(["status", "k1", "--json"], { cwd: dir })).stdout).toContain('"status": "succeeded"');
  });

  it("a task timeout kills the task's whole process group", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      [
        "version: 1",
        "policy: { timeout: { task: 1s }, retry: { max_attempts: 1 } }",
        "agents:",
        "  hang: { run: 'sleep 60 & echo $! > child.pid; wait' }",
        "phases: [{ id: p, agents: [hang] }]",
      ].join("\n"),
    );
    const r = await cli(["run", "plan.yml", "--request", "x", "--id", "t1"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("timeout");
    const child = Number(readFileSync(join(dir, "child.pid"), "utf8"));
    await waitFor(() => !isAlive(child) || isZombie(child), 5000, "the grandchild to stop");
  });
  it("retry then resume runs a task again after its attempts ran out and its agent's circuit opened", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      `version: 1
policy: { retry: { max_attempts: 3, initial_interval: 10ms, jitter: false } }
agents:
  a: { run: 'if [ -f ok ]; then echo done; else echo nope >&2; exit 1; fi' }
phases:
  - { id: one, agents: [a] }
`,
    );
    const run = await cli(["run", "plan.yml", "--request", "Project: x", "--id", "c1", "--plain"], {
      cwd: dir,
    });
    expect(run.code).toBe(1);
    writeFileSync(join(dir, "ok"), "");
    expect((await cli(["retry", "c1"], { cwd: dir })).code).toBe(0);
    const resume = startCli(["resume", "c1", "--plain"], dir);
    const code = await Promise.race([
      resume.exited,
      new Promise<string>((r) => setTimeout(() => r("still running after 8s"), 8_000)),
    ]);
    if (code === "still running after 8s") resume.child.kill("SIGKILL");
    expect(code).toBe(0);
  }, 30_000);
  it("budget lifts a stop at the old budget; retry then resume finishes what the stop left", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      `version: 1
policy: { max_concurrency: 1, budget: { usd: 1 } }
agents:
  a: { run: 'echo "{\\"cost\\": {\\"usd\\": 0.75}}" > "$ORCHESTRATE_RESULT"' }
phases:
  - { id: one, agents: [a], matrix: { n: [x, y, z] } }
`,
    );
    const run = await cli(["run", "plan.yml", "--request", "Project: x", "--id", "b1", "--plain"], {
      cwd: dir,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("budget reached: $1.50 spent of $1.00");
    expect((await cli(["retry", "b1"], { cwd: dir })).stderr).toContain("raise the budget first");
    const usage = await cli(["budget", "b1"], { cwd: dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("name the new budget with --usd, --tokens or both");
    const low = await cli(["budget", "b1", "--usd", "1.25"], { cwd: dir });
    expect(low.code).toBe(2);
    expect(low.stderr).toContain("a budget of $1.25 is not above the $1.50 already spent");
    const raised = await cli(["budget", "b1", "--usd", "5"], { cwd: dir });
    expect(raised.code).toBe(0);
    expect(raised.stdout).toContain("budget of b1 set to $5.00 ($1.50 spent)");
    expect(raised.stderr).toContain("orchestrate retry b1");
    expect((await cli(["retry", "b1"], { cwd: dir })).code).toBe(0);
    const resume = await cli(["resume", "b1", "--plain"], { cwd: dir });
    expect(resume.code).toBe(0);
    const status = JSON.parse((await cli(["status", "b1", "--json"], { cwd: dir })).stdout);
    expect(status).toMatchObject({ status: "succeeded", metrics: { cost_estimate: { usd: 2.25 } } });
    expect(status.audit.map((a: { what: string }) => a.what)).toContain("set the budget to $5.00");
  }, 30_000);

  it("approve after a crash cut the log's last line: the fragment is dropped, the approval recorded", async () => {
    const dir = tempDir();
    cpSync(join(ROOT, "examples/pipeline"), dir, { recursive: true });
    const run = await cli(
      ["run", "orchestrate.yml", "--request-file", "request.md", "--id", "p1", "--plain"],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(3);
    const log = join(dir, ".orchestrate/p1/events.jsonl");
    appendFileSync(log, '{"id":"x","type":"task_succ');
    const approve = await cli(["approve", "p1", "review"], { cwd: dir });
    expect(approve.code).toBe(0);
    const lines = readFileSync(log, "utf8").trimEnd().split("\n");
    expect(lines.every((l) => JSON.parse(l))).toBe(true);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: "gate_approved", phase: "review" });
  }, 30_000);

  it("resume rebuilds a state file one event behind its log: the finishing event counts, the report prints", async () => {
    const dir = project();
    writeFileSync(join(dir, "release"), "");
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "b1"], { cwd: dir })).code).toBe(0);
    const all = logEvents(dir, "b1");
    expect(replay(all)?.finished_at).toBeDefined();
    const behind = replay(all.slice(0, -1))!;
    expect(behind.finished_at).toBeUndefined();
    // A crash between the log's last append and the state file's write.
    writeFileSync(join(dir, ".orchestrate/b1/state.json"), JSON.stringify(behind));
    const resumed = await cli(["resume", "b1"], { cwd: dir, timeoutMs: 10_000 });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("# Orchestrate report: b1");
    expect(resumed.stderr).toContain("Execution b1 already succeeded");
    expect(stateOf(dir, "b1").status).toBe("succeeded");
    expect(logEvents(dir, "b1")).toHaveLength(all.length);
  });

  it("an execution whose state file was never written is rebuilt from its log: status shows it, resume runs it", async () => {
    const dir = project();
    writeFileSync(join(dir, "release"), "");
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "n1"], { cwd: dir })).code).toBe(0);
    // A crash right after the first append: the log holds execution_started, no state file.
    const log = join(dir, ".orchestrate/n1/events.jsonl");
    writeFileSync(log, `${readFileSync(log, "utf8").split("\n")[0]}\n`);
    rmSync(join(dir, ".orchestrate/n1/state.json"));
    const list = await cli(["status"], { cwd: dir });
    expect(list.stdout).toContain("n1");
    expect(list.stdout).not.toContain("corrupt");
    expect((await cli(["status", "n1"], { cwd: dir })).code).toBe(0);
    const resumed = await cli(["resume", "n1"], { cwd: dir, timeoutMs: 15_000 });
    expect(resumed.code).toBe(0);
    expect(stateOf(dir, "n1").status).toBe("succeeded");
  });

  it("replay --write drops a cut-off last log line, saying so, and rebuilds the state", async () => {
    const dir = project();
    writeFileSync(join(dir, "release"), "");
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "w1"], { cwd: dir })).code).toBe(0);
    const log = join(dir, ".orchestrate/w1/events.jsonl");
    const state = join(dir, ".orchestrate/w1/state.json");
    const whole = readFileSync(log, "utf8");
    appendFileSync(log, '{"id":"x","type":"task_succ');
    const check = await cli(["replay", "w1"], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stderr).toContain(`the last line of ${log} is cut off`);
    expect(check.stderr).toContain("orchestrate replay w1 --write");
    expect(readFileSync(log, "utf8")).toBe(`${whole}{"id":"x","type":"task_succ`);
    writeFileSync(state, "{");
    const write = await cli(["replay", "w1", "--write"], { cwd: dir });
    expect(write.code).toBe(0);
    expect(write.stderr).toContain(`dropped the cut-off last line of ${log}`);
    expect(write.stderr).toContain('{"id":"x","type":"task_succ');
    expect(write.stdout).toContain(`events replayed: wrote ${state}`);
    expect(readFileSync(log, "utf8")).toBe(whole);
    expect(JSON.parse(readFileSync(state, "utf8")).status).toBe("succeeded");
    const again = await cli(["replay", "w1"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe("");
  });
});

/** A killed process whose parent is gone may linger as a zombie where nothing reaps orphans. */
function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") === true;
  } catch {
    return false;
  }
}
