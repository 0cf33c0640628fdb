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

/**
 * One running attempt. Its `AbortSignal` is made on first use (making one is costly and most
 * tasks never read it); a cancel before that is remembered and yields an aborted signal.
 */
class Attempt {
  #controller: AbortController | undefined;
  #reason: unknown;
  cancelled = false;

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.cancelled) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  cancel(reason: unknown): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/** Runs tasks as async functions in this process. */
export function inProcessRunner(run: TaskFunction, getState: () => ExecutionState | undefined): TaskRunner {
  const running = new Map<string, Attempt>();
  // The shared context is the same for every task; it is made again only if `send` changes.
  let context: SharedContext | undefined;
  let contextSend: ((e: NewEvent) => void) | undefined;
  const contextFor = (send: (e: NewEvent) => void): SharedContext => {
    if (!context || contextSend !== send) {
      contextSend = send;
      context = {
        get: <T>(k: string) => getState()?.context[k] as T | undefined,
        set: (k, value) => send({ type: "context_set", key: k, value }),
        keys: () => Object.keys(getState()?.context ?? {}),
      };
    }
    return context;
  };
  return {
    start(task, state, send: (e: NewEvent) => void) {
      const key = `${task.id}#${task.attempt}`;
      const attempt = new Attempt();
      running.set(key, attempt);
      const spec = state.specs[task.id]!;
      const node: TaskNode = {
        id: spec.id,
        agent: spec.agent,
        needs: spec.needs,
        estimate_ms: spec.estimate_ms,
      };
      if (spec.phase) node.phase = spec.phase;
      if (spec.matrix) node.matrix = spec.matrix;
      if (spec.prompt !== undefined) node.prompt = spec.prompt;
      if (spec.params) node.params = spec.params;
      const ctx: RunContext = {
        get signal() {
          return attempt.signal;
        },
        attempt: task.attempt,
        context: contextFor(send),
        ...(task.feedback ? { feedback: task.feedback } : {}),
        heartbeat: (message) =>
          send({ type: "heartbeat", task: task.id, attempt: task.attempt, ...(message ? { message } : {}) }),
      };
      send({ type: "task_started", task: task.id, attempt: task.attempt });
      Promise.resolve()
        .then(() => run(node, ctx))
        .then(
          (out) => {
            running.delete(key);
            if (attempt.cancelled) return;
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
            running.delete(key);
            if (attempt.cancelled) return;
            const message = error instanceof Error ? error.message : String(error);
            send({
              type: "task_failed",
              task: task.id,
              attempt: task.attempt,
              error: { kind: errorKind(error), message },
            });
          },
        );
    },
    cancel(task, reason) {
      running.get(`${task.id}#${task.attempt}`)?.cancel(new TaskFailure("cancelled", reason));
    },
  };
}
