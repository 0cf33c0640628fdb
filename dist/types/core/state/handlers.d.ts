import type { Ctx } from "./context.js";
import type { ExecutionEvent } from "./events.js";
/**
 * Applies one event to the draft. Returns why it was rejected, or undefined. Checks before changing.
 * The task an event names must be one of the execution's own, checked here for every handler: a
 * name such as `constructor` would otherwise find a property every object inherits.
 */
export declare function handle(ctx: Ctx, event: ExecutionEvent): string | undefined;
