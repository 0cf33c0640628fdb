import type { ExecutionState } from "../core/state/index.js";
import type { Clock, Random } from "../ports/clock.js";
import type { EngineStore, Gatekeeper, NewEvent, Notifier, TaskRunner, Telemetry } from "../ports/engine-ports.js";
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
export declare class Engine {
    #private;
    constructor(options: EngineOptions, state?: ExecutionState);
    /** The current state (undefined before `execution_started`). */
    get state(): ExecutionState | undefined;
    /** Resolves with the final state when the execution completes; rejects when applying an event fails. */
    get done(): Promise<ExecutionState>;
    /**
     * Whether applying an event failed (see `done`): the engine takes no event any more. A host
     * stops what still runs (its tasks report to an engine that ignores them) and lets go.
     */
    get failed(): boolean;
    /**
     * Stamps, applies and persists an event, then carries out its effects. Re-entrant calls queue.
     * Once applying an event failed (`failed`), events are dropped: their results would be recorded
     * after a gap in the history, or race a later host of the same execution.
     */
    send: (input: NewEvent) => void;
    /** Stops the engine's timers: for a host that stops waiting before the execution completes. */
    stop(): void;
    /** Validates an event from outside (a command, a webhook) before sending it. */
    receive(input: unknown): {
        ok: true;
    } | {
        ok: false;
        error: string;
    };
}
