import { createScrubber } from "../core/scrub/index.ts";
import type { Effect, ExecutionEvent } from "../core/state/index.ts";
import type { TelemetryEvent } from "../ports/engine-ports.ts";

const scrubbers = new Map<string, (text: string) => string>();

function scrubberFor(secrets: readonly string[]): (text: string) => string {
  const key = secrets.join("\u0000");
  let scrub = scrubbers.get(key);
  if (!scrub) {
    scrub = createScrubber(secrets);
    scrubbers.set(key, scrub);
  }
  return scrub;
}

/** Telemetry records for one applied event and its effects, every message scrubbed of secrets. */
export function telemetryOf(
  execution: string,
  event: ExecutionEvent,
  effects: readonly Effect[],
  secrets: readonly string[],
): TelemetryEvent[] {
  const scrub = scrubberFor(secrets);
  const out: TelemetryEvent[] = [];
  // Records are literals: a spread of shared fields followed by new keys is slow to build in V8.
  const at = event.at;
  // An event the state refused did not happen: a result for a cancelled task is no success.
  if (effects.length === 1 && effects[0]!.type === "rejected") return out;
  switch (event.type) {
    case "execution_started":
      out.push({
        at,
        execution,
        type: "lifecycle",
        name: "execution_started",
        message: `${event.tasks.length} tasks`,
      });
      break;
    case "task_started":
    case "task_succeeded":
    case "task_timed_out":
    case "task_cancelled":
      out.push({ at, execution, type: "task", name: event.type, task: event.task, attempt: event.attempt });
      break;
    case "task_failed":
      out.push({
        at,
        execution,
        type: "task",
        name: "task_failed",
        task: event.task,
        attempt: event.attempt,
        message: scrub(`${event.error.kind}: ${event.error.message}`),
      });
      break;
    case "heartbeat":
      out.push({
        at,
        execution,
        type: "heartbeat",
        name: "heartbeat",
        task: event.task,
        attempt: event.attempt,
        ...(event.message ? { message: scrub(event.message) } : {}),
      });
      break;
    case "gate_approved":
      out.push({
        at,
        execution,
        type: "lifecycle",
        name: "gate_approved",
        message: `${event.phase} by ${scrub(event.by)}`,
      });
      break;
    case "gate_rejected":
      out.push({
        at,
        execution,
        type: "lifecycle",
        name: "gate_rejected",
        message: scrub(`${event.phase} by ${event.by}: ${event.reason}`),
      });
      break;
    case "timer_fired": {
      // Timeouts the engine detects itself: `timeout:<task>:<attempt>`.
      const match = /^timeout:(.+):(\d+)$/.exec(event.timer);
      if (match) {
        out.push({
          at,
          execution,
          type: "task",
          name: "task_timed_out",
          task: match[1]!,
          attempt: Number(match[2]),
          message: "exceeded its time limit",
        });
      }
      break;
    }
    default:
      break;
  }
  for (const effect of effects) {
    if (effect.type === "dispatch") {
      for (const t of effect.tasks)
        out.push({ at, execution, type: "task", name: "task_dispatched", task: t.id, attempt: t.attempt });
    } else if (effect.type === "complete") {
      out.push({
        at,
        execution,
        type: "lifecycle",
        name: `execution_${effect.status}`,
        ...(effect.reason ? { message: scrub(effect.reason) } : {}),
      });
    } else if (effect.type === "open_gate") {
      out.push({ at, execution, type: "lifecycle", name: "gate_opened", message: effect.phase });
    } else if (effect.type === "notify") {
      const notice: TelemetryEvent = {
        at,
        execution,
        type: "lifecycle",
        name: "notice",
        message: scrub(effect.message),
      };
      if (effect.topic) notice.topic = effect.topic;
      out.push(notice);
    }
  }
  return out;
}
