import { bottomLevels, type Dag, lowerBound } from "./dags.ts";

/** Earliest start of every task with unlimited slots: the longest path of work before it. */
export function topLevels(dag: Dag): number[] {
  const top = new Array<number>(dag.tasks.length).fill(0);
  dag.tasks.forEach((t, i) => {
    for (const n of t.needs) top[i] = Math.max(top[i]!, top[n]! + dag.tasks[n]!.ms);
  });
  return top;
}

/** Up to `k` evenly spaced values of the sorted distinct `values`, 0 included. */
function thresholds(values: readonly number[], k: number): number[] {
  const distinct = [...new Set([0, ...values])].sort((a, b) => a - b);
  if (distinct.length <= k) return distinct;
  return Array.from({ length: k }, (_, j) => distinct[Math.round((j * (distinct.length - 1)) / (k - 1))]!);
}

/**
 * A tighter makespan lower bound (a diagnostic next to max(CP, work ÷ c)). For a head τ1 and a tail
 * τ2 with τ1 + τ2 ≤ a bound already proven (so the window [τ1, makespan − τ2] exists), task i runs
 * at most τ1 − top_i of its work before the window and at most τ2 − tail_i after it (tail_i: the
 * longest path of work that must follow it); the rest must fit c slots inside:
 *   makespan ≥ τ1 + τ2 + Σ max(0, ms_i − max(0, τ1 − top_i) − max(0, τ2 − tail_i)) ÷ c.
 * Evaluated on a grid of thresholds, repeated while it grows: valid, if not the best of its kind.
 */
export function tighterBound(dag: Dag, concurrency: number, grid = 48): number {
  const top = topLevels(dag);
  const bottom = bottomLevels(dag);
  const ms = dag.tasks.map((t) => t.ms);
  const tail = bottom.map((b, i) => b - ms[i]!);
  const heads = thresholds([...top, ...top.map((t, i) => t + ms[i]!)], grid);
  const tails = thresholds([...tail, ...tail.map((t, i) => t + ms[i]!)], grid);
  let best = lowerBound(dag, concurrency);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t1 of heads) {
      for (const t2 of tails) {
        if (t1 + t2 > best) continue;
        let inside = 0;
        for (let i = 0; i < ms.length; i++) {
          const w = ms[i]! - Math.max(0, t1 - top[i]!) - Math.max(0, t2 - tail[i]!);
          if (w > 0) inside += w;
        }
        const bound = t1 + t2 + inside / concurrency;
        if (bound > best + 1e-9) {
          best = bound;
          grew = true;
        }
      }
    }
  }
  return best;
}
