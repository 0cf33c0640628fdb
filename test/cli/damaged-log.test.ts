import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, GATED_PLAN, tempDir } from "./cli-helpers.ts";

const PLAN = GATED_PLAN;

/** An execution stopped at its gate; its files, and a check that they are as they were. */
async function stoppedAtGate() {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), PLAN);
  expect((await cli(["run", "plan.yml", "--request", "x", "--id", "d1"], { cwd: dir })).code).toBe(3);
  const log = join(dir, ".orchestrate/d1/events.jsonl");
  const statePath = join(dir, ".orchestrate/d1/state.json");
  const text = readFileSync(log, "utf8");
  const state = readFileSync(statePath, "utf8");
  const untouched = (expected: string | undefined) => {
    expect(existsSync(log) ? readFileSync(log, "utf8") : undefined).toBe(expected);
    expect(readFileSync(statePath, "utf8")).toBe(state);
  };
  return { dir, log, text, untouched };
}

describe("a damaged event log: one line with the path and the fix, exit 2, nothing changed", () => {
  it("its first line deleted: status, replay, resume, approve and report name line 1", async () => {
    const { dir, log, text, untouched } = await stoppedAtGate();
    const damaged = text.split("\n").slice(1).join("\n");
    writeFileSync(log, damaged);
    for (const args of [
      ["status", "d1"],
      ["replay", "d1"],
      ["replay", "d1", "--write"],
      ["resume", "d1", "--yes"],
      ["approve", "d1", "one"],
      ["report", "d1"],
    ]) {
      const r = await cli(args, { cwd: dir });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).not.toContain("unexpected error");
      expect(r.stderr).toContain(
        `orchestrate: ${log}:1: the first event is task_started, not execution_started: the start of the log is missing`,
      );
      expect(r.stderr).toContain("hint: the file was left untouched; restore events.jsonl from a copy");
    }
    untouched(damaged);
    expect((await cli(["status"], { cwd: dir })).stdout).toMatch(/^d1 +corrupt /);
  });

  it("its log removed: approve, reject, retry, skip, cancel and resume refuse; no new log is started", async () => {
    const { dir, log, untouched } = await stoppedAtGate();
    rmSync(log);
    for (const args of [
      ["approve", "d1", "one"],
      ["reject", "d1", "one", "--reason", "no"],
      ["retry", "d1"],
      ["skip", "d1", "two/a"],
      ["cancel", "d1"],
      ["resume", "d1", "--yes"],
    ]) {
      const r = await cli(args, { cwd: dir });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(`orchestrate: ${log} is missing or empty, yet`);
      expect(r.stderr).toContain("records 3 events: the execution's history is gone");
      expect(r.stdout).toBe("");
    }
    untouched(undefined);
    const replay = await cli(["replay", "d1", "--write"], { cwd: dir });
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain(`${log} is missing: there is no event log to replay`);
    untouched(undefined);
  });

  it("a line removed from the middle: writing commands refuse with both counts; restored, approve works", async () => {
    const { dir, log, text, untouched } = await stoppedAtGate();
    const lines = text.split("\n");
    const shorter = [lines[0], ...lines.slice(2)].join("\n");
    writeFileSync(log, shorter);
    const r = await cli(["approve", "d1", "one"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${log} holds 2 events, but`);
    expect(r.stderr).toContain("records 3: events are missing from the log");
    expect(r.stderr).toContain("`orchestrate replay d1 --write`");
    untouched(shorter);
    writeFileSync(log, text);
    expect((await cli(["approve", "d1", "one"], { cwd: dir })).code).toBe(0);
  });

  it("a damaged line in the middle, the line count still right: writing commands refuse, naming the line", async () => {
    const { dir, log, text, untouched } = await stoppedAtGate();
    const lines = text.split("\n");
    const damaged = [lines[0], '{"id": "x", "type": "task_succ', ...lines.slice(2)].join("\n");
    writeFileSync(log, damaged);
    for (const args of [
      ["approve", "d1", "one"],
      ["cancel", "d1"],
      ["resume", "d1", "--yes"],
    ]) {
      const r = await cli(args, { cwd: dir });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(`orchestrate: ${log}:2: invalid JSON`);
      expect(r.stderr).toContain("repair line 2 by hand (keep a copy first) or start a new execution");
      expect(r.stdout).toBe("");
    }
    untouched(damaged);
    writeFileSync(log, text);
    expect((await cli(["approve", "d1", "one"], { cwd: dir })).code).toBe(0);
  });
});
