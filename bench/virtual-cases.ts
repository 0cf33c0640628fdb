import { VirtualClock } from "../src/engine/virtual-clock.ts";
import { realSleep, SCHEDULERS, type Scheduler, type SchedulerKey } from "./adapters.ts";
import { tighterBound } from "./bounds.ts";
import { criticalPathDag, type Dag, lowerBound, randomDag, totalWork, wideDag } from "./dags.ts";
import { median, quantile } from "./stats.ts";

export type PerScheduler<T> = Record<SchedulerKey, T>;

/** Makespan of one run in virtual time: a fresh clock, every task sleeps its duration on it. */
export async function virtualMakespan(s: Scheduler, dag: Dag, concurrency: number): Promise<number> {
  const clock = new VirtualClock();
  await s.run(dag, concurrency, (ms) => clock.sleep(ms), clock);
  if (clock.pending > 0) throw new Error(`${s.key}: ${clock.pending} timers left after the run`);
  return clock.now();
}

/** Makespan of one run with real timers (setTimeout), in ms. */
async function realMakespan(s: Scheduler, dag: Dag, concurrency: number): Promise<number> {
  const start = performance.now();
  await s.run(dag, concurrency, realSleep);
  return performance.now() - start;
}

function perScheduler<T>(make: () => T): PerScheduler<T> {
  return Object.fromEntries(SCHEDULERS.map((s) => [s.key, make()])) as PerScheduler<T>;
}

export interface MakespanResult {
  concurrency: number;
  dags: number;
  tasks: number;
  /** Makespan ÷ max(critical path, work ÷ concurrency): median and p90 per scheduler. */
  median: PerScheduler<number>;
  p90: PerScheduler<number>;
  max: PerScheduler<number>;
  /** Makespan ÷ the tighter bound of `bounds.ts` (diagnostic): median and p90. */
  tight_median: PerScheduler<number>;
  tight_p90: PerScheduler<number>;
  /** Median of tighter bound ÷ bound: how loose max(CP, work ÷ c) is on these DAGs. */
  bound_slack: number;
}

/** Makespan ÷ lower bound over `count` seeded random DAGs, in virtual time. */
export async function makespanCase(
  count: number,
  tasks: number,
  concurrency: number,
): Promise<MakespanResult> {
  const ratios = perScheduler<number[]>(() => []);
  const tight = perScheduler<number[]>(() => []);
  const slack: number[] = [];
  for (let seed = 1; seed <= count; seed++) {
    const dag = randomDag(tasks, seed);
    const bound = lowerBound(dag, concurrency);
    const better = tighterBound(dag, concurrency);
    slack.push(better / bound);
    for (const s of SCHEDULERS) {
      const makespan = await virtualMakespan(s, dag, concurrency);
      if (makespan < better - 1e-9) throw new Error(`${s.key}: makespan ${makespan} below bound ${better}`);
      ratios[s.key].push(makespan / bound);
      tight[s.key].push(makespan / better);
    }
  }
  return {
    concurrency,
    dags: count,
    tasks,
    median: mapValues(ratios, median),
    p90: mapValues(ratios, (xs) => quantile(xs, 0.9)),
    max: mapValues(ratios, (xs) => Math.max(...xs)),
    tight_median: mapValues(tight, median),
    tight_p90: mapValues(tight, (xs) => quantile(xs, 0.9)),
    bound_slack: median(slack),
  };
}

export interface CriticalPathResult {
  concurrency: number;
  dags: number;
  /** Median makespan (virtual ms) per scheduler. */
  makespan: PerScheduler<number>;
  /** Median makespan ÷ lower bound per scheduler. */
  ratio: PerScheduler<number>;
  /** Our makespan ÷ p-queue's (FIFO): median and worst (largest) over the family. */
  vs_fifo_median: number;
  vs_fifo_worst: number;
}

/** The critical-path family (CP ≈ work ÷ concurrency): our makespan against FIFO's. */
export async function criticalPathCase(count: number, concurrency: number): Promise<CriticalPathResult> {
  const spans = perScheduler<number[]>(() => []);
  const ratios = perScheduler<number[]>(() => []);
  const vsFifo: number[] = [];
  for (let seed = 1; seed <= count; seed++) {
    const dag = criticalPathDag(concurrency, seed);
    const bound = lowerBound(dag, concurrency);
    const got = perScheduler(() => 0);
    for (const s of SCHEDULERS) {
      got[s.key] = await virtualMakespan(s, dag, concurrency);
      spans[s.key].push(got[s.key]);
      ratios[s.key].push(got[s.key] / bound);
    }
    vsFifo.push(got.orchestrate / got["p-queue"]);
  }
  return {
    concurrency,
    dags: count,
    makespan: mapValues(spans, median),
    ratio: mapValues(ratios, median),
    vs_fifo_median: median(vsFifo),
    vs_fifo_worst: Math.max(...vsFifo),
  };
}

export interface SpeedupResult {
  concurrency: number;
  graphs: number;
  tasks: number;
  /** Serial time (total work) ÷ makespan: median over the graphs, per scheduler. */
  speedup: PerScheduler<number>;
  min: PerScheduler<number>;
}

/** Speedup vs serial on wide graphs (levels × width), in virtual time. */
export async function speedupCase(
  count: number,
  levels: number,
  width: number,
  concurrency: number,
): Promise<SpeedupResult> {
  const speedups = perScheduler<number[]>(() => []);
  for (let seed = 1; seed <= count; seed++) {
    const dag = wideDag(levels, width, seed);
    const serial = totalWork(dag);
    for (const s of SCHEDULERS) speedups[s.key].push(serial / (await virtualMakespan(s, dag, concurrency)));
  }
  return {
    concurrency,
    graphs: count,
    tasks: levels * width,
    speedup: mapValues(speedups, median),
    min: mapValues(speedups, (xs) => Math.min(...xs)),
  };
}

export interface WallClockResult {
  concurrency: number;
  dags: number;
  tasks: number;
  /** Real makespan ÷ virtual makespan: median per scheduler. */
  real_over_virtual: PerScheduler<number>;
  /** Real makespan ÷ lower bound: median per scheduler. */
  real_ratio: PerScheduler<number>;
}

/** A few DAGs run with real timers, compared with the same DAGs in virtual time. */
export async function wallClockCase(
  count: number,
  tasks: number,
  concurrency: number,
): Promise<WallClockResult> {
  const over = perScheduler<number[]>(() => []);
  const ratio = perScheduler<number[]>(() => []);
  for (let seed = 1; seed <= count; seed++) {
    const dag = randomDag(tasks, 9_000 + seed);
    const bound = lowerBound(dag, concurrency);
    for (const s of SCHEDULERS) {
      const virtual = await virtualMakespan(s, dag, concurrency);
      const real = await realMakespan(s, dag, concurrency);
      over[s.key].push(real / virtual);
      ratio[s.key].push(real / bound);
    }
  }
  return {
    concurrency,
    dags: count,
    tasks,
    real_over_virtual: mapValues(over, median),
    real_ratio: mapValues(ratio, median),
  };
}

function mapValues<T, U>(record: PerScheduler<T>, f: (value: T) => U): PerScheduler<U> {
  return Object.fromEntries(SCHEDULERS.map((s) => [s.key, f(record[s.key])])) as PerScheduler<U>;
}
