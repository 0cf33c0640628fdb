import type { Effect, ExecutionEvent } from "../core/state/index.js";
import type { TelemetryEvent } from "../ports/engine-ports.js";
/** Telemetry records for one applied event and its effects, every message scrubbed of secrets. */
export declare function telemetryOf(execution: string, event: ExecutionEvent, effects: readonly Effect[], secrets: readonly string[]): TelemetryEvent[];
