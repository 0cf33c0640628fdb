import { TaskFailure } from "../core/errors.ts";
import type { TaskNode } from "../core/graph/types.ts";
import type { Artifact, Cost, ExecutionState } from "../core/state/index.ts";
import type { NewEvent, TaskRunner } from "../ports/engine-ports.ts";

/** Key/value context shared by all tasks of an execution and persisted with its state. */
export interface SharedContext {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  keys(): string[];
}

/** What a task function receives besides its task. */
export interface RunContext {
  /** Aborted when the attempt times out or the execution is cancelled. */
  signal: AbortSignal;
  /** 1-based attempt number. */
  attempt: number;
  context: SharedContext;
  /** A gate's rejection reason when the phase runs again. */
  feedback?: string;
  /** Reports liveness (and an optional message) to telemetry. */
  heartbeat(message?: string): void;
}

/** What a task function may return. */
export interface TaskOutput {
  artifacts?: Artifact[];
  summary?: string;
  cost?: Partial<Cost>;
  /** Keys merged into the shared context. */
  context?: Record<string, unknown>;
}

export type TaskFunction = (task: TaskNode, ctx: RunContext) => Promise<TaskOutput | undefined>;

/** Error kind of a thrown value: `TaskFailure.kind`, a `kind` property, else `error`. */
export function errorKind(error: unknown): string {
  if (error instanceof TaskFailure) return error.kind;
  const kind = (error as { kind?: unknown } | null)?.kind;
  return typeof kind === "string" ? kind : "error";
}

/** Runs tasks as async functions in this process. */
export function inProcessRunner(run: TaskFunction, getState: () => ExecutionState | undefined): TaskRunner {
  const running = new Map<string, AbortController>();
  return {
    start(task, state, send: (e: NewEvent) => void) {
      const key = `${task.id}#${task.attempt}`;
      const controller = new AbortController();
      running.set(key, controller);
      const spec = state.specs[task.id]!;
      const node: TaskNode = {
        id: spec.id,
        agent: spec.agent,
        needs: spec.needs,
        estimate_ms: spec.estimate_ms,
        ...(spec.phase ? { phase: spec.phase } : {}),
        ...(spec.matrix ? { matrix: spec.matrix } : {}),
        ...(spec.prompt !== undefined ? { prompt: spec.prompt } : {}),
        ...(spec.params ? { params: spec.params } : {}),
      };
      const context: SharedContext = {
        get: <T>(k: string) => getState()?.context[k] as T | undefined,
        set: (k, value) => send({ type: "context_set", key: k, value }),
        keys: () => Object.keys(getState()?.context ?? {}),
      };
      const ctx: RunContext = {
        signal: controller.signal,
        attempt: task.attempt,
        context,
        ...(task.feedback ? { feedback: task.feedback } : {}),
        heartbeat: (message) =>
          send({ type: "heartbeat", task: task.id, attempt: task.attempt, ...(message ? { message } : {}) }),
      };
      send({ type: "task_started", task: task.id, attempt: task.attempt });
      Promise.resolve()
        .then(() => run(node, ctx))
        .then(
          (out) => {
            if (controller.signal.aborted) return;
            const cost = out?.cost ? { usd: out.cost.usd ?? 0, tokens: out.cost.tokens ?? 0 } : undefined;
            send({
              type: "task_succeeded",
              task: task.id,
              attempt: task.attempt,
              artifacts: out?.artifacts ?? [],
              ...(cost ? { cost } : {}),
              ...(out?.summary !== undefined ? { summary: out.summary } : {}),
              ...(out?.context ? { context: out.context } : {}),
            });
          },
          (error: unknown) => {
            if (controller.signal.aborted) return;
            const message = error instanceof Error ? error.message : String(error);
            send({
              type: "task_failed",
              task: task.id,
              attempt: task.attempt,
              error: { kind: errorKind(error), message },
            });
          },
        )
        .finally(() => running.delete(key));
    },
    cancel(task, reason) {
      running.get(`${task.id}#${task.attempt}`)?.abort(new TaskFailure("cancelled", reason));
    },
  };
}
