export type { Effect, EffectOf } from "./effects.js";
export { EffectSchema } from "./effects.js";
export type { EventInput, EventOf, EventType, ExecutionEvent } from "./events.js";
export { EventSchema } from "./events.js";
export { own } from "./own.js";
export { applyInPlace, reduce, replay, type Transition } from "./reduce.js";
export { DEFAULT_ESTIMATE_MS, DEFAULT_TASK_TIMEOUT_MS, resolvedPolicy } from "./start.js";
export { ExecutionStateSchema } from "./state-schema.js";
export * from "./types.js";
