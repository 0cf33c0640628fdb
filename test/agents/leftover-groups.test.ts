import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { recordGroup, stopLeftoverGroups, stopRecordedGroup } from "../../src/agents/leftover-groups.ts";
import { isGone, removeTempDirs, tempDir, waitForFile } from "./helpers.ts";

/** Process groups the tests started: a failing test leaves none running. */
const groups: number[] = [];
afterEach(() => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
  removeTempDirs();
});

/** Waits until `check` holds. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * As an agent runs: a shell leading its own session and group (`setsid`, as a host starts it),
 * recorded in `<dir>/1` like an attempt's group, that starts `sleep` in the background and ends
 * once `<dir>/release` exists. Returns the shell's pid (the group's id) and the background one's.
 */
async function agentGroup(dir: string): Promise<{ pgid: number; child: number; ended: Promise<void> }> {
  const workDir = join(dir, "1");
  mkdirSync(workDir, { recursive: true });
  const shell = spawn(
    "/bin/sh",
    ["-c", "sleep 300 & echo $! > child.pid; while [ ! -f release ]; do sleep 0.02; done"],
    { cwd: dir, detached: true, stdio: "ignore" },
  );
  const pgid = shell.pid!;
  groups.push(pgid);
  const ended = new Promise<void>((r) => shell.once("exit", () => r()));
  const child = Number(await waitForFile(join(dir, "child.pid")));
  await recordGroup(workDir, pgid);
  expect(existsSync(join(workDir, "process-group.json"))).toBe(true);
  return { pgid, child, ended };
}

/** Ends the shell that leads the group, leaving its background process running. */
async function endLeader(dir: string, group: { pgid: number; child: number; ended: Promise<void> }) {
  writeFileSync(join(dir, "release"), "");
  await group.ended;
  await until(() => isGone(group.pgid), "the group's first process to end");
  expect(isGone(group.child)).toBe(false);
}

/** Rewrites the record in `<dir>/1` with `change`. */
function rewrite(dir: string, change: (record: Record<string, unknown>) => Record<string, unknown>): void {
  const path = join(dir, "1", "process-group.json");
  writeFileSync(
    path,
    JSON.stringify(change(JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>)),
  );
}

describe.skipIf(process.platform !== "linux")("process groups an attempt's host left running", () => {
  it("a group whose first process ended is stopped while its other processes run", async () => {
    const dir = tempDir();
    const group = await agentGroup(dir);
    await endLeader(dir, group);
    expect(await stopRecordedGroup(join(dir, "1"), 2000)).toBe(true);
    await until(() => isGone(group.child), "the background process to be stopped");
  });

  it("its record is forgotten once it is stopped, or seen gone: a pid given again later is never taken for it", async () => {
    const dir = tempDir();
    const record = join(dir, "1", "process-group.json");
    const group = await agentGroup(dir);
    await endLeader(dir, group);
    expect(await stopRecordedGroup(join(dir, "1"), 2000)).toBe(true);
    expect(existsSync(record)).toBe(false);
    // A group that ended by itself (leader and members gone): its record goes at the first look.
    const ended = tempDir();
    const other = await agentGroup(ended);
    process.kill(other.child, "SIGKILL");
    writeFileSync(join(ended, "release"), "");
    await other.ended;
    await until(() => isGone(other.pgid) && isGone(other.child), "the group to end");
    expect(await stopRecordedGroup(join(ended, "1"), 2000)).toBe(false);
    expect(existsSync(join(ended, "1", "process-group.json"))).toBe(false);
  });

  it("the next attempt stops it before it starts", async () => {
    const dir = tempDir();
    const group = await agentGroup(dir);
    await endLeader(dir, group);
    expect(await stopLeftoverGroups(join(dir, "2"), 2000)).toBe(1);
    await until(() => isGone(group.child), "the background process to be stopped");
  });

  it("without its first process, a record of another boot, or with no boot (an older version's), is left alone", async () => {
    const dir = tempDir();
    const group = await agentGroup(dir);
    await endLeader(dir, group);
    rewrite(dir, (r) => ({ ...r, boot: "another-boot" }));
    expect(await stopRecordedGroup(join(dir, "1"), 2000)).toBe(false);
    rewrite(dir, ({ boot: _boot, ...r }) => r);
    expect(await stopRecordedGroup(join(dir, "1"), 2000)).toBe(false);
    expect(isGone(group.child)).toBe(false);
  });

  it("a record of another boot is left alone even while a process with its pid and start time runs", async () => {
    const dir = tempDir();
    const group = await agentGroup(dir);
    rewrite(dir, (r) => ({ ...r, boot: "another-boot" }));
    expect(await stopRecordedGroup(join(dir, "1"), 2000)).toBe(false);
    expect(isGone(group.pgid)).toBe(false);
  });

  it("a group made by a shell's job control (in the shell's session) is never taken for a recorded one", async () => {
    // A pid given again after the recorded group ended, to a job of an interactive shell: the job's
    // first process leads a group in the shell's session, and may end before its background ones.
    const dir = tempDir();
    const workDir = join(dir, "1");
    mkdirSync(workDir, { recursive: true });
    const shell = spawn(
      "bash",
      [
        "-c",
        'set -m; sh -c "sleep 300 & echo \\$! > child.pid; while [ ! -f release ]; do sleep 0.02; done" & echo $! > job.pid; wait',
      ],
      { cwd: dir, detached: true, stdio: "ignore" },
    );
    groups.push(shell.pid!);
    const ended = new Promise<void>((r) => shell.once("exit", () => r()));
    const job = Number(await waitForFile(join(dir, "job.pid")));
    const child = Number(await waitForFile(join(dir, "child.pid")));
    groups.push(job);
    await recordGroup(workDir, job);
    writeFileSync(join(dir, "release"), "");
    await ended;
    await until(() => isGone(job), "the job's first process to end");
    expect(isGone(child)).toBe(false);
    expect(await stopRecordedGroup(workDir, 2000)).toBe(false);
    expect(isGone(child)).toBe(false);
  });
});
