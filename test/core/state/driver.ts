/** A small reducer driver for state tests: events get ids and times, effects come back per event. */
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import {
  type Effect,
  type EventInput,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
} from "../../../src/core/state/index.ts";
import type { DeliverySpec } from "../../../src/core/state/types.ts";

export interface DriverTask {
  id: string;
  agent: string;
  phase: string;
  needs?: string[];
}

/** Delivery settings of the tests unless they say otherwise. */
export const DELIVERY: DeliverySpec = {
  pr: "ready",
  merge: "auto",
  merge_method: "squash",
  environments: [],
  delete_branches: true,
  revise_phase: "testing",
  max_revisions: 2,
};

/**
 * Starts an execution of `tasks`, whose phases run one after another in the order they first
 * appear (`phase` adds fields to a phase by id); events are `step` ms apart.
 */
export function drive(options: {
  tasks: DriverTask[];
  policy?: Record<string, unknown>;
  delivery?: Partial<DeliverySpec>;
  phase?: Record<string, Record<string, unknown>>;
  /** Phases with no tasks, after those of `tasks`. */
  emptyPhases?: string[];
  step?: number;
}) {
  const step = options.step ?? 1000;
  let n = 0;
  let state: ExecutionState | undefined;
  const events: ExecutionEvent[] = [];
  const send = (input: Record<string, unknown>): Effect[] => {
    const event = EventSchema.parse({
      id: `e${++n}`,
      at: n * step,
      ...input,
    } as EventInput) as ExecutionEvent;
    events.push(event);
    const out = reduce(state, event);
    state = out.state;
    return out.effects;
  };
  const ids = [...new Set([...options.tasks.map((t) => t.phase), ...(options.emptyPhases ?? [])])];
  send({
    type: "execution_started",
    execution: "x",
    tasks: options.tasks,
    phases: ids.map((id, i) => ({
      id,
      name: id,
      needs: i ? [ids[i - 1]!] : [],
      tasks: options.tasks.filter((t) => t.phase === id).map((t) => t.id),
      parallel: true,
      ...options.phase?.[id],
    })),
    policy: { ...defaultPolicy(), ...options.policy },
    ...(options.delivery ? { delivery: { ...DELIVERY, ...options.delivery } } : {}),
  });
  const start = (id: string) => send({ type: "task_started", task: id, attempt: state!.tasks[id]!.attempt });
  const finish = (id: string, ok = true, cost?: { usd?: number; tokens?: number }) => {
    start(id);
    const attempt = state!.tasks[id]!.attempt;
    return send(
      ok
        ? { type: "task_succeeded", task: id, attempt, ...(cost ? { cost } : {}) }
        : { type: "task_failed", task: id, attempt, error: { kind: "error", message: "no" } },
    );
  };
  return {
    send,
    start,
    finish,
    events,
    get state() {
      return state!;
    },
  };
}
