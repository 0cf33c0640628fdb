import type { Ctx } from "./context.js";
import type { EventOf } from "./events.js";
import { type ExecutionState } from "./types.js";
type Handler<T extends "pr_opened" | "checks_completed" | "pr_merged" | "pr_not_mergeable" | "auto_merge_enabled" | "auto_merge_disabled" | "checks_missing" | "deployment_silent" | "deployment_created" | "deployment_status"> = (ctx: Ctx, event: EventOf<T>) => string | undefined;
/**
 * Called when every task succeeded: starts delivery (or goes on with it after a revision) when the
 * execution has delivery settings. Returns false when there is nothing (more) to deliver.
 */
export declare function continueDelivery(ctx: Ctx): boolean;
export declare const deliveryHandlers: {
    pr_opened: Handler<"pr_opened">;
    checks_completed: Handler<"checks_completed">;
    pr_merged: Handler<"pr_merged">;
    pr_not_mergeable: Handler<"pr_not_mergeable">;
    auto_merge_enabled: Handler<"auto_merge_enabled">;
    auto_merge_disabled: Handler<"auto_merge_disabled">;
    checks_missing: Handler<"checks_missing">;
    deployment_silent: Handler<"deployment_silent">;
    deployment_created: Handler<"deployment_created">;
    deployment_status: Handler<"deployment_status">;
};
/** What `/orchestrate retry delivery` names, when no task or phase of the execution is called so. */
export declare const DELIVERY_TARGET = "delivery";
/**
 * How many times a retry resumed this execution's delivery (0 before any). What delivery reads
 * from GitHub is keyed by it: the same head, verdict or refusal read again after a resume counts
 * anew, where before it would be a duplicate of what the stopped delivery read.
 */
export declare function deliveryRound(s: ExecutionState): number;
/**
 * When this round of delivery started: the execution's start, or the last retry that resumed
 * delivery. Deployments carry it in their mark, so a resumed delivery deploys anew rather than
 * finding the deployment that failed.
 */
export declare function deliveryStarted(s: ExecutionState): number;
/**
 * Whether a retry of `target` (everything when undefined) is for delivery: it names
 * `delivery` when no task or phase is called so, or nothing in its scope can run again
 * (`retryable` task statuses) while the execution stopped during delivery.
 */
export declare function resumesDelivery(s: ExecutionState, target: string | undefined, retryable: ReadonlySet<string>): boolean;
/**
 * A person's retry of a delivery that stopped (a deployment failed, CI stayed red past its
 * revisions, a cancel, the time limit): the execution runs again from where delivery stopped,
 * under a new time limit. Returns why it cannot, or undefined.
 */
export declare function resumeDelivery(ctx: Ctx, by: string): string | undefined;
export {};
