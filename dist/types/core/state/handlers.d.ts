import type { Ctx } from "./context.js";
import type { ExecutionEvent } from "./events.js";
/** Applies one event to the draft. Returns why it was rejected, or undefined. Checks before changing. */
export declare function handle(ctx: Ctx, event: ExecutionEvent): string | undefined;
