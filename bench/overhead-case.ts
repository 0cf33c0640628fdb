/**
 * One overhead case, run in its own process by `overhead.ts`:
 *   node --import tsx bench/overhead-case.ts <scheduler> <tasks> <concurrency> <warm-ups> <reps> <budget-ms>
 * Runs a random DAG of no-op tasks (~2 dependencies each) on one scheduler: <warm-ups> untimed
 * runs, then up to <reps> timed runs (fewer once <budget-ms> is spent; a first run longer than
 * half the budget is kept as the only sample, marked cold). Prints one JSON line.
 */
import { resourceUsage } from "node:process";
import { noSleep, schedulerOf } from "./adapters.ts";
import { randomDag } from "./dags.ts";
import { median } from "./stats.ts";

export interface OverheadSample {
  scheduler: string;
  tasks: number;
  concurrency: number;
  /** Microseconds per task of each timed run. */
  runs_us_per_task: number[];
  median_us_per_task: number;
  /** Whether the only sample is the first (cold) run. */
  cold: boolean;
  /** Resident set size after loading, before the first run (MB). */
  rss_start_mb: number;
  /** Peak resident set size of the process (MB). */
  rss_peak_mb: number;
}

const [
  key = "orchestrate",
  tasksArg = "1000",
  concurrencyArg = "8",
  warmArg = "1",
  repsArg = "7",
  budgetArg = "15000",
] = process.argv.slice(2);
const tasks = Number(tasksArg);
const concurrency = Number(concurrencyArg);
const warmUps = Math.max(1, Number(warmArg));
const reps = Number(repsArg);
const budget = Number(budgetArg);
const scheduler = schedulerOf(key);
const dag = randomDag(tasks, 20_240 + tasks);

/** One run, timed. No forced GC between runs: the process stays in its steady state. */
async function timed(): Promise<number> {
  const start = performance.now();
  await scheduler.run(dag, concurrency, noSleep);
  return performance.now() - start;
}

const rssStart = process.memoryUsage().rss;
const started = performance.now();
const first = await timed();
const samples: number[] = [];
let cold = false;
if (first > budget / 2) {
  samples.push(first);
  cold = true;
} else {
  for (let i = 1; i < warmUps; i++) await timed();
  while (samples.length < reps && (samples.length === 0 || performance.now() - started < budget)) {
    samples.push(await timed());
  }
}
const perTask = samples.map((ms) => (ms * 1000) / tasks);
const result: OverheadSample = {
  scheduler: key,
  tasks,
  concurrency,
  runs_us_per_task: perTask.map((v) => Math.round(v * 100) / 100),
  median_us_per_task: median(perTask),
  cold,
  rss_start_mb: rssStart / 2 ** 20,
  rss_peak_mb: Math.max(resourceUsage().maxRSS * 1024, process.memoryUsage().rss) / 2 ** 20,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
