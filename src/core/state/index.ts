export type { Effect, EffectOf } from "./effects.ts";
export { EffectSchema } from "./effects.ts";
export type { EventInput, EventOf, EventType, ExecutionEvent } from "./events.ts";
export { EventSchema } from "./events.ts";
export { own } from "./own.ts";
export { applyInPlace, reduce, replay, type Transition } from "./reduce.ts";
export { DEFAULT_ESTIMATE_MS, DEFAULT_TASK_TIMEOUT_MS, resolvedPolicy } from "./start.ts";
export { ExecutionStateSchema } from "./state-schema.ts";
export * from "./types.ts";
