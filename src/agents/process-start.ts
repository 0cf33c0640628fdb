import { readFileSync } from "node:fs";

/**
 * The start time of process `pid` in clock ticks since boot (field 22 of Linux `/proc/<pid>/stat`),
 * or undefined off Linux or when it is gone. A pid is given to a new process once its own ends: a
 * recorded pid and start time still name the same process only while both match.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}
