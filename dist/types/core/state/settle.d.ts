import type { Ctx } from "./context.js";
/**
 * Derives the execution's status after a transition and emits `complete` exactly once, when
 * every task is final (or in-flight work settled after a halt). Reads the status counts, so it
 * does not scan the tasks but on completion and while nothing runs or is ready.
 */
export declare function settle(ctx: Ctx): void;
