import type { Effect } from "./effects.js";
import type { ExecutionEvent } from "./events.js";
import { type ExecutionState } from "./types.js";
/** The outcome of one event: the next state and what the host should do. */
export interface Transition {
    state: ExecutionState;
    effects: Effect[];
    /** Set when the event was applied before: nothing changed. */
    duplicate?: true;
}
/**
 * Applies one event. Pure: `state` is not changed. An event id seen before is a no-op; an event
 * that does not fit the state changes nothing and yields one `rejected` effect. Never throws.
 */
export declare function reduce(state: ExecutionState | undefined, event: ExecutionEvent): Transition;
/** Folds a whole event log into state (effects dropped). */
export declare function replay(events: Iterable<ExecutionEvent>): ExecutionState | undefined;
/**
 * The same transition as `reduce`, changing `state` (its task records included) in place. For a
 * host that owns its state and keeps no earlier snapshot or task record (the in-process runner):
 * it avoids copying per event. A rejected event leaves the state as it was, since handlers check
 * before they change anything.
 */
export declare function applyInPlace(state: ExecutionState | undefined, event: ExecutionEvent): Transition;
