import { TaskFailure } from "../core/errors.ts";
import type { TaskNode } from "../core/graph/types.ts";
import type { Artifact, Cost, ExecutionState } from "../core/state/index.ts";
import type { NewEvent, TaskRunner } from "../ports/engine-ports.ts";
import { type CheckedOutput, checkOutput } from "./task-output.ts";

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
  try {
    if (error instanceof TaskFailure) return error.kind;
    const kind = (error as { kind?: unknown } | null)?.kind;
    return typeof kind === "string" ? kind : "error";
  } catch {
    // A `kind` getter (or a proxy) that throws: the value says nothing more.
    return "error";
  }
}

/**
 * The message of a thrown value: an error's message, else the value as text. A value that cannot
 * become text (an object without a prototype, a `toString` that throws) gets a message that says so.
 */
export function errorMessage(error: unknown): string {
  try {
    const message = error instanceof Error ? error.message : error;
    if (typeof message === "string") return message;
    return String(message);
  } catch {
    return "the task threw a value that cannot be shown as text";
  }
}

/**
 * One running attempt, and the `RunContext` its task function receives. Its `AbortSignal` is
 * made on first use (making one is costly and most tasks never read it); a cancel before that is
 * remembered and yields an aborted signal. `signal` is read through the prototype: an object
 * literal with a getter costs far more to make than the attempt itself.
 */
class Attempt implements RunContext {
  #controller: AbortController | undefined;
  #reason: unknown;
  #cancelled = false;
  readonly attempt: number;
  readonly context: SharedContext;
  declare feedback?: string;
  readonly heartbeat: (message?: string) => void;

  constructor(task: string, attempt: number, context: SharedContext, send: (e: NewEvent) => void) {
    this.attempt = attempt;
    this.context = context;
    this.heartbeat = (message) => send({ type: "heartbeat", task, attempt, ...(message ? { message } : {}) });
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#cancelled) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  // Static, so that the task function's context has no members but those of `RunContext`.
  static cancelled(a: Attempt): boolean {
    return a.#cancelled;
  }

  static cancel(a: Attempt, reason: unknown): void {
    if (a.#cancelled) return;
    a.#cancelled = true;
    a.#reason = reason;
    a.#controller?.abort(reason);
  }
}

interface Starting {
  id: string;
  attempt: Attempt;
  node: TaskNode;
  send: (e: NewEvent) => void;
}

/** Runs tasks as async functions in this process. */
export function inProcessRunner(run: TaskFunction, getState: () => ExecutionState | undefined): TaskRunner {
  // The running attempt of each task; a cancelled attempt may still run while a later one starts.
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

  // Attempts started in this turn, run together in one microtask once the turn is over.
  let starting: Starting[] = [];
  const runStarting = (): void => {
    const batch = starting;
    starting = [];
    for (const s of batch) {
      // Cancelled in the turn that started it (a cascade, a cancel): its result would be ignored.
      if (Attempt.cancelled(s.attempt)) {
        if (running.get(s.id) === s.attempt) running.delete(s.id);
        continue;
      }
      let result: Promise<TaskOutput | undefined>;
      try {
        result = Promise.resolve(run(s.node, s.attempt));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (out) => succeeded(s, out),
        (error: unknown) => failed(s, error),
      );
    }
  };

  /**
   * Reports a successful attempt, unless it was cancelled. An output of the wrong shape fails the
   * attempt (kind `output_invalid`): a cost that is not a number would pass the budget by.
   */
  function succeeded(s: Starting, out: TaskOutput | undefined): void {
    const { id, attempt, send } = s;
    if (running.get(id) === attempt) running.delete(id);
    if (Attempt.cancelled(attempt)) return;
    const event: NewEvent & { type: "task_succeeded" } = {
      type: "task_succeeded",
      task: id,
      attempt: attempt.attempt,
      artifacts: [],
    };
    if (out !== undefined) {
      let checked: CheckedOutput;
      try {
        checked = checkOutput(out);
      } catch (error) {
        // A getter or proxy that throws while its fields are read.
        checked = { ok: false, message: `invalid task output: reading it threw: ${errorMessage(error)}` };
      }
      if (!checked.ok) {
        send({
          type: "task_failed",
          task: id,
          attempt: attempt.attempt,
          error: { kind: "output_invalid", message: checked.message },
        });
        return;
      }
      if (checked.artifacts) event.artifacts = checked.artifacts;
      if (checked.cost) event.cost = checked.cost;
      if (checked.summary !== undefined) event.summary = checked.summary;
      if (checked.context) event.context = checked.context;
    }
    send(event);
  }

  /** Reports a failed attempt, unless it was cancelled. */
  function failed({ id, attempt, send }: Starting, error: unknown): void {
    if (running.get(id) === attempt) running.delete(id);
    if (Attempt.cancelled(attempt)) return;
    send({
      type: "task_failed",
      task: id,
      attempt: attempt.attempt,
      error: { kind: errorKind(error), message: errorMessage(error) },
    });
  }

  return {
    start(task, state, send: (e: NewEvent) => void) {
      const attempt = new Attempt(task.id, task.attempt, contextFor(send), send);
      if (task.feedback) attempt.feedback = task.feedback;
      running.set(task.id, attempt);
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
      send({ type: "task_started", task: task.id, attempt: task.attempt });
      if (starting.push({ id: task.id, attempt, node, send }) === 1) queueMicrotask(runStarting);
    },
    cancel(task, reason) {
      const attempt = running.get(task.id);
      if (attempt?.attempt === task.attempt) Attempt.cancel(attempt, new TaskFailure("cancelled", reason));
    },
  };
}
