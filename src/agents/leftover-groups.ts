import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { processStartTime } from "./process-start.ts";
import { groupAlive, signalGroup } from "./run-process-group.ts";

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
  await writeFile(join(workDir, GROUP_FILE), JSON.stringify(record)).catch(() => {});
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
    const path = join(taskDir, entry, GROUP_FILE);
    if (join(taskDir, entry) === workDir) continue;
    let record: GroupRecord;
    try {
      record = JSON.parse(await readFile(path, "utf8")) as GroupRecord;
    } catch {
      continue;
    }
    if (!Number.isInteger(record.pgid) || record.pgid <= 1) continue;
    if (processStartTime(record.pgid) !== record.started) continue;
    alive.push(record.pgid);
  }
  for (const pgid of alive) signalGroup(pgid, "SIGTERM");
  if (alive.length > 0) {
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && alive.some(groupAlive)) await new Promise((r) => setTimeout(r, 20));
    for (const pgid of alive) if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
  }
  return alive.length;
}
