import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  cli,
  FREEZING_PLAN,
  isAlive,
  killedAfterEach,
  processState,
  startCli,
  tempDir,
  waitFor,
} from "./cli-helpers.ts";

/**
 * One attempt per task; the agent writes its pid, ignores SIGTERM (as its children do) and then
 * writes a line a second until it is killed.
 */
const PLAN = `
version: 1
policy: { retry: { max_attempts: 1 } }
agents:
  stubborn:
    run: 'echo $$ > agent.pid; trap "" TERM; while true; do echo tick >> "$ORCHESTRATE_ARTIFACTS/ticks"; sleep 0.2; done'
phases:
  - { id: p, agents: [stubborn] }
`;

/**
 * The agent's shell starts a process in the background and ends once `release` exists: the
 * group outlives its first process.
 */
const BACKGROUND_PLAN = `
version: 1
policy: { retry: { max_attempts: 1 } }
agents:
  bg:
    run: 'echo $$ > agent.pid; sleep 300 & echo $! > child.pid; while [ ! -f release ]; do sleep 0.05; done'
phases:
  - { id: p, agents: [bg] }
`;

/** Agents of the test's runs: a failing test leaves none running. */
const agents = killedAfterEach().groups;

function project(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), PLAN);
  return dir;
}

/** Starts a run and waits for its agent; returns the run and the agent's pid. */
async function started(dir: string, id: string) {
  const run = startCli(["run", "plan.yml", "--request", "Project: orphan", "--id", id, "--plain"], dir);
  await waitFor(() => existsSync(join(dir, "agent.pid")), 15_000, "the agent to start");
  const agent = Number(readFileSync(join(dir, "agent.pid"), "utf8"));
  agents.push(agent);
  // The group is recorded right after the agent starts.
  await waitFor(
    () => existsSync(join(dir, ".orchestrate", id, "tasks/p__stubborn/1/process-group.json")),
    5000,
    "the agent's process group to be recorded",
  );
  return { run, agent };
}

/** Gone, or a zombie no one reaped yet (its parent died). */
function stopped(pid: number): boolean {
  if (!isAlive(pid)) return true;
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") === true;
  } catch {
    return true;
  }
}

describe.skipIf(process.platform !== "linux")("agents a dead or quitting CLI left running", () => {
  it("kill -9, then resume with no attempt left: the orphan is stopped, and says so", async () => {
    const dir = project();
    const { run, agent } = await started(dir, "o1");
    run.child.kill("SIGKILL");
    await run.exited;
    expect(stopped(agent)).toBe(false);
    const resumed = await cli(["resume", "o1", "--plain"], { cwd: dir, timeoutMs: 20_000 });
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain(
      "stopped the agent of p/stubborn (attempt 1), left running when the process that ran it died",
    );
    expect(stopped(agent)).toBe(true);
  }, 40_000);

  it("kill -9, then cancel: the orphan is stopped with the execution", async () => {
    const dir = project();
    const { run, agent } = await started(dir, "o2");
    run.child.kill("SIGKILL");
    await run.exited;
    const cancel = await cli(["cancel", "o2"], { cwd: dir, timeoutMs: 20_000 });
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain("cancelled o2");
    expect(cancel.stderr).toContain("stopped the agent of p/stubborn (attempt 1)");
    expect(stopped(agent)).toBe(true);
  }, 40_000);

  it("kill -9, then skip of the running task: its agent is stopped before the skip is recorded", async () => {
    const dir = project();
    const { run, agent } = await started(dir, "o3");
    run.child.kill("SIGKILL");
    await run.exited;
    const skip = await cli(["skip", "o3", "p/stubborn"], { cwd: dir, timeoutMs: 20_000 });
    expect(skip.code).toBe(0);
    expect(skip.stdout).toBe("skipped p/stubborn of o3\n");
    expect(skip.stderr).toContain(
      "stopped the agent of p/stubborn (attempt 1), left running when the process that ran it died",
    );
    expect(stopped(agent)).toBe(true);
  }, 40_000);

  it("kill -9 after the agent's shell ended, its background process still running: resume stops it", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.yml"), BACKGROUND_PLAN);
    const run = startCli(["run", "plan.yml", "--request", "Project: orphan", "--id", "o4", "--plain"], dir);
    await waitFor(() => existsSync(join(dir, "child.pid")), 15_000, "the agent to start");
    await waitFor(
      () => existsSync(join(dir, ".orchestrate/o4/tasks/p__bg/1/process-group.json")),
      5000,
      "the agent's process group to be recorded",
    );
    const shell = Number(readFileSync(join(dir, "agent.pid"), "utf8"));
    const child = Number(readFileSync(join(dir, "child.pid"), "utf8"));
    agents.push(shell);
    run.child.kill("SIGKILL");
    await run.exited;
    // The shell, the group's first process, ends; what it started in the background runs on.
    writeFileSync(join(dir, "release"), "");
    await waitFor(() => !isAlive(shell), 10_000, "the agent's shell to end");
    expect(stopped(child)).toBe(false);
    const resumed = await cli(["resume", "o4", "--plain"], { cwd: dir, timeoutMs: 20_000 });
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain(
      "stopped the agent of p/bg (attempt 1), left running when the process that ran it died",
    );
    expect(stopped(child)).toBe(true);
  }, 40_000);

  it("Ctrl-C, then kill -9 while the agents stop: cancel of the ended execution still stops them", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.yml"), FREEZING_PLAN);
    const run = startCli(["run", "plan.yml", "--request", "Project: orphan", "--id", "o5", "--plain"], dir);
    await waitFor(() => existsSync(join(dir, "agent.pid")), 15_000, "the agent to start");
    await waitFor(
      () => existsSync(join(dir, ".orchestrate/o5/tasks/p__frozen/1/process-group.json")),
      5000,
      "the agent's process group to be recorded",
    );
    const agent = Number(readFileSync(join(dir, "agent.pid"), "utf8"));
    agents.push(agent);
    run.child.kill("SIGINT");
    // The cancel is recorded, and the run is held (by its agent) within its grace before SIGKILL.
    await waitFor(() => processState(run.child.pid!) === "T", 10_000, "the run to be held");
    run.child.kill("SIGKILL");
    await run.exited;
    expect(stopped(agent)).toBe(false);
    const cancel = await cli(["cancel", "o5"], { cwd: dir, timeoutMs: 20_000 });
    expect(cancel.stderr).toContain(
      "stopped the agent of p/frozen (attempt 1), left running when the process that ran it died",
    );
    expect(cancel.stderr).toContain("refused: the execution has ended");
    expect(cancel.code).toBe(2);
    expect(stopped(agent)).toBe(true);
  }, 40_000);

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`a second ${signal} quits at once (exit ${code}) and kills agents that ignore SIGTERM`, async () => {
      const dir = project();
      const { run, agent } = await started(dir, `q-${code}`);
      run.child.kill(signal);
      await waitFor(() => run.output().stderr.includes("Cancelling"), 5000, "the first signal");
      run.child.kill(signal);
      expect(await run.exited).toBe(code);
      await waitFor(() => stopped(agent), 2000, "the agent to be killed");
      expect(existsSync(join(dir, `.orchestrate/q-${code}/lock`))).toBe(false);
    }, 40_000);
  }
});
