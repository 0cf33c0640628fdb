import async from "async";
import { PGraph, type PGraphNode } from "p-graph";
import PQueue from "p-queue";
import type { TaskNode } from "../src/core/graph/types.ts";
import { executeGraph } from "../src/engine/execute-graph.ts";
import { seededRandom } from "../src/engine/seeded-random.ts";
import type { Clock } from "../src/ports/clock.ts";
import { type Dag, dependentsOf } from "./dags.ts";

/** How a task spends its duration: a virtual-clock sleep, a real timer, or nothing (no-op). */
export type Sleep = (ms: number) => Promise<void>;

/**
 * Runs every task of `dag` once, dependencies first, at most `concurrency` at a time; each task
 * awaits `sleep(duration)`. `clock` is the time source of schedulers that keep time themselves.
 */
export type Adapter = (dag: Dag, concurrency: number, sleep: Sleep, clock?: Clock) => Promise<void>;

export interface Scheduler {
  key: SchedulerKey;
  label: string;
  /** How the scheduler is fed, as printed with the results. */
  feeding: string;
  run: Adapter;
}

export type SchedulerKey = "orchestrate" | "p-queue" | "p-graph" | "async";

export const noSleep: Sleep = () => Promise.resolve();
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Our engine: `executeGraph` with each task's true duration as its `estimate_ms`. */
const orchestrate: Adapter = async (dag, concurrency, sleep, clock) => {
  const durations = new Map<string, number>();
  const nodes: TaskNode[] = dag.tasks.map((t) => {
    durations.set(t.id, t.ms);
    return { id: t.id, agent: "worker", needs: t.needs.map((n) => dag.tasks[n]!.id), estimate_ms: t.ms };
  });
  const result = await executeGraph(
    { tasks: nodes },
    { max_concurrency: concurrency },
    {
      ...(clock ? { clock } : {}),
      random: seededRandom(1),
      id: "bench",
      run: async (task) => {
        await sleep(durations.get(task.id)!);
        return undefined;
      },
    },
  );
  if (result.status !== "succeeded") throw new Error(`orchestrate ended ${result.status}: ${result.reason}`);
};

/**
 * p-queue fed by readiness: tasks without dependencies are added at the start in plan order;
 * when a task's function has slept, it adds each dependent (in plan order) whose last
 * dependency it was, before it returns. The queue runs in insertion order (FIFO).
 */
const pQueue: Adapter = async (dag, concurrency, sleep) => {
  const queue = new PQueue({ concurrency });
  const dependents = dependentsOf(dag);
  const remaining = dag.tasks.map((t) => t.needs.length);
  const failures: unknown[] = [];
  const add = (i: number): void => {
    queue
      .add(async () => {
        await sleep(dag.tasks[i]!.ms);
        for (const d of dependents[i]!) {
          remaining[d]! -= 1;
          if (remaining[d] === 0) add(d);
        }
      })
      .catch((error: unknown) => failures.push(error));
  };
  dag.tasks.forEach((t, i) => {
    if (t.needs.length === 0) add(i);
  });
  await queue.onIdle();
  if (failures.length > 0) throw failures[0];
  if (remaining.some((r) => r > 0)) throw new Error("p-queue: some tasks never became ready");
};

/**
 * p-graph with critical-path priority: each node's `priority` is its duration; p-graph ranks
 * ready nodes by cumulative priority (own priority + the largest cumulative priority of its
 * dependents), which is exactly the bottom level.
 */
const pGraph: Adapter = async (dag, concurrency, sleep) => {
  const nodes = new Map<string, PGraphNode>();
  const edges: [string, string][] = [];
  for (const t of dag.tasks) {
    nodes.set(t.id, { run: () => sleep(t.ms), priority: t.ms });
    for (const n of t.needs) edges.push([dag.tasks[n]!.id, t.id]);
  }
  await new PGraph(nodes, edges).run({ concurrency });
};

type AutoCallback = (error?: Error | null) => void;

/** async.auto with its concurrency argument: ready tasks start in the order they became ready. */
const asyncAuto: Adapter = async (dag, concurrency, sleep) => {
  const tasks: Record<string, unknown> = {};
  for (const t of dag.tasks) {
    const go = (cb: AutoCallback) => {
      sleep(t.ms).then(() => cb(null), cb);
    };
    tasks[t.id] =
      t.needs.length === 0
        ? go
        : [...t.needs.map((n) => dag.tasks[n]!.id), (_results: unknown, cb: AutoCallback) => go(cb)];
  }
  await async.auto(tasks as Parameters<typeof async.auto>[0], concurrency);
};

export const SCHEDULERS: readonly Scheduler[] = [
  {
    key: "orchestrate",
    label: "orchestrate",
    feeding: "executeGraph, estimate_ms = true duration, critical-path priority",
    run: orchestrate,
  },
  {
    key: "p-queue",
    label: "p-queue",
    feeding:
      "FIFO by readiness: roots added in plan order at start; a finishing task adds each dependent " +
      "whose last dependency it was (plan order) before returning",
    run: pQueue,
  },
  {
    key: "p-graph",
    label: "p-graph",
    feeding: "priority = duration; p-graph's cumulative priority = bottom level (critical path)",
    run: pGraph,
  },
  {
    key: "async",
    label: "async.auto",
    feeding: "control: async.auto(tasks, concurrency), ready tasks in readiness order",
    run: asyncAuto,
  },
];

export function schedulerOf(key: string): Scheduler {
  const found = SCHEDULERS.find((s) => s.key === key);
  if (!found) throw new Error(`unknown scheduler ${key}`);
  return found;
}
