import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * When process `pid` started, or undefined when it is gone or cannot be told: on Linux its start
 * in clock ticks since boot (field 22 of `/proc/<pid>/stat`); elsewhere (macOS, the BSDs) what
 * `ps` says (`psStartTime`). A pid is given to a new process once its own ends: a recorded pid
 * and start time still name the same process only while both match.
 */
export function processStartTime(pid: number): string | undefined {
  if (process.platform === "linux") return procStartTime(pid);
  return psStartTime(pid);
}

function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/**
 * A process's start as `ps -o lstart=` prints it (to the second, in UTC and the C locale, so every
 * process reads the same text for it), prefixed `ps:`; undefined when `ps` is missing (Windows) or
 * knows no such process.
 */
export function psStartTime(pid: number): string | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const ps = spawnSync("ps", ["-o", "lstart=", "-p", String(pid)], {
    encoding: "utf8",
    timeout: 5_000,
    env: { ...process.env, LC_ALL: "C", TZ: "UTC" },
  });
  const started = ps.status === 0 ? ps.stdout.trim() : "";
  return started ? `ps:${started}` : undefined;
}
