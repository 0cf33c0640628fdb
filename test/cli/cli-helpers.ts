import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach } from "vitest";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/orchestrate.js");

/** `spec` is gated; `side` runs beside it until `release` exists; `build` needs `spec`. */
export const GATE_BESIDE_PLAN = `
version: 1
agents:
  writer: { run: 'echo spec > "$ORCHESTRATE_ARTIFACTS/spec.md"' }
  slow: { run: 'while [ ! -f release ]; do sleep 0.05; done' }
  builder: { run: 'echo built > built.txt' }
phases:
  - { id: spec, agents: [writer], gate: {} }
  - { id: side, agents: [slow] }
  - { id: build, needs: [spec], agents: [builder] }
`;

/** A plan of two phases, the first gated, whose one agent echoes: runs stop at the gate. */
export const GATED_PLAN = `
version: 1
agents:
  a: { run: 'echo hi' }
phases:
  - { id: one, agents: [a], gate: {} }
  - { id: two, needs: [one], agents: [a] }
`;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a process, as a user would. */
export function cli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    // A process that does not end in time is killed: the test fails instead of hanging.
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill("SIGKILL");
            stderr += `\n[killed after ${options.timeoutMs} ms]`;
          }, options.timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

export function tempDir(prefix = "orchestrate-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts the CLI without waiting for it (for kill and cancel tests). */
export function startCli(args: string[], cwd: string) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  let endedBy: NodeJS.Signals | null = null;
  const exited = new Promise<number | null>((r) =>
    child.on("close", (code, signal) => {
      endedBy = signal;
      r(signal ? -1 : code);
    }),
  );
  /** The signal that ended it (`exited` is then -1). */
  const signal = () => endedBy;
  return { child, exited, signal, output: () => ({ stdout, stderr }) };
}

/** Polls until `check` returns true (or fails after `ms`). */
export async function waitFor(check: () => boolean, ms = 10_000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Processes a test started, killed after each test so a failing test leaves none running:
 * push a pid to `groups` to kill its whole process group (an agent), to `processes` for it alone.
 */
export function killedAfterEach(): { groups: number[]; processes: number[] } {
  const groups: number[] = [];
  const processes: number[] = [];
  afterEach(() => {
    for (const pid of processes.splice(0)) kill(pid);
    for (const pid of groups.splice(0)) kill(-pid);
  });
  return { groups, processes };
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}

/**
 * The agent holds the run that sends it SIGTERM (SIGSTOP to its parent), and runs on: the run is
 * caught within its grace before SIGKILL, its cancel recorded (or a cancel caught while it stops
 * its agents), however slow the machine.
 */
export const FREEZING_PLAN = `
version: 1
policy: { retry: { max_attempts: 1 } }
agents:
  frozen:
    run: 'echo $$ > agent.pid; trap "kill -STOP $PPID" TERM; while true; do sleep 0.1; done'
phases:
  - { id: p, agents: [frozen] }
`;

/** The state letter of a process (`T` when stopped), or undefined when it is gone. */
export function processState(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
  } catch {
    return undefined;
  }
}
