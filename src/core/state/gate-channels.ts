import { own } from "./own.ts";
import type { ExecutionState } from "./types.ts";

/**
 * How a person decides each open gate. A gate's `via` says whether a pull request review
 * (`review`), a command or check run button (`comment`), or either (`both`) decides it. A review
 * names no phase: it decides the one open gate that takes reviews. While several such gates are
 * open at once, a review cannot say which it is for, so each of them takes commands naming the
 * phase (and its buttons) too, whatever its `via`: otherwise a `via: review` gate could never be
 * decided.
 */

/** Phases whose gate is open, in plan order. */
export function openGates(state: ExecutionState): string[] {
  return state.phases.filter((p) => own(state.phase_state, p.id)?.gate?.status === "open").map((p) => p.id);
}

/** Open gates a pull request review may decide (`via: review` or `both`), in plan order. */
export function openReviewGates(state: ExecutionState): string[] {
  return openGates(state).filter((id) => state.phases.find((p) => p.id === id)?.gate?.via !== "comment");
}

/** Whether a pull request review decides `phase`'s open gate: it takes reviews and is the only open one that does. */
export function reviewDecides(state: ExecutionState, phase: string): boolean {
  const gates = openReviewGates(state);
  return gates.length === 1 && gates[0] === phase;
}

/**
 * Whether a command naming `phase` (or a check run button) decides its gate: it takes comments,
 * or several open gates take reviews, so a review could not say it is for this one.
 */
export function commandDecides(state: ExecutionState, phase: string): boolean {
  const via = state.phases.find((p) => p.id === phase)?.gate?.via;
  if (via === undefined) return false;
  return via !== "review" || openReviewGates(state).length > 1;
}
