import type { Effect, EffectOf, ExecutionEvent, ExecutionState } from "../core/state/index.ts";

/**
 * Starts and stops task attempts. Results come back as events through `send`, possibly much
 * later (a process exit, an Actions job's result commit).
 */
export interface TaskRunner {
  start(
    task: EffectOf<"dispatch">["tasks"][number],
    state: ExecutionState,
    send: (event: NewEvent) => void,
  ): void;
  cancel(task: { id: string; attempt: number }, reason: string): void;
}

/** An event without its id and time: the engine stamps both. */
export type NewEvent = DistributiveOmit<ExecutionEvent, "id" | "at"> & { id?: string; at?: number };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Asks people to approve a phase; answers come back as `gate_approved` / `gate_rejected` events. */
export interface Gatekeeper {
  open(gate: EffectOf<"open_gate">, state: ExecutionState, send: (event: NewEvent) => void): void;
}

/** Tells people things (`notify` effects) and shows progress (`update_status`). */
export interface Notifier {
  notify?(effect: EffectOf<"notify">, state: ExecutionState): void;
  update?(state: ExecutionState, effect: EffectOf<"update_status">): void;
}

/** Persists each applied event and the state it led to, before any of its effects run. */
export interface EngineStore {
  append(event: ExecutionEvent, state: ExecutionState, effects: readonly Effect[]): void;
}

/** A telemetry record: lifecycle, task and heartbeat events, secrets already scrubbed. */
export interface TelemetryEvent {
  type: "lifecycle" | "task" | "heartbeat";
  name: string;
  at: number;
  execution: string;
  task?: string;
  attempt?: number;
  message?: string;
  /** On a `notice`: what it is about, when it is one a reader may act on (see the `notify` effect). */
  topic?: string;
}

export type Telemetry = (event: TelemetryEvent) => void;
