import type { Ctx } from "./context.js";
import type { Timer } from "./types.js";
/** What each kind of timer does when it fires. The timer is already removed from the state. */
export declare function onTimer(ctx: Ctx, timer: Timer): void;
