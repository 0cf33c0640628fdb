import { spawn } from "node:child_process";

/** How a process group run ended. */
export interface ProcessGroupEnd {
  /** Exit code of the shell, or null when it was killed by a signal or never started. */
  exitCode: number | null;
  /** The signal that killed the shell, if any. */
  signal: string | null;
  /** True when the run was stopped because `signal` aborted. */
  aborted: boolean;
  /** Set when the process could not be started. */
  spawnError?: Error;
}

/** What `runProcessGroup` needs. */
export interface ProcessGroupOptions {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs: number;
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
  /** Called with the group's id once the shell runs. */
  onStart?(pgid: number): void;
}

/** How often the group is checked for members left after SIGTERM. */
const POLL_MS = 20;
/** Extra wait for the output pipes to close after the last signal, before they are let go. */
const PIPE_WAIT_MS = 1000;

/**
 * Runs `/bin/sh -c <command>` as the leader of a new process group, with stdin closed. On abort the
 * whole group gets SIGTERM, then SIGKILL after `killGraceMs` if any member is left. When the shell
 * exits on its own, processes it left behind in its group are stopped the same way, so an attempt
 * never leaves processes running. Resolves once the group is gone and the output pipes are closed.
 */
export function runProcessGroup(options: ProcessGroupOptions): Promise<ProcessGroupEnd> {
  const { signal, killGraceMs } = options;
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", options.command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let aborted = false;
    let terminating = false;
    let killed = false;
    let killTimer: NodeJS.Timeout | undefined;
    let pipeTimer: NodeJS.Timeout | undefined;
    let pollTimer: NodeJS.Timeout | undefined;
    let exit: { code: number | null; signal: string | null } | undefined;
    let closed = false;
    let finished = false;

    const pid = child.pid;
    if (pid !== undefined) options.onStart?.(pid);
    const terminate = (): void => {
      if (terminating || pid === undefined) return;
      terminating = true;
      signalGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => {
        killed = true;
        if (groupAlive(pid)) signalGroup(pid, "SIGKILL");
        settle();
      }, killGraceMs);
    };
    const onAbort = (): void => {
      aborted = true;
      terminate();
    };

    const finish = (end: ProcessGroupEnd): void => {
      if (finished) return;
      finished = true;
      if (killTimer) clearTimeout(killTimer);
      if (pipeTimer) clearTimeout(pipeTimer);
      if (pollTimer) clearInterval(pollTimer);
      signal.removeEventListener("abort", onAbort);
      resolve(end);
    };

    /** Called on every change; resolves once the shell exited, the group is gone and pipes closed. */
    const settle = (): void => {
      if (finished || !exit) return;
      if (pid !== undefined && !killed && groupAlive(pid)) {
        terminate();
        // Members may be exiting (or be zombies awaiting their reaper): wait, up to the SIGKILL.
        pollTimer ??= setInterval(settle, POLL_MS);
        return;
      }
      if (!closed) {
        // A process that left the group (setsid) may hold the pipes open: stop reading after a while.
        pipeTimer ??= setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          closed = true;
          settle();
        }, PIPE_WAIT_MS);
        return;
      }
      finish({ exitCode: exit.code, signal: exit.signal, aborted });
    };

    child.stdout?.on("data", options.onStdout);
    child.stderr?.on("data", options.onStderr);
    child.on("error", (error) => {
      if (pid === undefined) {
        finish({ exitCode: null, signal: null, aborted: false, spawnError: error });
      }
    });
    if (pid === undefined) return;

    child.once("exit", (code, sig) => {
      exit = { code, signal: sig };
      settle();
    });
    child.once("close", () => {
      closed = true;
      settle();
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** True while any process (or zombie) of the group exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Sends `sig` to every process of the group; nothing when it is gone. */
export function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // The group is already gone.
  }
}
