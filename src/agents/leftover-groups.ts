import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { processStartTime } from "./process-start.ts";
import { groupAlive, signalGroup } from "./run-process-group.ts";

/** Time between SIGTERM and SIGKILL when a host stops groups it did not start (as an attempt's default). */
const DEFAULT_GRACE_MS = 2000;

/** Written into an attempt's folder while its process group runs. */
const GROUP_FILE = "process-group.json";

/** Where Linux says which boot of the machine this is (a random id drawn at each boot). */
const BOOT_ID = "/proc/sys/kernel/random/boot_id";

interface GroupRecord {
  pgid: number;
  /** The leader's start time in clock ticks since boot (Linux `/proc/<pid>/stat`), to tell a reused pid. */
  started: string;
  /**
   * The boot the group ran in: after a reboot (or on another machine sharing the folder) pids and
   * start times name other processes. Absent in records of older versions.
   */
  boot?: string;
}

/** Records the process group an attempt runs in, so a later attempt can stop it if it outlives its host. */
export async function recordGroup(workDir: string, pgid: number): Promise<void> {
  // Off Linux the group could not be checked later (it reads `/proc`): nothing to record.
  if (process.platform !== "linux") return;
  const started = processStartTime(pgid);
  if (started === undefined) return;
  const boot = bootId();
  const record: GroupRecord = { pgid, started, ...(boot !== undefined ? { boot } : {}) };
  // Whole or not at all: a host killed while writing it must not leave a record no one can read.
  const path = join(workDir, GROUP_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(record))
    .then(() => rename(`${path}.tmp`, path))
    .catch(() => {});
}

/**
 * Forgets the group recorded in `workDir`: its attempt's host saw it end (or stopped it). A record
 * left behind would name a pid that later goes to another process, whose own group (a program that
 * detached) could then pass for the recorded one.
 */
export async function forgetGroup(workDir: string): Promise<void> {
  await rm(join(workDir, GROUP_FILE), { force: true }).catch(() => {});
}

/**
 * Stops the process groups earlier attempts of the same task left running — their host was
 * killed (`kill -9`) before it could stop them — so an attempt never runs beside an orphan of an
 * earlier one. A group counts only while it is the very group recorded (see `liveRecordedGroup`:
 * a reused pid is left alone). SIGTERM, then SIGKILL after `graceMs`. Linux only (it reads
 * `/proc`); elsewhere nothing is recorded and nothing is stopped.
 */
export async function stopLeftoverGroups(workDir: string, graceMs: number): Promise<number> {
  const taskDir = dirname(workDir);
  let entries: string[];
  try {
    entries = await readdir(taskDir);
  } catch {
    return 0;
  }
  const alive: { pgid: number; dir: string }[] = [];
  for (const entry of entries) {
    const dir = join(taskDir, entry);
    if (dir === workDir) continue;
    const pgid = await liveRecordedGroup(dir);
    if (pgid !== undefined) alive.push({ pgid, dir });
  }
  await stopGroups(
    alive.map((a) => a.pgid),
    graceMs,
  );
  await Promise.all(alive.map((a) => forgetGroup(a.dir)));
  return alive.length;
}

/**
 * Stops the process group recorded in one attempt's folder, if it still runs: for a host that
 * takes over an execution whose previous host died (`kill -9`) while that attempt ran, before the
 * attempt is given up (`resume`, `cancel`). Otherwise its agent would go on writing into a folder
 * whose attempt is over, and nothing would stop it when no later attempt of the task starts.
 * Same rules as `stopLeftoverGroups`. Returns whether a group was stopped.
 */
export async function stopRecordedGroup(workDir: string, graceMs = DEFAULT_GRACE_MS): Promise<boolean> {
  const pgid = await liveRecordedGroup(workDir);
  if (pgid === undefined) return false;
  await stopGroups([pgid], graceMs);
  await forgetGroup(workDir);
  return true;
}

/**
 * The group recorded in `workDir`, while it is the very group recorded and a process of it runs:
 * - its leader runs: with the recorded start time (else the pid went to another process after the
 *   group ended, and the group of that pid, if any, is someone else's);
 * - its leader is gone but processes of the group remain (an agent's background process outlives
 *   the shell): Linux gives the leader's pid to no new process while its group has a member, so
 *   the group is still the one recorded. That is trusted only when nothing else could explain it:
 *   the same boot as recorded, and every member in the session the recorded leader opened (a shell
 *   that later got the pid and made a group of it would be in its own terminal's session) and
 *   started after the leader did.
 * Whatever cannot be checked (a start time or `/proc` that cannot be read, a record of an older
 * version for a group without its leader) counts as not ours: a process of someone else must never
 * be stopped.
 */
async function liveRecordedGroup(workDir: string): Promise<number | undefined> {
  const record = await readRecord(workDir);
  if (record === undefined) return undefined;
  const boot = bootId();
  if (record.boot !== undefined && boot !== undefined && record.boot !== boot) return undefined;
  const leader = procStat(record.pgid);
  if (leader !== undefined) {
    if (leader.started !== record.started) {
      // The pid went to another process: the recorded group ended, for good.
      await forgetGroup(workDir);
      return undefined;
    }
    // A zombie leader no one reaps (its parent died) leaves the group alive only with other members.
    return leader.state !== "Z" || livesOn(record) ? record.pgid : undefined;
  }
  // The pid runs but cannot be read (`/proc` hidden): whose it is cannot be told.
  if (pidExists(record.pgid)) return undefined;
  if (record.boot === undefined || record.boot !== boot) return undefined;
  // Most groups ended with their attempt: only a group that still has members is looked into.
  if (!groupAlive(record.pgid)) {
    // Leader and group gone: the record can only ever name someone else's group from now on.
    await forgetGroup(workDir);
    return undefined;
  }
  return livesOn(record) ? record.pgid : undefined;
}

/**
 * Whether the recorded group has a running member other than a zombie, every member being in the
 * session its leader opened (the shell is started with `setsid`) and started after the leader.
 */
function livesOn(record: GroupRecord): boolean {
  const members = groupMembers(record.pgid);
  if (members === undefined || members.length === 0) return false;
  const since = BigInt(record.started);
  return (
    members.every((m) => m.session === record.pgid && BigInt(m.started) >= since) &&
    members.some((m) => m.state !== "Z")
  );
}

/** The record in `workDir`, if it is whole. */
async function readRecord(workDir: string): Promise<GroupRecord | undefined> {
  let record: Partial<GroupRecord>;
  try {
    record = JSON.parse(await readFile(join(workDir, GROUP_FILE), "utf8")) as Partial<GroupRecord>;
  } catch {
    return undefined;
  }
  const { pgid, started, boot } = record ?? {};
  if (!Number.isInteger(pgid) || (pgid as number) <= 1) return undefined;
  if (typeof started !== "string" || !/^\d+$/.test(started)) return undefined;
  return { pgid: pgid as number, started, ...(typeof boot === "string" ? { boot } : {}) };
}

/** What `/proc/<pid>/stat` says of a process. */
interface ProcStat {
  /** `R`, `S`, … `Z` for a zombie. */
  state: string;
  pgrp: number;
  session: number;
  /** Clock ticks since boot. */
  started: string;
}

/** Fields 3, 5, 6 and 22 of Linux `/proc/<pid>/stat`, or undefined when it cannot be read. */
function procStat(pid: number | string): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [state, , pgrp, session] = fields;
  const started = fields[19];
  if (state === undefined || started === undefined || !/^\d+$/.test(started)) return undefined;
  return { state, pgrp: Number(pgrp), session: Number(session), started };
}

/** The processes of group `pgid` this process can see, or undefined when `/proc` cannot be read. */
function groupMembers(pgid: number): ProcStat[] | undefined {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const members: ProcStat[] = [];
  for (const pid of pids) {
    const stat = procStat(pid);
    if (stat?.pgrp === pgid) members.push(stat);
  }
  return members;
}

/** Whether a process with this pid exists (signal 0 sends nothing; EPERM: it exists, not ours). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** This boot's id (Linux), or undefined when it cannot be read. */
function bootId(): string | undefined {
  try {
    return readFileSync(BOOT_ID, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM to each group, then SIGKILL to those still there after `graceMs`. */
async function stopGroups(groups: readonly number[], graceMs: number): Promise<void> {
  if (groups.length === 0) return;
  for (const pgid of groups) signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groups.some(groupAlive)) await new Promise((r) => setTimeout(r, 20));
  for (const pgid of groups) if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
}
