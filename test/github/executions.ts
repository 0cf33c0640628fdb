/** Real executions for the GitHub port tests, built with the core reducer. */
import { defaultPolicy } from "../../src/core/plan/schema.ts";
import {
  type EventInput,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
} from "../../src/core/state/index.ts";

/** An execution being driven: its state and every event applied so far. */
export interface Driven {
  state: ExecutionState;
  events: ExecutionEvent[];
  /** Applies more events (ids and times filled in); returns the new ones. */
  send(...inputs: Record<string, unknown>[]): ExecutionEvent[];
}

/** Starts an execution `o/r#<issue>` with tasks `a` → `b`. */
export function startExecution(issue = 12): Driven {
  let n = 0;
  let state: ExecutionState | undefined;
  const events: ExecutionEvent[] = [];
  const driven: Driven = {
    get state() {
      return state!;
    },
    events,
    send(...inputs) {
      const added: ExecutionEvent[] = [];
      for (const input of inputs) {
        n++;
        const event = EventSchema.parse({
          id: `i${issue}-e${n}`,
          at: 1_700_000_000_000 + n * 1000,
          ...input,
        } as EventInput);
        state = reduce(state, event).state;
        events.push(event);
        added.push(event);
      }
      return added;
    },
  };
  driven.send({
    type: "execution_started",
    execution: `o/r#${issue}`,
    tasks: [
      { id: "a", agent: "dev" },
      { id: "b", agent: "dev", needs: ["a"] },
    ],
    policy: defaultPolicy(),
  });
  return driven;
}
