import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { processStartTime } from "../../../src/agents/process-start.ts";
import { liveLockHolder } from "../../../src/cli/store/execution-lock.ts";
import { ExecutionStore } from "../../../src/cli/store/execution-store.ts";
import { OrchestrateError } from "../../../src/core/errors.ts";
import { filesIn, tempRoot } from "./store-helpers.ts";

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
});

/** A real process that stays alive for a while. */
function liveChild(): number {
  const child = spawn(process.execPath, ["-e", "setTimeout(()=>{},5000)"], { stdio: "ignore" });
  children.push(child);
  return child.pid!;
}

/** The pid of a real process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

function execution(): ExecutionStore {
  const store = new ExecutionStore(tempRoot(), "x1");
  store.create();
  return store;
}

function writeLock(store: ExecutionStore, pid: number, host = hostname(), more: object = {}): void {
  writeFileSync(
    store.lockPath,
    JSON.stringify({ pid, host, started_at: "2024-01-01T00:00:00.000Z", ...more }),
  );
}

const linux = process.platform === "linux";

/** Takes each lock in `paths` on "go <start> <gap>", the i-th at `start + i * gap` ms; holds them all until stdin ends. */
const CONTENDER = `
  const { lockExecution } = await import(${JSON.stringify(resolve("src/cli/store/execution-lock.ts"))});
  const { createInterface } = await import("node:readline");
  const paths = JSON.parse(process.argv[1]);
  const held = [], results = [];
  createInterface({ input: process.stdin }).once("line", (line) => {
    const [, start, gap] = line.split(" ").map(Number);
    for (const [i, path] of paths.entries()) {
      while (Date.now() < start + i * gap);
      try { held.push(lockExecution(path, "x1")); results.push("won"); }
      catch (error) { results.push(error.message); }
    }
    process.stdout.write(JSON.stringify(results) + "\\n");
  });
  process.stdout.write("ready\\n");`;

/**
 * Runs `count` processes that try to take each lock in `paths` at the same moment (one lock every
 * 20 ms). Each holds the locks it took until all are done, so none can be taken over from a process
 * that has ended. Returns each process's pid and, per lock, "won" or its error message.
 */
async function contend(count: number, paths: string[]): Promise<{ pid: number; results: string[] }[]> {
  const args = ["--import", "tsx", "--input-type=module", "-e", CONTENDER, JSON.stringify(paths)];
  const procs = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
    children.push(child);
    return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
  });
  const next = async (lines: AsyncIterator<string>) => (await lines.next()).value as string;
  await Promise.all(procs.map(({ lines }) => next(lines)));
  const start = Date.now() + 100;
  for (const { child } of procs) child.stdin!.write(`go ${start} 20\n`);
  const runs = await Promise.all(
    procs.map(async ({ child, lines }) => ({
      pid: child.pid!,
      results: JSON.parse(await next(lines)) as string[],
    })),
  );
  for (const { child } of procs) child.stdin!.end();
  return runs;
}

function lockError(store: ExecutionStore): OrchestrateError {
  try {
    store.lock().release();
  } catch (error) {
    if (error instanceof OrchestrateError) return error;
    throw error;
  }
  throw new Error("expected execution_locked");
}

describe("ExecutionStore.lock", () => {
  it("says what holds it: a run taking requests, or a command that lets go in a moment", () => {
    const store = execution();
    for (const [options, says] of [
      [{ takesRequests: true }, { requests: true }],
      [{ brief: true }, { brief: true }],
    ] as const) {
      const lock = store.lock(options);
      const holder = JSON.parse(readFileSync(store.lockPath, "utf8"));
      expect(holder).toMatchObject(says);
      expect(liveLockHolder(store.lockPath)).toMatchObject(says);
      lock.release();
    }
  });

  it("writes pid, host and start time, and removes the lock on release", () => {
    const store = execution();
    const listeners = process.listenerCount("exit") + process.listenerCount("SIGINT");
    const lock = store.lock();
    expect(lock.tookOverFrom).toBeUndefined();
    const holder = JSON.parse(readFileSync(store.lockPath, "utf8"));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Number.isNaN(Date.parse(holder.started_at))).toBe(false);
    if (linux) expect(holder.process_start).toMatch(/^\d+$/);
    expect(holder.process_start).toBe(processStartTime(process.pid));
    expect(process.listenerCount("exit") + process.listenerCount("SIGINT")).toBe(listeners);
    lock.release();
    lock.release();
    expect(existsSync(store.lockPath)).toBe(false);
  });

  it("refuses a second lock while the first is held", () => {
    const store = execution();
    const lock = store.lock();
    const error = lockError(store);
    expect(error.code).toBe("execution_locked");
    expect(error.message).toContain(`process ${process.pid}`);
    lock.release();
    store.lock().release();
  });

  it("refuses a lock held by another live process, naming its pid", () => {
    const store = execution();
    const pid = liveChild();
    writeLock(store, pid);
    const error = lockError(store);
    expect(error.code).toBe("execution_locked");
    expect(error.message).toBe(`execution x1 is running in process ${pid} (since 2024-01-01T00:00:00.000Z)`);
    expect(error.hint).toContain(store.lockPath);
    expect(JSON.parse(readFileSync(store.lockPath, "utf8")).pid).toBe(pid);
  });

  it("refuses a lock of a live process whose start time matches, or that has none (older versions)", () => {
    const store = execution();
    const pid = liveChild();
    for (const more of [{ process_start: processStartTime(pid) }, {}]) {
      writeLock(store, pid, hostname(), more);
      expect(lockError(store).message).toBe(
        `execution x1 is running in process ${pid} (since 2024-01-01T00:00:00.000Z)`,
      );
      expect(liveLockHolder(store.lockPath)).toMatchObject({ pid });
    }
  });

  it.skipIf(!linux)("takes over a lock whose pid now runs another process (another start time)", () => {
    const store = execution();
    for (const pid of [process.pid, liveChild()]) {
      writeLock(store, pid, hostname(), { process_start: "1" });
      expect(liveLockHolder(store.lockPath)).toBeUndefined();
      const lock = store.lock();
      expect(lock.tookOverFrom).toBe(pid);
      expect(JSON.parse(readFileSync(store.lockPath, "utf8"))).toMatchObject({
        pid: process.pid,
        process_start: processStartTime(process.pid),
      });
      lock.release();
    }
  });

  it("takes over a lock whose process has exited", async () => {
    const store = execution();
    const pid = await deadPid();
    writeLock(store, pid);
    const lock = store.lock();
    expect(lock.tookOverFrom).toBe(pid);
    expect(JSON.parse(readFileSync(store.lockPath, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(store.lockPath)).toBe(false);
  });

  it("lets exactly one of several processes take over one stale lock; the others see its lock", async () => {
    const dead = await deadPid();
    const stores = Array.from({ length: 40 }, () => execution());
    // A large lock takes each process longer to check: any gap between its check and its takeover
    // widens with it, so a takeover that is not atomic lets two processes in (most rounds, not rarely).
    const pad = "x".repeat(300_000);
    for (const store of stores) {
      writeFileSync(store.lockPath, JSON.stringify({ pid: dead, host: hostname(), started_at: "then", pad }));
    }
    const runs = await contend(
      4,
      stores.map((s) => s.lockPath),
    );
    stores.forEach((store, i) => {
      const winners = runs.filter((run) => run.results[i] === "won").map((run) => run.pid);
      expect(winners, `lock ${i}`).toEqual([JSON.parse(readFileSync(store.lockPath, "utf8")).pid]);
      for (const run of runs) {
        if (run.pid !== winners[0])
          expect(run.results[i]).toMatch(`execution x1 is running in process ${winners[0]} (since `);
      }
      expect(filesIn(store.dir)).not.toContainEqual(expect.stringContaining("lock."));
    });
  }, 30_000);

  it("says so when a takeover of a stale lock was left unfinished, and takes it once told", async () => {
    const store = execution();
    const pid = await deadPid();
    writeLock(store, pid);
    const stale = readFileSync(store.lockPath, "utf8");
    const marker = `${store.lockPath}.takeover-${createHash("sha256").update(stale).digest("hex").slice(0, 16)}`;
    writeFileSync(marker, "");
    const error = lockError(store);
    expect(error.code).toBe("execution_locked");
    expect(error.message).toBe(
      `execution x1 is locked: a takeover of the stale lock of process ${pid} did not finish`,
    );
    expect(error.hint).toBe(`if no orchestrate process runs execution x1, remove ${marker}`);
    expect(readFileSync(store.lockPath, "utf8")).toBe(stale);
    rmSync(marker);
    const lock = store.lock();
    expect(lock.tookOverFrom).toBe(pid);
    lock.release();
    expect(filesIn(store.dir)).not.toContainEqual(expect.stringContaining("lock"));
  });

  it("treats a lock from another host as live", () => {
    const store = execution();
    writeLock(store, 4242, "elsewhere.example");
    const error = lockError(store);
    expect(error.code).toBe("execution_locked");
    expect(error.message).toContain("on host elsewhere.example");
    expect(error.hint).toBe(`if elsewhere.example no longer runs it, remove ${store.lockPath}`);
  });

  it("refuses an unreadable lock file", () => {
    const store = execution();
    writeFileSync(store.lockPath, "");
    const error = lockError(store);
    expect(error.code).toBe("execution_locked");
    expect(error.hint).toContain(`remove ${store.lockPath}`);
  });

  it("leaves a lock that is no longer its own on release", () => {
    const store = execution();
    const lock = store.lock();
    const pid = liveChild();
    writeLock(store, pid);
    lock.release();
    expect(JSON.parse(readFileSync(store.lockPath, "utf8")).pid).toBe(pid);
  });

  it("needs an existing execution", () => {
    const store = new ExecutionStore(tempRoot(), "x1");
    expect(() => store.lock()).toThrow(expect.objectContaining({ code: "execution_not_found" }));
  });
});
