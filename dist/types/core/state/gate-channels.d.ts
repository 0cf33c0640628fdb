import type { ExecutionState } from "./types.js";
/**
 * How a person decides each open gate. A gate's `via` says whether a pull request review
 * (`review`), a command or check run button (`comment`), or either (`both`) decides it. A review
 * names no phase: it decides the one open gate that takes reviews. While several such gates are
 * open at once, a review cannot say which it is for, so each of them takes commands naming the
 * phase (and its buttons) too, whatever its `via`: otherwise a `via: review` gate could never be
 * decided.
 */
/** Phases whose gate is open, in plan order. */
export declare function openGates(state: ExecutionState): string[];
/** Open gates a pull request review may decide (`via: review` or `both`), in plan order. */
export declare function openReviewGates(state: ExecutionState): string[];
/** Whether a pull request review decides `phase`'s open gate: it takes reviews and is the only open one that does. */
export declare function reviewDecides(state: ExecutionState, phase: string): boolean;
/**
 * Whether a command naming `phase` (or a check run button) decides its gate: it takes comments,
 * or several open gates take reviews, so a review could not say it is for this one.
 */
export declare function commandDecides(state: ExecutionState, phase: string): boolean;
