import { specsInOrder } from "../state/derived.ts";
import type { Artifact, Cost, ExecutionState, TaskError, TaskStatus } from "../state/types.ts";

/** One task in an execution's result. Times are epoch ms (virtual-clock ms in tests). */
export interface TaskResult {
  id: string;
  agent: string;
  phase?: string;
  status: TaskStatus;
  started_at: number | null;
  finished_at: number | null;
  /** Time spent running, over all attempts (ms). */
  duration_ms: number;
  attempts: number;
  artifacts: Artifact[];
  errors: TaskError[];
  cost: Cost;
  summary?: string;
  reason?: string;
}

/** Execution metrics. Durations in ms. */
export interface Metrics {
  /** From start to end of the execution. */
  wall_time: number;
  /** Sum of every task's running time: what a one-at-a-time run would take. */
  serial_time: number;
  /** serial_time ÷ wall_time. */
  speedup_vs_serial: number;
  /** speedup ÷ max_concurrency: how much of the allowed parallelism was used (0–1). */
  parallel_efficiency: number;
  /** Slot time left unused: wall_time × max_concurrency − serial_time. */
  idle_time: number;
  cost_estimate: Cost;
}

/** What an execution produced: the library API's return value and the report's data. */
export interface OrchestrationResult {
  id: string;
  status: ExecutionState["status"];
  reason?: string;
  tasks: TaskResult[];
  metrics: Metrics;
  merged: { summary: string; conflicts: ExecutionState["conflicts"] };
  context: Record<string, unknown>;
}

/**
 * Summarizes a state into the result shape (pure). `now` closes a still-running execution's wall
 * time; without it, the last time a task started or finished does (the figures so far).
 */
export function summarize(
  state: ExecutionState,
  now = state.finished_at ?? lastActivity(state),
): OrchestrationResult {
  let specs = specsInOrder(state.specs);
  // Specs are usually stored in plan order already; sort (a copy) only when they are not.
  let sorted = true;
  for (let i = 1; i < specs.length && sorted; i++) sorted = specs[i - 1]!.order < specs[i]!.order;
  if (!sorted) specs = [...specs].sort((a, b) => a.order - b.order);
  const tasks: TaskResult[] = [];
  for (const spec of specs) {
    const t = state.tasks[spec.id]!;
    // A literal for the keys every result has (in-object, one shape), in the order results have
    // always had; optional keys are not spread.
    let result: TaskResult;
    if (spec.phase) {
      result = {
        id: spec.id,
        agent: spec.agent,
        phase: spec.phase,
        status: t.status,
        started_at: t.first_started_at ?? null,
        finished_at: t.finished_at ?? null,
        duration_ms: t.busy_ms,
        attempts: t.attempt,
        artifacts: t.artifacts,
        errors: t.errors,
        cost: t.cost,
      };
    } else {
      result = {
        id: spec.id,
        agent: spec.agent,
        status: t.status,
        started_at: t.first_started_at ?? null,
        finished_at: t.finished_at ?? null,
        duration_ms: t.busy_ms,
        attempts: t.attempt,
        artifacts: t.artifacts,
        errors: t.errors,
        cost: t.cost,
      };
    }
    if (t.summary !== undefined) result.summary = t.summary;
    if (t.reason !== undefined) result.reason = t.reason;
    tasks.push(result);
  }
  const wall = Math.max(0, (state.finished_at ?? now) - state.created_at);
  const serial = tasks.reduce((sum, t) => sum + t.duration_ms, 0);
  const speedup = wall > 0 ? serial / wall : 0;
  const slots = state.policy.max_concurrency;
  return {
    id: state.id,
    status: state.status,
    ...(state.reason !== undefined ? { reason: state.reason } : {}),
    tasks,
    metrics: {
      wall_time: wall,
      serial_time: serial,
      speedup_vs_serial: round(speedup),
      parallel_efficiency: round(Math.min(1, speedup / slots)),
      idle_time: Math.max(0, wall * slots - serial),
      cost_estimate: { usd: round(state.cost.usd, 4), tokens: state.cost.tokens },
    },
    merged: {
      summary: tasks
        .filter((t) => t.summary)
        .map((t) => `${t.id}: ${t.summary}`)
        .join("\n"),
      conflicts: state.conflicts,
    },
    context: state.context,
  };
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The last time the state records a task starting or finishing (its start when none did). */
function lastActivity(state: ExecutionState): number {
  let last = state.created_at;
  for (const id in state.tasks) {
    const t = state.tasks[id]!;
    if (t.finished_at !== undefined && t.finished_at > last) last = t.finished_at;
    if (t.first_started_at !== undefined && t.first_started_at > last) last = t.first_started_at;
  }
  return last;
}
