import type { TaskNode } from "../../src/core/graph/types.ts";
import type { PolicyInput } from "../../src/core/plan/schema.ts";
import { type ExecuteOptions, executeGraph } from "../../src/engine/execute-graph.ts";
import type { RunContext, TaskOutput } from "../../src/engine/in-process-runner.ts";
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import type { TelemetryEvent } from "../../src/ports/engine-ports.ts";

export interface Trace {
  starts: { id: string; at: number; attempt: number }[];
  ends: { id: string; at: number; ok: boolean }[];
  maxRunning: number;
  telemetry: TelemetryEvent[];
}

export function node(id: string, needs: string[] = [], extra: Partial<TaskNode> = {}): TaskNode {
  return { id, agent: extra.agent ?? "worker", needs, ...extra };
}

/**
 * Runs a graph in virtual time. `behaviour(id, attempt)` gives the duration and whether the
 * attempt fails (a kind string) or what it returns.
 */
export async function simulate(
  tasks: TaskNode[],
  policy: PolicyInput,
  behaviour: (
    id: string,
    attempt: number,
    ctx: RunContext,
  ) => { ms: number; fail?: string; message?: string; out?: TaskOutput },
  extra: Partial<Omit<ExecuteOptions, "run">> = {},
) {
  const clock = new VirtualClock();
  const trace: Trace = { starts: [], ends: [], maxRunning: 0, telemetry: [] };
  let running = 0;
  const result = await executeGraph({ tasks }, policy, {
    clock,
    random: seededRandom(42),
    onEvent: (e) => trace.telemetry.push(e),
    ...extra,
    run: async (task, ctx) => {
      const b = behaviour(task.id, ctx.attempt, ctx);
      trace.starts.push({ id: task.id, at: clock.now(), attempt: ctx.attempt });
      running++;
      trace.maxRunning = Math.max(trace.maxRunning, running);
      try {
        await clock.sleep(b.ms, ctx.signal);
      } finally {
        running--;
      }
      trace.ends.push({ id: task.id, at: clock.now(), ok: !b.fail });
      if (b.fail) throw Object.assign(new Error(b.message ?? `${task.id} failed`), { kind: b.fail });
      return b.out;
    },
  });
  return { result, trace, clock };
}
