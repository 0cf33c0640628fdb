import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { ExecutionStore } from "../../../src/cli/store/execution-store.ts";
import { OrchestrateError } from "../../../src/core/errors.ts";
import { tempRoot } from "./store-helpers.ts";

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

function writeLock(store: ExecutionStore, pid: number, host = hostname()): void {
  writeFileSync(store.lockPath, JSON.stringify({ pid, host, started_at: "2024-01-01T00:00:00.000Z" }));
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
  it("writes pid, host and start time, and removes the lock on release", () => {
    const store = execution();
    const listeners = process.listenerCount("exit") + process.listenerCount("SIGINT");
    const lock = store.lock();
    expect(lock.tookOverFrom).toBeUndefined();
    const holder = JSON.parse(readFileSync(store.lockPath, "utf8"));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Number.isNaN(Date.parse(holder.started_at))).toBe(false);
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
