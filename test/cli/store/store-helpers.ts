import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionStore } from "../../../src/cli/store/execution-store.ts";
import { defaultPolicy, Gate } from "../../../src/core/plan/schema.ts";
import {
  type EventInput,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
} from "../../../src/core/state/index.ts";

export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), "orchestrate-store-"));
}

type Body = Record<string, unknown> & { type: string };

/** Feeds real events through `reduce` and persists each applied one, as the engine does. */
export class Recorder {
  readonly store: ExecutionStore;
  readonly events: ExecutionEvent[] = [];
  state: ExecutionState | undefined;
  #n = 0;
  #at: number;

  constructor(store: ExecutionStore, startAt = 1_700_000_000_000) {
    this.store = store;
    this.#at = startAt;
  }

  /** Applies one event; a rejected one fails the test's setup. */
  send(body: Body): ExecutionState {
    this.#at += 1000;
    const event = EventSchema.parse({ id: `e${++this.#n}`, at: this.#at, ...body } as EventInput);
    const out = reduce(this.state, event);
    const rejected = out.effects.find((e) => e.type === "rejected");
    if (rejected) throw new Error(`event ${body.type} rejected: ${JSON.stringify(rejected)}`);
    this.state = out.state;
    this.events.push(event);
    this.store.append(event, out.state);
    return out.state;
  }

  /** Starts an execution of tasks `a` and `b` (phase `build`, gated), then `c` (phase `ship`). */
  start(): ExecutionState {
    return this.send({
      type: "execution_started",
      execution: this.store.id,
      tasks: [
        { id: "build/a", agent: "w", phase: "build", needs: [] },
        { id: "build/b", agent: "w", phase: "build", needs: [] },
        { id: "ship/c", agent: "v", phase: "ship", needs: [] },
      ],
      phases: [
        {
          id: "build",
          name: "Build",
          needs: [],
          tasks: ["build/a", "build/b"],
          parallel: true,
          gate: Gate.parse({}),
        },
        { id: "ship", name: "Ship", needs: ["build"], tasks: ["ship/c"], parallel: true },
      ],
      policy: { ...defaultPolicy(), retry: { ...defaultPolicy().retry, max_attempts: 2 } },
      meta: { request: { title: "a store test" } },
    });
  }

  attempt(task: string): number {
    return this.state!.tasks[task]!.attempt;
  }

  /** A run with a success, a failure and its retry, a gate and costs: many state fields set. */
  fullRun(): ExecutionState {
    this.start();
    this.send({ type: "task_started", task: "build/a", attempt: 1 });
    this.send({
      type: "task_succeeded",
      task: "build/a",
      attempt: 1,
      artifacts: [{ name: "out", path: "out.txt", bytes: 3 }],
      cost: { usd: 0.5, tokens: 100 },
      summary: "built",
      context: { "build.outputs": ["out.txt"] },
    });
    this.send({ type: "task_started", task: "build/b", attempt: 1 });
    this.send({
      type: "task_failed",
      task: "build/b",
      attempt: 1,
      error: { kind: "error", message: "boom" },
    });
    const retry = Object.values(this.state!.timers).find((t) => t.kind === "retry");
    if (retry) this.send({ type: "timer_fired", timer: retry.id });
    this.send({ type: "task_started", task: "build/b", attempt: this.attempt("build/b") });
    this.send({ type: "task_succeeded", task: "build/b", attempt: this.attempt("build/b") });
    this.send({ type: "gate_approved", phase: "build", by: "lead" });
    this.send({ type: "cost_reported", usd: 0.25, tokens: 10 });
    this.send({ type: "task_started", task: "ship/c", attempt: 1 });
    return this.send({ type: "task_succeeded", task: "ship/c", attempt: 1 });
  }
}

/** File names in a folder, sorted. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}
