import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { processStartTime } from "../../agents/process-start.ts";
import { OrchestrateError } from "../../core/errors.ts";
import { withPath, writeAtomic } from "./durable-write.ts";

/** How long a process waits for another one's takeover of a stale lock to finish (it takes ms). */
const TAKEOVER_WAIT_MS = 2000;

/** A held execution lock. */
export interface ExecutionLock {
  /** Removes the lock file if it still names this process; safe to call more than once. */
  release(): void;
  /** Set when the lock was left by a process that no longer runs: its pid. */
  tookOverFrom?: number;
}

/** What a lock file holds. */
export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  /**
   * When the holder process started (see `processStartTime`: Linux clock ticks since boot, else
   * what `ps` says), so that a process that got its pid after it died is not taken for it. Absent
   * where neither tells it (Windows) and in locks of older versions.
   */
  process_start?: string;
  /**
   * Set by a process that takes commands while it runs the execution (`approve`, `reject`,
   * `retry`, `skip`, `budget`: see `ExecutionStore.requestCommand`), so that a command never
   * signals a process that would not expect it.
   */
  requests?: true;
  /**
   * Set by a command that holds the lock for a moment (`approve`, `skip`, `replay --write`, …),
   * not a run: `cancel` waits for it rather than signal it (a signal would end it half done).
   */
  brief?: true;
}

/** How a lock is taken. */
export interface LockOptions {
  /** The holder takes commands while it runs (it says so in its lock: `requests`). */
  takesRequests?: boolean;
  /** The holder is a command that lets go in a moment, not a run (`brief` in its lock). */
  brief?: boolean;
}

/**
 * Takes the lock file at `path` for execution `id`: created exclusively (`wx`), holding this
 * process's pid, host, the time and the process's start time (where it can be told). A lock of a live process on
 * this host (see `holderRuns`), or of any process on another host, is an `execution_locked` error;
 * a lock whose process is gone is taken over (see `replaceStale`: of processes that find it stale
 * at once, one takes it and the others see its lock).
 * Registers no exit handler: the caller releases.
 */
export function lockExecution(path: string, id: string, options: LockOptions = {}): ExecutionLock {
  const started = processStartTime(process.pid);
  const mine: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started_at: new Date().toISOString(),
    ...(started !== undefined ? { process_start: started } : {}),
    ...(options.takesRequests ? { requests: true as const } : {}),
    ...(options.brief ? { brief: true as const } : {}),
  };
  // A few rounds: the file may vanish between our create and read, or another process may take
  // a stale lock over at the same moment as we do (then its lock is live and we stop).
  for (let round = 0; round < 3; round++) {
    if (tryCreate(path, mine)) return held(path, mine);
    const seen = readHolder(path);
    if (seen === "missing") continue;
    if (seen === "unreadable") {
      throw new OrchestrateError("execution_locked", `execution ${id} is locked, but ${path} is unreadable`, {
        hint: `if no orchestrate process runs execution ${id}, remove ${path}`,
      });
    }
    const { holder, text } = seen;
    if (holder.host !== mine.host) {
      throw new OrchestrateError(
        "execution_locked",
        `execution ${id} is running in process ${holder.pid} on host ${holder.host} (since ${holder.started_at})`,
        { hint: `if ${holder.host} no longer runs it, remove ${path}` },
      );
    }
    if (holderRuns(holder)) {
      throw new OrchestrateError(
        "execution_locked",
        `execution ${id} is running in process ${holder.pid} (since ${holder.started_at})`,
        {
          hint: `wait for it to finish or stop it; if process ${holder.pid} is not orchestrate, remove ${path}`,
        },
      );
    }
    const taken = replaceStale(path, text, mine);
    if (taken === "mine") return held(path, mine, holder.pid);
    if (taken === "stuck") {
      throw new OrchestrateError(
        "execution_locked",
        `execution ${id} is locked: a takeover of the stale lock of process ${holder.pid} did not finish`,
        { hint: `if no orchestrate process runs execution ${id}, remove ${takeoverPath(path, text)}` },
      );
    }
  }
  throw new OrchestrateError("execution_locked", `execution ${id} is being locked by another process`, {
    hint: "try again in a moment",
  });
}

/**
 * Who holds the lock at `path`, if anyone still runs it: a live process of this host, or any
 * process of another host (it cannot be checked from here). An unreadable lock counts as held.
 */
export function liveLockHolder(path: string): LockHolder | "unreadable" | undefined {
  const seen = readHolder(path);
  if (seen === "missing") return undefined;
  if (seen === "unreadable") return "unreadable";
  if (seen.holder.host !== hostname() || holderRuns(seen.holder)) return seen.holder;
  return undefined;
}

/**
 * Whether the holder of a lock taken on this host still runs: its pid runs and, when the lock has
 * the holder's start time, the process with that pid started then (else the holder died and its
 * pid went to another process, which must not keep the lock held nor be signalled by `cancel`).
 * A start time that cannot be read for a running pid (`/proc` hidden) counts as the holder's.
 */
function holderRuns(holder: LockHolder): boolean {
  if (!isAlive(holder.pid)) return false;
  if (holder.process_start === undefined) return true;
  const started = processStartTime(holder.pid);
  return started === undefined || started === holder.process_start;
}

/** Whether process `pid` of this host runs: signal 0 checks without sending anything. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs under another user. Anything but ESRCH is taken as alive, to be safe.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } catch (error) {
    closeSync(fd);
    // An empty lock would stop every later run: it is removed again.
    rmSync(path, { force: true });
    throw withPath(error, path);
  }
  closeSync(fd);
  return true;
}

type Seen = "missing" | "unreadable" | { holder: LockHolder; text: string };

function readHolder(path: string): Seen {
  // The holder writes its lock right after creating it: an empty or partial file may be caught
  // in between, so an unreadable lock is read once more after a short pause.
  for (let round = 0; round < 2; round++) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
      throw error;
    }
    const holder = parseHolder(text);
    if (holder) return { holder, text };
    if (round === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  return "unreadable";
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder> | null;
    if (!value || !Number.isInteger(value.pid) || (value.pid as number) <= 0) return undefined;
    return {
      pid: value.pid as number,
      host: typeof value.host === "string" ? value.host : hostname(),
      started_at: typeof value.started_at === "string" ? value.started_at : "an unknown time",
      ...(typeof value.process_start === "string" ? { process_start: value.process_start } : {}),
      ...(value.requests === true ? { requests: true as const } : {}),
      ...(value.brief === true ? { brief: true as const } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Replaces the stale lock at `path` (its content `stale`) with `mine`. Removing it and creating
 * ours is not enough: two processes that both judged it stale could both take it (the later one
 * removes the lock the earlier one just made). So the takeover of this one stale lock is claimed
 * first, by creating a marker named after its content exclusively (`wx`): one process wins it. The
 * winner checks that the lock is still the stale one (an earlier winner may have replaced it and
 * removed its marker) and renames its own lock over it, so the path is never free for a third
 * process to create a lock in. A loser waits for the winner to finish and reports "taken" (the
 * caller then sees the winner's lock), or "stuck" if the marker stays (its process died in between).
 */
function replaceStale(path: string, stale: string, mine: LockHolder): "mine" | "taken" | "stuck" {
  const marker = takeoverPath(path, stale);
  try {
    closeSync(openSync(marker, "wx"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw withPath(error, marker);
    const deadline = Date.now() + TAKEOVER_WAIT_MS;
    while (existsSync(marker) && readText(path) === stale) {
      if (Date.now() >= deadline) return "stuck";
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
    return "taken";
  }
  try {
    if (readText(path) !== stale) return "taken";
    writeAtomic(path, `${JSON.stringify(mine)}\n`);
    return "mine";
  } finally {
    rmSync(marker, { force: true });
  }
}

/** The marker that claims the takeover of the stale lock at `path` whose content is `stale`. */
function takeoverPath(path: string, stale: string): string {
  return `${path}.takeover-${createHash("sha256").update(stale).digest("hex").slice(0, 16)}`;
}

/** The content of `path`, or undefined when it is gone. */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Removes our lock only if it still holds what we wrote (not a lock another process took meanwhile). */
function removeIfUnchanged(path: string, text: string): void {
  try {
    if (readFileSync(path, "utf8") === text) unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

function held(path: string, mine: LockHolder, tookOverFrom?: number): ExecutionLock {
  return {
    release() {
      const seen = readHolder(path);
      if (typeof seen === "object" && seen.holder.pid === mine.pid && seen.holder.host === mine.host) {
        removeIfUnchanged(path, seen.text);
      }
    },
    ...(tookOverFrom !== undefined ? { tookOverFrom } : {}),
  };
}
