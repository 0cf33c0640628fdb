import { describe, expect, it, vi } from "vitest";
import { ExecutionStore } from "../../../src/cli/store/execution-store.ts";
import { Recorder, tempRoot } from "./store-helpers.ts";

/**
 * Runs `between.write` once, right after the first read of an execution's state or log file: a
 * process running the execution writes an event between a reader's two reads.
 */
const between = vi.hoisted(() => ({ write: undefined as (() => void) | undefined }));

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const readFileSync = ((...args: Parameters<typeof fs.readFileSync>) => {
    const out = fs.readFileSync(...args);
    const path = String(args[0]);
    const write = between.write;
    if (write && (path.endsWith("state.json") || path.endsWith("events.jsonl"))) {
      between.write = undefined;
      write();
    }
    return out;
  }) as typeof fs.readFileSync;
  const mocked = { ...fs, readFileSync };
  return { ...mocked, default: mocked };
});

describe("reading an execution while its process records events", () => {
  it("an event written between the reads of the state and the log is never taken for a damaged log", () => {
    const writer = new Recorder(new ExecutionStore(tempRoot(), "busy1"));
    writer.store.create();
    writer.start();
    writer.send({ type: "task_started", task: "build/a", attempt: 1 });
    // `status`, `report`, the list: another process, another store.
    const reader = new ExecutionStore(writer.store.root, "busy1");
    between.write = () => writer.send({ type: "task_started", task: "build/b", attempt: 1 });
    const state = reader.loadCurrentState();
    expect(between.write).toBeUndefined();
    // The state as it was before the write, or after it: never an error.
    expect([2, 3]).toContain(state.seq);
    expect(state.tasks["build/a"]?.status).toBe("in_progress");
  });

  it("the list of executions does not call it corrupt either", () => {
    const writer = new Recorder(new ExecutionStore(tempRoot(), "busy2"));
    writer.store.create();
    writer.start();
    between.write = () => writer.send({ type: "task_started", task: "build/a", attempt: 1 });
    expect(ExecutionStore.list(writer.store.root)).toEqual([
      expect.objectContaining({ id: "busy2", status: "running" }),
    ]);
    expect(between.write).toBeUndefined();
  });
});
