import { describe, expect, it } from "vitest";
import { buildGraph } from "../../../src/core/graph/build-graph.ts";
import { EMPTY_REPO, factsOf } from "../../../src/core/plan/facts.ts";
import { parseRequest } from "../../../src/core/request/parse-request.ts";
import { startEventOf } from "../../../src/core/state/from-plan.ts";
import {
  type Effect,
  type EventInput,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
  replay,
} from "../../../src/core/state/index.ts";
import { ExecutionStateSchema } from "../../../src/core/state/state-schema.ts";
import { loadOk, yaml } from "../plan/helpers.ts";

const MINUTE = 60_000;
const FACTS = factsOf(parseRequest({ body: "Project: shop" }, { now: 0 }), EMPTY_REPO);

/** The `execution_started` event of a plan whose policy sets `timeout.task: 60m` and whose phase `build` sets `timeout`. */
function startOf(phaseTimeout: string): ExecutionEvent {
  const plan = loadOk(
    yaml(
      "version: 1",
      "agents:",
      "  a: { run: ./a.sh }",
      "policy:",
      "  timeout: { task: 60m }",
      "phases:",
      "  - id: build",
      "    agents: [a]",
      "    policy:",
      `      timeout: ${phaseTimeout}`,
    ),
  );
  const built = buildGraph(plan, FACTS);
  if (!built.ok) expect.fail(JSON.stringify(built.problems));
  const body = startEventOf(built.graph, plan.policy, { execution: "x", seed: 1, plan });
  return EventSchema.parse({ id: "start", at: 0, ...body } as EventInput) as ExecutionEvent;
}

/** The timers its first attempt's start arms: the attempt's limit and the phase's, in minutes from 0. */
function limitsOf(state: ExecutionState, effects: Effect[]): { task?: number; phase?: number } {
  const at = (id: string) => {
    const timer = effects.find((e) => e.type === "start_timer" && e.id === id);
    return timer?.type === "start_timer" ? timer.at / MINUTE : (state.timers[id]?.at ?? NaN) / MINUTE;
  };
  return { task: at("timeout:build/a:1"), phase: at("phase_timeout:build") };
}

function run(phaseTimeout: string) {
  const start = startOf(phaseTimeout);
  const first = reduce(undefined, start);
  const started = reduce(
    first.state,
    EventSchema.parse({
      id: "s",
      at: 0,
      type: "task_started",
      task: "build/a",
      attempt: 1,
    } as EventInput) as ExecutionEvent,
  );
  return { start, state: started.state, effects: [...first.effects, ...started.effects] };
}

describe("a phase's time limits", () => {
  it("timeout.task limits each attempt of the phase's tasks", () => {
    const r = run("{ task: 5m }");
    expect(r.state.specs["build/a"]!.timeout_ms).toBe(5 * MINUTE);
    expect(limitsOf(r.state, r.effects)).toEqual({ task: 5, phase: NaN });
  });

  it("timeout.phase limits the phase; its tasks keep the policy's attempt limit", () => {
    const r = run("{ phase: 3h }");
    expect(r.state.specs["build/a"]!.timeout_ms).toBe(60 * MINUTE);
    expect(limitsOf(r.state, r.effects)).toEqual({ task: 60, phase: 180 });
  });

  it("both: the attempt limit from timeout.task, the phase limit from timeout.phase", () => {
    const r = run("{ task: 5m, phase: 3h }");
    expect(r.state.specs["build/a"]!.timeout_ms).toBe(5 * MINUTE);
    expect(r.state.phases[0]).toMatchObject({ timeout_ms: 180 * MINUTE, task_timeout_ms: 5 * MINUTE });
    expect(limitsOf(r.state, r.effects)).toEqual({ task: 5, phase: 180 });
  });

  it("a state saved before a phase could set its attempt limit loads and keeps the limits it started with", () => {
    // As an older version saved it: the phase limit also became each task's limit, and phases
    // had no task_timeout_ms.
    const r = run("{ phase: 3h }");
    const old = JSON.parse(JSON.stringify(r.state)) as ExecutionState;
    old.specs["build/a"]!.timeout_ms = 180 * MINUTE;
    expect(old.phases[0]).not.toHaveProperty("task_timeout_ms");
    expect(ExecutionStateSchema.safeParse(old).success).toBe(true);
    let state = old;
    const send = (input: Record<string, unknown>) => {
      const out = reduce(state, EventSchema.parse({ at: MINUTE, ...input } as EventInput) as ExecutionEvent);
      state = out.state;
      return out.effects;
    };
    send({ id: "f", type: "task_failed", task: "build/a", attempt: 1, error: { kind: "x", message: "no" } });
    const retry = Object.values(state.timers).find((t) => t.kind === "retry")!;
    send({ id: "r", type: "timer_fired", timer: retry.id });
    const effects = send({ id: "s2", type: "task_started", task: "build/a", attempt: 2 });
    expect(effects).toContainEqual({
      type: "start_timer",
      id: "timeout:build/a:2",
      at: MINUTE + 180 * MINUTE,
    });
  });

  it("a log written before a phase could set its attempt limit replays: its tasks take the policy's", () => {
    const r = run("{ phase: 3h }");
    expect(r.start).not.toHaveProperty("phases.0.task_timeout_ms");
    const log = [
      r.start,
      EventSchema.parse({ id: "s", at: 0, type: "task_started", task: "build/a", attempt: 1 }),
    ];
    const replayed = replay(log as ExecutionEvent[])!;
    expect(replayed).toEqual(r.state);
    expect(replayed.specs["build/a"]!.timeout_ms).toBe(60 * MINUTE);
  });
});
