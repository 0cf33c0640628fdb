import type { Ctx } from "./context.js";
import type { GateState, PhaseSpec } from "./types.js";
export declare function phaseSpec(ctx: Ctx, phase: string): PhaseSpec | undefined;
/** Opens the phase's gate once all its tasks are under review (or skipped by a person). */
export declare function maybeOpenGate(ctx: Ctx, phase: string): void;
/** Why an approval or rejection of `phase` does not fit, or undefined. */
export declare function gateMismatch(ctx: Ctx, phase: string): string | undefined;
/** Records one approval; at `min_approvals` the phase's tasks succeed and its dependents start. */
export declare function approve(ctx: Ctx, phase: string, approval: GateState["approvals"][number]): string | undefined;
/**
 * Records a rejection: the phase runs again with the feedback, or, past `max_revisions`,
 * its tasks are escalated to the approvers. The feedback is the reason without hidden characters,
 * whatever channel it came through: it is given to the agents.
 */
export declare function reject(ctx: Ctx, phase: string, by: string, given: string): void;
