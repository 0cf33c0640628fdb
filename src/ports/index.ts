export type { Clock, Random } from "./clock.ts";
export { systemClock } from "./clock.ts";
export type {
  EngineStore,
  Gatekeeper,
  Notifier,
  TaskRunner,
  Telemetry,
  TelemetryEvent,
} from "./engine-ports.ts";
