import type { Ctx } from "./context.js";
import type { EventOf } from "./events.js";
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
export {};
