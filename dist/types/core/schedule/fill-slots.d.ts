import type { Ctx } from "../state/context.js";
/**
 * Dispatches ready tasks into free slots, in ready-queue order, honouring the global,
 * per-phase and per-agent limits and each agent's circuit breaker. Emits one `dispatch`
 * effect for the batch. Nothing is dispatched once the execution ended or is halted.
 */
export declare function fillSlots(ctx: Ctx): void;
