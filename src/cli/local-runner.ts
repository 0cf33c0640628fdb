import { join } from "node:path";
import { runCommandTask, type UpstreamInput } from "../agents/command-agent.ts";
import { signalGroup } from "../agents/run-process-group.ts";
import { TaskFailure } from "../core/errors.ts";
import type { Plan } from "../core/plan/schema.ts";
import type { ExecutionState } from "../core/state/index.ts";
import type { TaskRunner } from "../ports/engine-ports.ts";

export interface LocalRunnerOptions {
  plan: Plan;
  /** Folder of the plan file, given to agents as ORCHESTRATE_PLAN_DIR. */
  planDir: string;
  /** Where agent commands run. */
  cwd: string;
  /** Folder of one task attempt. */
  taskDir: (taskId: string, attempt: number) => string;
  secrets: readonly string[];
}

/** Every task `id` depends on, directly or not, in plan order. */
function ancestors(state: ExecutionState, id: string): string[] {
  const seen = new Set<string>();
  const stack = [...state.specs[id]!.needs];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(state.specs[next]?.needs ?? []));
  }
  return [...seen].sort((a, b) => state.specs[a]!.order - state.specs[b]!.order);
}

/** A task runner of local processes, which its host can stop all at once. */
export interface LocalRunner extends TaskRunner {
  /** Attempts whose process has not ended yet. */
  running(): number;
  /**
   * Stops every running attempt (SIGTERM to its process group, SIGKILL after the grace time),
   * for a host that stops before its execution ends: `drain` then waits for them to be gone.
   */
  stopAll(reason: string): void;
  /** SIGKILL to the process group of every running attempt, at once: for a host about to exit. */
  killAll(): void;
}

/** One running attempt: how to stop it, and its process group once it runs. */
interface Running {
  controller: AbortController;
  pgid?: number;
}

/** Runs tasks as local processes (`sh -c`), one folder per attempt, upstream artifacts as inputs. */
export function localRunner(options: LocalRunnerOptions): LocalRunner {
  const controllers = new Map<string, Running>();
  return {
    running: () => controllers.size,
    stopAll(reason) {
      for (const { controller } of controllers.values())
        controller.abort(new TaskFailure("cancelled", reason));
    },
    killAll() {
      for (const { pgid } of controllers.values()) if (pgid !== undefined) signalGroup(pgid, "SIGKILL");
    },
    start(task, state, send) {
      const spec = state.specs[task.id]!;
      const agent = options.plan.agents[spec.agent];
      if (!agent) {
        send({ type: "task_started", task: task.id, attempt: task.attempt });
        send({
          type: "task_failed",
          task: task.id,
          attempt: task.attempt,
          error: { kind: "config", message: `agent ${spec.agent} is not defined in the plan` },
        });
        return;
      }
      const inputs: UpstreamInput[] = [];
      for (const up of ancestors(state, task.id)) {
        const t = state.tasks[up]!;
        if (t.status !== "succeeded") continue;
        const upSpec = state.specs[up]!;
        inputs.push({
          task: up,
          agent: upSpec.agent,
          ...(upSpec.phase ? { phase: upSpec.phase } : {}),
          dir: join(options.taskDir(up, t.attempt), "artifacts"),
          artifacts: t.artifacts,
        });
      }
      const controller = new AbortController();
      const key = `${task.id}#${task.attempt}`;
      const entry: Running = { controller };
      controllers.set(key, entry);
      send({ type: "task_started", task: task.id, attempt: task.attempt });
      runCommandTask({
        execution: state.id,
        task: {
          id: spec.id,
          agent: spec.agent,
          ...(spec.phase ? { phase: spec.phase } : {}),
          ...(spec.matrix ? { matrix: spec.matrix } : {}),
          params: agent.params,
        },
        attempt: task.attempt,
        command: agent.run,
        cwd: options.cwd,
        workDir: options.taskDir(task.id, task.attempt),
        request: state.meta.request ?? {},
        context: state.context,
        inputs,
        outputs: agent.outputs,
        ...(task.feedback ? { feedback: task.feedback } : {}),
        env: { ORCHESTRATE_PLAN_DIR: options.planDir },
        secrets: options.secrets,
        signal: controller.signal,
        onGroup: (pgid) => {
          entry.pgid = pgid;
        },
      })
        .then((result) => {
          if (result.ok) {
            send({
              type: "task_succeeded",
              task: task.id,
              attempt: task.attempt,
              artifacts: result.artifacts,
              ...(result.summary !== undefined ? { summary: result.summary } : {}),
              ...(result.cost ? { cost: result.cost } : {}),
              ...(result.context ? { context: result.context } : {}),
            });
          } else if (!controller.signal.aborted) {
            send({
              type: "task_failed",
              task: task.id,
              attempt: task.attempt,
              error: { kind: result.kind, message: result.message },
            });
          }
        })
        .catch((error: unknown) => {
          send({
            type: "task_failed",
            task: task.id,
            attempt: task.attempt,
            error: { kind: "runner", message: error instanceof Error ? error.message : String(error) },
          });
        })
        .finally(() => controllers.delete(key));
    },
    cancel(task, reason) {
      const kind = reason === "timed out" ? "timeout" : "cancelled";
      controllers.get(`${task.id}#${task.attempt}`)?.controller.abort(new TaskFailure(kind, reason));
    },
  };
}

/** Waits until every running task's process has exited. */
export async function drain(runner: { running(): number }, pollMs = 25): Promise<void> {
  while (runner.running() > 0) await new Promise((r) => setTimeout(r, pollMs));
}
