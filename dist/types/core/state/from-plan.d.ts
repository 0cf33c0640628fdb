import type { TaskGraph } from "../graph/types.js";
import type { Plan, PolicyConfig } from "../plan/schema.js";
import type { EventOf } from "./events.js";
import type { DeliverySpec } from "./types.js";
type StartBody = Omit<EventOf<"execution_started">, "id" | "at">;
/** Delivery settings with the revise phase resolved: `testing` if the plan has it, else the last phase that runs. */
export declare function deliverySpec(plan: Plan, graph: Pick<TaskGraph, "phases">): DeliverySpec;
/**
 * The `execution_started` event for a built graph: tasks, phases with their gates and policy
 * overrides, per-agent limits. `plan` is optional for graphs given directly to the library API.
 */
export declare function startEventOf(graph: Pick<TaskGraph, "tasks" | "phases">, policy: PolicyConfig, options: {
    execution: string;
    seed: number;
    plan?: Plan;
    context?: Record<string, unknown>;
    meta?: Record<string, unknown>;
}): StartBody;
export {};
