import { fillSlots } from "../schedule/fill-slots.ts";
import type { Ctx } from "./context.ts";
import { clearTimer, promote } from "./context.ts";
import { specsInOrder } from "./derived.ts";
import type { Effect } from "./effects.ts";
import type { ExecutionEvent } from "./events.ts";
import { handle } from "./handlers.ts";
import { own } from "./own.ts";
import { settle } from "./settle.ts";
import { DEFAULT_EXECUTION_TIMEOUT_MS, initialState } from "./start.ts";
import { type ExecutionState, TERMINAL } from "./types.ts";

/** The outcome of one event: the next state and what the host should do. */
export interface Transition {
  state: ExecutionState;
  effects: Effect[];
  /** Set when the event was applied before: nothing changed. */
  duplicate?: true;
}

/** A copy whose containers may be changed without touching `state` (task records are copied on change). */
function draftOf(state: ExecutionState): ExecutionState {
  return {
    ...state,
    tasks: { ...state.tasks },
    phase_state: { ...state.phase_state },
    circuits: { ...state.circuits },
    inflight: { ...state.inflight },
    ...(state.counts ? { counts: { ...state.counts } } : {}),
    ready: [...state.ready],
    rr: { ...state.rr },
    rr_seq: { ...state.rr_seq },
    timers: { ...state.timers },
    cost: { ...state.cost },
    conflicts: [...state.conflicts],
    audit: [...state.audit],
    applied: { ...state.applied },
  };
}

/**
 * Applies one event. Pure: `state` is not changed. An event id seen before is a no-op; an event
 * that does not fit the state changes nothing and yields one `rejected` effect. Never throws.
 */
export function reduce(state: ExecutionState | undefined, event: ExecutionEvent): Transition {
  if (state?.applied[event.id]) return { state, effects: [], duplicate: true };
  try {
    const draft = state ? draftOf(state) : undefined;
    const result = transition(draft, event, true);
    if (result.effects.length === 1 && result.effects[0]!.type === "rejected" && state)
      return { state, effects: result.effects };
    return result;
  } catch (error) {
    const reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return { state: state as ExecutionState, effects: [{ type: "rejected", event: event.id, reason }] };
  }
}

/** Folds a whole event log into state (effects dropped). */
export function replay(events: Iterable<ExecutionEvent>): ExecutionState | undefined {
  let state: ExecutionState | undefined;
  for (const event of events) state = applyInPlace(state, event).state;
  return state;
}

/**
 * The same transition as `reduce`, changing `state` (its task records included) in place. For a
 * host that owns its state and keeps no earlier snapshot or task record (the in-process runner):
 * it avoids copying per event. A rejected event leaves the state as it was, since handlers check
 * before they change anything.
 */
export function applyInPlace(state: ExecutionState | undefined, event: ExecutionEvent): Transition {
  return transition(state, event, false);
}

/** Applies `event` to `state` in place; `shared`: its task records belong to another state too. */
function transition(state: ExecutionState | undefined, event: ExecutionEvent, shared: boolean): Transition {
  if (state?.applied[event.id]) return { state, effects: [], duplicate: true };
  if (!state) {
    if (event.type !== "execution_started") {
      throw new Error(`the first event must be execution_started, not ${event.type}`);
    }
    const fresh = initialState(event);
    const ctx: Ctx = { s: fresh, at: event.at, effects: [], changed: undefined, copied: undefined };
    for (const spec of specsInOrder(fresh.specs)) promote(ctx, spec.id);
    const limit = fresh.policy.timeout.execution ?? DEFAULT_EXECUTION_TIMEOUT_MS;
    fresh.timers.execution = { id: "execution", at: event.at + limit, kind: "execution_timeout" };
    ctx.effects.push({ type: "start_timer", id: "execution", at: event.at + limit });
    return finish(ctx, event);
  }
  const ctx: Ctx = {
    s: state,
    at: event.at,
    effects: [],
    changed: undefined,
    copied: shared ? new Set() : undefined,
  };
  const rejected = handle(ctx, event);
  if (rejected !== undefined)
    return { state, effects: [{ type: "rejected", event: event.id, reason: rejected }] };
  return finish(ctx, event);
}

function finish(ctx: Ctx, event: ExecutionEvent): Transition {
  fillSlots(ctx);
  settle(ctx);
  if (isFinal(ctx.s)) for (const id of Object.keys(ctx.s.timers)) clearTimer(ctx, id);
  else if (ctx.changed) clearEndedPhaseTimers(ctx, ctx.changed);
  ctx.s.applied[event.id] = true;
  ctx.s.seq += 1;
  if (ctx.changed) ctx.effects.push({ type: "update_status", phases: changedPhases(ctx.changed) });
  return { state: ctx.s, effects: ctx.effects };
}

/**
 * A phase whose tasks all ended (succeeded, failed, skipped, cancelled) has no use for its time
 * limit: it is cleared rather than left to fire later, which a host would record as a change.
 * Looked at only for phases that changed and have one; the tasks are read from the last, which
 * in a running phase is most often one still open.
 */
function clearEndedPhaseTimers(ctx: Ctx, changed: readonly string[]): void {
  const { s } = ctx;
  for (const phase of changed) {
    if (!phase || !s.timers[`phase_timeout:${phase}`]) continue;
    const tasks = s.phases.find((p) => p.id === phase)?.tasks ?? [];
    let ended = true;
    for (let i = tasks.length - 1; i >= 0 && ended; i--) ended = TERMINAL.has(s.tasks[tasks[i]!]!.status);
    if (!ended) continue;
    clearTimer(ctx, `phase_timeout:${phase}`);
    s.phase_state[phase] = { ...own(s.phase_state, phase), finished_at: ctx.at };
  }
}

/** The phases that changed, sorted; "" (tasks without a phase) left out. */
function changedPhases(changed: string[]): string[] {
  if (changed.length === 1) return changed[0] ? changed : [];
  return changed.filter(Boolean).sort();
}

function isFinal(s: ExecutionState): boolean {
  return s.status === "succeeded" || s.status === "failed" || s.status === "cancelled";
}
