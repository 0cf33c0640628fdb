import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandTask } from "../../src/agents/command-agent.ts";

const made: string[] = [];

/** A fresh temporary folder, removed by `removeTempDirs`. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-agent-"));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A task running `command` in a fresh temporary folder; `workDir` is `<root>/work`. */
export function makeTask(
  command: string,
  overrides: Partial<CommandTask> = {},
): CommandTask & { root: string } {
  const root = tempDir();
  return {
    root,
    execution: "exec-1",
    task: {
      id: "development/dev@backend",
      agent: "dev",
      phase: "development",
      matrix: { module: "backend" },
    },
    attempt: 1,
    command,
    cwd: root,
    workDir: join(root, "work"),
    request: { title: "Build a todo app" },
    context: {},
    inputs: [],
    outputs: {},
    secrets: [],
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** Reads `env` output (one `NAME=value` a line) into a record. */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/**
 * True when the process no longer runs: `kill(pid, 0)` fails with ESRCH, or (Linux) it is a zombie
 * left for a PID 1 that does not reap orphans, as in some containers.
 */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  const state = readFileSync(stat, "utf8").replace(/^.*\) /s, "")[0];
  return state === "Z";
}

/** Waits until a file exists and is not empty, then returns its content. */
export async function waitForFile(path: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      if (text.trim() !== "") return text;
    }
    if (Date.now() > until) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
