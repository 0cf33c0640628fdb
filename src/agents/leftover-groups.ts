import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { processStartTime } from "./process-start.ts";
import { groupAlive, signalGroup } from "./run-process-group.ts";

/** Time between SIGTERM and SIGKILL when a host stops groups it did not start (as an attempt's default). */
const DEFAULT_GRACE_MS = 2000;

/** Written into an attempt's folder while its process group runs. */
const GROUP_FILE = "process-group.json";

interface GroupRecord {
  pgid: number;
  /** The leader's start time in clock ticks since boot (Linux `/proc/<pid>/stat`), to tell a reused pid. */
  started: string;
}

/** Records the process group an attempt runs in, so a later attempt can stop it if it outlives its host. */
export async function recordGroup(workDir: string, pgid: number): Promise<void> {
  const started = processStartTime(pgid);
  if (started === undefined) return;
  const record: GroupRecord = { pgid, started };
  // Whole or not at all: a host killed while writing it must not leave a record no one can read.
  const path = join(workDir, GROUP_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(record))
    .then(() => rename(`${path}.tmp`, path))
    .catch(() => {});
}

/**
 * Stops the process groups earlier attempts of the same task left running — their host was
 * killed (`kill -9`) before it could stop them — so an attempt never runs beside an orphan of an
 * earlier one. A group counts only while its leader is the very process recorded (same pid and
 * start time: a reused pid is left alone). SIGTERM, then SIGKILL after `graceMs`. Linux only (it
 * reads `/proc`); elsewhere nothing is recorded and nothing is stopped.
 */
export async function stopLeftoverGroups(workDir: string, graceMs: number): Promise<number> {
  const taskDir = dirname(workDir);
  let entries: string[];
  try {
    entries = await readdir(taskDir);
  } catch {
    return 0;
  }
  const alive: number[] = [];
  for (const entry of entries) {
    if (join(taskDir, entry) === workDir) continue;
    const pgid = await liveRecordedGroup(join(taskDir, entry));
    if (pgid !== undefined) alive.push(pgid);
  }
  await stopGroups(alive, graceMs);
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
  return true;
}

/** The group recorded in `workDir`, while its leader is the very process recorded. */
async function liveRecordedGroup(workDir: string): Promise<number | undefined> {
  let record: GroupRecord;
  try {
    record = JSON.parse(await readFile(join(workDir, GROUP_FILE), "utf8")) as GroupRecord;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(record.pgid) || record.pgid <= 1) return undefined;
  if (processStartTime(record.pgid) !== record.started) return undefined;
  return record.pgid;
}

/** SIGTERM to each group, then SIGKILL to those still there after `graceMs`. */
async function stopGroups(groups: readonly number[], graceMs: number): Promise<void> {
  if (groups.length === 0) return;
  for (const pgid of groups) signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groups.some(groupAlive)) await new Promise((r) => setTimeout(r, 20));
  for (const pgid of groups) if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
}
