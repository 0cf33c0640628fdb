import type { Effect, ExecutionEvent, ExecutionState } from "../core/state/index.ts";
import { applyInPlace, EventSchema, reduce } from "../core/state/index.ts";
import type { Clock, Random } from "../ports/clock.ts";
import type {
  EngineStore,
  Gatekeeper,
  NewEvent,
  Notifier,
  TaskRunner,
  Telemetry,
} from "../ports/engine-ports.ts";
import { errorMessage } from "./in-process-runner.ts";
import { telemetryOf } from "./telemetry.ts";
import { TimerQueue } from "./timer-queue.ts";

export interface EngineOptions {
  clock: Clock;
  random: Random;
  runner: TaskRunner;
  gatekeeper?: Gatekeeper;
  notifier?: Notifier;
  store?: EngineStore;
  telemetry?: Telemetry;
  /** Secret values to scrub from telemetry. */
  secrets?: readonly string[];
  /**
   * Called each time the events sent so far are all applied (the engine is idle until a task,
   * timer or caller sends another): a host may stop waiting for an execution nothing can move.
   */
  onIdle?: (state: ExecutionState) => void;
  /**
   * `copy` applies events with the pure `reduce` (earlier states stay valid, for hosts that keep
   * them); `in-place` changes one state object (fastest; the engine owns it). Default `in-place`.
   */
  mode?: "copy" | "in-place";
}

/**
 * The interpreter: applies events to the state one at a time, persists them, carries out the
 * effects through the ports and turns results into new events. One engine per execution.
 */
export class Engine {
  #state: ExecutionState | undefined;
  readonly #options: EngineOptions;
  readonly #queue: ExecutionEvent[] = [];
  /** The state's timers, on one clock timer for the earliest deadline. */
  readonly #timers: TimerQueue;
  readonly #prefix: string;
  #counter = 0;
  #busy = false;
  /**
   * Set when applying an event failed (its store write threw, an effect's port threw): from then
   * on no event is taken, so nothing is applied on top of a history that lacks the failed one.
   */
  #failed: unknown = undefined;
  #telemetryWarned = false;
  #done: Promise<ExecutionState>;
  #resolve!: (state: ExecutionState) => void;
  #reject!: (error: unknown) => void;

  constructor(options: EngineOptions, state?: ExecutionState) {
    this.#options = options;
    this.#state = state;
    this.#prefix = Math.floor(options.random() * 2 ** 32).toString(36);
    this.#timers = new TimerQueue(options.clock, (timer) => this.send({ type: "timer_fired", timer }));
    this.#done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#done.catch(() => {});
    // A host that replays to a final state gets no `complete` effect again: it is done already.
    if (state?.finished_at !== undefined) this.#resolve(state);
  }

  /** The current state (undefined before `execution_started`). */
  get state(): ExecutionState | undefined {
    return this.#state;
  }

  /** Resolves with the final state when the execution completes; rejects when applying an event fails. */
  get done(): Promise<ExecutionState> {
    return this.#done;
  }

  /**
   * Whether applying an event failed (see `done`): the engine takes no event any more. A host
   * stops what still runs (its tasks report to an engine that ignores them) and lets go.
   */
  get failed(): boolean {
    return this.#failed !== undefined;
  }

  /**
   * Stamps, applies and persists an event, then carries out its effects. Re-entrant calls queue.
   * Once applying an event failed (`failed`), events are dropped: their results would be recorded
   * after a gap in the history, or race a later host of the same execution.
   */
  send = (input: NewEvent): void => {
    if (this.#failed !== undefined) return;
    // Object.assign, not a spread: V8 copies events of many shapes far faster this way.
    const event = Object.assign({}, input) as ExecutionEvent;
    event.id = input.id ?? this.#nextId();
    event.at = input.at ?? this.#options.clock.now();
    this.#queue.push(event);
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (this.#queue.length > 0) this.#apply(this.#queue.shift()!);
    } catch (error) {
      this.#failed = error;
      this.#queue.length = 0;
      this.#timers.clearAll();
      this.#reject(error);
    } finally {
      this.#busy = false;
    }
    if (this.#options.onIdle && this.#state && this.#failed === undefined) this.#options.onIdle(this.#state);
  };

  /**
   * A new event id: `<prefix>-<n>`, skipping ids the state has applied. An engine restarted on a
   * saved state with the same random source makes the same prefix again, and an event under a
   * used id would be dropped as a duplicate.
   */
  #nextId(): string {
    const applied = this.#state?.applied;
    let id = `${this.#prefix}-${++this.#counter}`;
    while (applied !== undefined && Object.hasOwn(applied, id)) id = `${this.#prefix}-${++this.#counter}`;
    return id;
  }

  /** Stops the engine's timers: for a host that stops waiting before the execution completes. */
  stop(): void {
    this.#timers.clearAll();
  }

  /** Validates an event from outside (a command, a webhook) before sending it. */
  receive(input: unknown): { ok: true } | { ok: false; error: string } {
    if (this.#failed !== undefined)
      return { ok: false, error: `the engine stopped: ${errorMessage(this.#failed)}` };
    const parsed = EventSchema.safeParse(input);
    if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => i.message).join("; ") };
    this.send(parsed.data);
    return { ok: true };
  }

  #apply(event: ExecutionEvent): void {
    const { state, effects, duplicate } =
      this.#options.mode === "copy" ? reduce(this.#state, event) : applyInPlace(this.#state, event);
    if (duplicate) return;
    const rejected = effects.length === 1 && effects[0]!.type === "rejected";
    // Persisted first: when the write fails, `state` stays what the store holds (in `copy` mode;
    // `in-place` changed the one state object already, and the engine takes nothing more).
    if (!rejected && state) this.#options.store?.append(event, state, effects);
    this.#state = state;
    this.#emitTelemetry(event, effects);
    for (const effect of effects) this.#run(effect);
  }

  #run(effect: Effect): void {
    const state = this.#state!;
    const o = this.#options;
    switch (effect.type) {
      case "dispatch":
        for (const task of effect.tasks) o.runner.start(task, state, this.send);
        return;
      case "cancel":
        for (const task of effect.tasks) o.runner.cancel(task, effect.reason);
        return;
      case "start_timer":
        this.#timers.set(effect.id, effect.at);
        return;
      case "clear_timer":
        this.#timers.clear(effect.id);
        return;
      case "open_gate":
        o.gatekeeper?.open(effect, state, this.send);
        return;
      case "notify":
        o.notifier?.notify?.(effect, state);
        return;
      case "update_status":
        o.notifier?.update?.(state, effect);
        return;
      case "complete":
        this.#timers.clearAll();
        this.#resolve(state);
        return;
      case "rejected":
        return;
    }
  }

  /**
   * Hands the event's records to the telemetry sink. A sink that throws loses that record and
   * nothing else: the event is applied already, and its effects (tasks to start or cancel) must
   * still run. The first such error of an engine is reported as a process warning
   * (`ORCHESTRATE_TELEMETRY_FAILED`); later ones are dropped silently.
   */
  #emitTelemetry(event: ExecutionEvent, effects: readonly Effect[]): void {
    const sink = this.#options.telemetry;
    if (!sink || !this.#state) return;
    for (const record of telemetryOf(this.#state.id, event, effects, this.#options.secrets ?? [])) {
      try {
        sink(record);
      } catch (error) {
        this.#telemetryFailed(error);
      }
    }
  }

  #telemetryFailed(error: unknown): void {
    if (this.#telemetryWarned) return;
    this.#telemetryWarned = true;
    process.emitWarning(
      `the telemetry sink threw (${errorMessage(error)}); its records are dropped, the execution goes on`,
      { code: "ORCHESTRATE_TELEMETRY_FAILED" },
    );
  }
}
