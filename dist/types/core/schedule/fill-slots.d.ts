import type { Ctx } from "../state/context.js";
/**
 * Tasks held back that dispatch passes over one by one before it goes on group by group. Most
 * calls stop long before: they fill the free slots from the head of the queue.
 */
export declare const SCAN_LIMIT = 64;
/**
 * Dispatches ready tasks into free slots, in ready-queue order, honouring the global,
 * per-phase and per-agent limits and each agent's circuit breaker. Emits one `dispatch`
 * effect for the batch. Nothing is dispatched once the execution ended or is halted.
 *
 * A task held back stays in the queue; a walk from its head would read every task of a group
 * with no free slot on each event. So after `SCAN_LIMIT` such tasks the walk goes on group by
 * group (`dispatchByGroup`), in the same order.
 */
export declare function fillSlots(ctx: Ctx): void;
