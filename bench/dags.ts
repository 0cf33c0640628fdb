import { seededRandom } from "../src/engine/seeded-random.ts";
import type { Random } from "../src/ports/clock.ts";

/** One task of a benchmark graph: its dependencies are indices of earlier tasks. */
export interface BenchTask {
  id: string;
  needs: number[];
  /** True duration in ms (also given to our scheduler as its estimate). */
  ms: number;
}

/** A task graph in topological order: every `needs` index is smaller than the task's own. */
export interface Dag {
  name: string;
  tasks: BenchTask[];
}

function int(random: Random, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** `k` distinct integers drawn from [lo, hi). */
function pick(random: Random, lo: number, hi: number, k: number): number[] {
  const chosen = new Set<number>();
  const want = Math.min(k, hi - lo);
  while (chosen.size < want) chosen.add(lo + Math.floor(random() * (hi - lo)));
  return [...chosen].sort((a, b) => a - b);
}

/**
 * A random DAG: task i needs min(i, 2) distinct tasks drawn uniformly from the tasks before it;
 * durations are integers in [minMs, maxMs]. Deterministic for a seed.
 */
export function randomDag(n: number, seed: number, minMs = 1, maxMs = 20): Dag {
  const random = seededRandom(seed);
  const tasks: BenchTask[] = [];
  for (let i = 0; i < n; i++)
    tasks.push({ id: `t${i}`, needs: pick(random, 0, i, 2), ms: int(random, minMs, maxMs) });
  return { name: `random-${n}-s${seed}`, tasks };
}

/**
 * A wide graph: `levels` levels of `width` tasks; each task past the first level needs two
 * random tasks of the level before. Durations 1–20 ms.
 */
export function wideDag(levels: number, width: number, seed: number): Dag {
  const random = seededRandom(seed);
  const tasks: BenchTask[] = [];
  for (let level = 0; level < levels; level++) {
    const base = level * width;
    for (let j = 0; j < width; j++) {
      const needs = level === 0 ? [] : pick(random, base - width, base, 2);
      tasks.push({ id: `t${base + j}`, needs, ms: int(random, 1, 20) });
    }
  }
  return { name: `wide-${levels}x${width}-s${seed}`, tasks };
}

/**
 * The critical-path family: a chain of `chain` tasks (10–20 ms each) plus independent filler
 * tasks (1–20 ms) whose total is (concurrency − 1) × the chain's length, so the critical path
 * equals total work ÷ concurrency. Chain and fillers are interleaved at random positions in
 * plan order (the chain keeps its own order). A FIFO scheduler queues each next chain step
 * behind the ready fillers; a critical-path scheduler keeps the chain moving.
 */
export function criticalPathDag(concurrency: number, seed: number, chain = 30): Dag {
  const random = seededRandom(seed);
  const chainMs = Array.from({ length: chain }, () => int(random, 10, 20));
  const cp = chainMs.reduce((a, b) => a + b, 0);
  const fillerMs: number[] = [];
  let left = (concurrency - 1) * cp;
  while (left > 0) {
    const ms = Math.min(left, int(random, 1, 20));
    fillerMs.push(ms);
    left -= ms;
  }
  // Random interleaving that keeps the chain's order: pick the chain's positions.
  const total = chain + fillerMs.length;
  const chainAt = new Set(pick(random, 0, total, chain));
  const tasks: BenchTask[] = [];
  let c = 0;
  let f = 0;
  let previous = -1;
  for (let i = 0; i < total; i++) {
    if (chainAt.has(i)) {
      tasks.push({ id: `t${i}`, needs: previous >= 0 ? [previous] : [], ms: chainMs[c++]! });
      previous = i;
    } else tasks.push({ id: `t${i}`, needs: [], ms: fillerMs[f++]! });
  }
  return { name: `cp-c${concurrency}-s${seed}`, tasks };
}

/** Sum of all durations. */
export function totalWork(dag: Dag): number {
  let sum = 0;
  for (const t of dag.tasks) sum += t.ms;
  return sum;
}

/** Task indices that need each task, in index order. */
export function dependentsOf(dag: Dag): number[][] {
  const out: number[][] = dag.tasks.map(() => []);
  dag.tasks.forEach((t, i) => {
    for (const n of t.needs) out[n]!.push(i);
  });
  return out;
}

/** Bottom level of every task: the longest duration sum of a path from it to a sink, itself included. */
export function bottomLevels(dag: Dag): number[] {
  const dependents = dependentsOf(dag);
  const level = new Array<number>(dag.tasks.length).fill(0);
  for (let i = dag.tasks.length - 1; i >= 0; i--) {
    let longest = 0;
    for (const d of dependents[i]!) longest = Math.max(longest, level[d]!);
    level[i] = dag.tasks[i]!.ms + longest;
  }
  return level;
}

/** Length of the critical path (ms). */
export function criticalPath(dag: Dag): number {
  return Math.max(0, ...bottomLevels(dag));
}

/** The makespan lower bound: max(critical path, total work ÷ concurrency). */
export function lowerBound(dag: Dag, concurrency: number): number {
  return Math.max(criticalPath(dag), totalWork(dag) / concurrency);
}
