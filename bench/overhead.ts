import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SCHEDULERS, type SchedulerKey } from "./adapters.ts";
import type { OverheadSample } from "./overhead-case.ts";

const CASE_SCRIPT = fileURLToPath(new URL("./overhead-case.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface OverheadPlan {
  sizes: number[];
  concurrency: number;
  /** Untimed warm-up runs and timed runs per case, one entry per size. */
  warmUps: number[];
  reps: number[];
  /** Time budget of one case (ms): fewer timed runs once it is spent. */
  budgetMs: number;
}

/** Runs one case in a fresh Node process (tsx loader) and parses its JSON line. */
function runCase(
  key: SchedulerKey,
  tasks: number,
  warmUps: number,
  reps: number,
  plan: OverheadPlan,
): Promise<OverheadSample> {
  const args = [
    "--import",
    "tsx",
    CASE_SCRIPT,
    key,
    String(tasks),
    String(plan.concurrency),
    String(warmUps),
    String(reps),
    String(plan.budgetMs),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`overhead case ${key} ${tasks} exited ${code}: ${err.trim().slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line) as OverheadSample);
    });
  });
}

/** Every (size, scheduler) case, one process each, one after another. */
export async function runOverhead(
  plan: OverheadPlan,
  progress: (line: string) => void,
): Promise<OverheadSample[]> {
  const results: OverheadSample[] = [];
  for (const [i, tasks] of plan.sizes.entries()) {
    for (const s of SCHEDULERS) {
      const sample = await runCase(s.key, tasks, plan.warmUps[i] ?? 1, plan.reps[i] ?? 3, plan);
      progress(
        `  overhead ${s.label.padEnd(11)} ${String(tasks).padStart(6)} tasks: ` +
          `${sample.median_us_per_task.toFixed(2)} µs/task (${sample.runs_us_per_task.length} run(s)` +
          `${sample.cold ? ", cold" : ""}), peak RSS ${sample.rss_peak_mb.toFixed(0)} MB`,
      );
      results.push(sample);
    }
  }
  return results;
}
