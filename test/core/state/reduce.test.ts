import { describe, expect, it } from "vitest";
import { defaultPolicy, Gate } from "../../../src/core/plan/schema.ts";
import {
  type Effect,
  type EventInput,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
} from "../../../src/core/state/index.ts";

/** A tiny driver: feeds events (ids and times filled in) and keeps every effect. */
function driver(
  tasks: { id: string; agent?: string; phase?: string; needs?: string[] }[],
  opts: Record<string, unknown> = {},
) {
  let n = 0;
  let at = 0;
  let state: ExecutionState | undefined;
  const all: Effect[] = [];
  const send = (input: Record<string, unknown>): Effect[] => {
    at += 10;
    const event = EventSchema.parse({
      id: `e${++n}`,
      at,
      ...input,
    } as EventInput) as ExecutionEvent;
    const out = reduce(state, event);
    state = out.state;
    all.push(...out.effects);
    return out.effects;
  };
  const gate = Gate.parse({ approvers: ["@org/leads"], max_revisions: 1, ...(opts.gate as object) });
  const phases = (opts.phases as string[] | undefined)?.map((id, i, list) => ({
    id,
    name: id,
    needs: i > 0 ? [list[i - 1]!] : [],
    tasks: tasks.filter((t) => t.phase === id).map((t) => t.id),
    parallel: true,
    ...(id === opts.gated ? { gate } : {}),
    ...(opts.phase_limit ? { max_concurrency: opts.phase_limit } : {}),
  }));
  send({
    type: "execution_started",
    agent_limits: opts.agent_limits ?? {},
    execution: "x1",
    tasks: tasks.map((t) => ({ agent: "w", needs: [], ...t })),
    phases: phases ?? [],
    policy: { ...defaultPolicy(), ...(opts.policy as object) },
  });
  return {
    send,
    get state() {
      return state!;
    },
    effects: all,
    status: (id: string) => state!.tasks[id]!.status,
    dispatched: (effects: Effect[]) =>
      effects.flatMap((e) => (e.type === "dispatch" ? e.tasks.map((t) => t.id) : [])),
    finish: (id: string, ok = true) => {
      const attempt = state!.tasks[id]!.attempt;
      send({ type: "task_started", task: id, attempt });
      return send(
        ok
          ? { type: "task_succeeded", task: id, attempt }
          : { type: "task_failed", task: id, attempt, error: { kind: "error", message: "no" } },
      );
    },
  };
}

const rejection = (effects: Effect[]) => effects.find((e) => e.type === "rejected");

describe("reduce", () => {
  it("dispatches roots at start and dependents when their needs succeed", () => {
    const d = driver([{ id: "a" }, { id: "b", needs: ["a"] }]);
    expect(d.dispatched(d.effects)).toEqual(["a"]);
    expect(d.dispatched(d.finish("a"))).toEqual(["b"]);
    const done = d.finish("b");
    expect(done).toContainEqual({ type: "complete", status: "succeeded" });
    expect(d.state.status).toBe("succeeded");
  });

  it("treats a repeated event id as a no-op", () => {
    const d = driver([{ id: "a" }]);
    d.send({ type: "task_started", task: "a", attempt: 1 });
    const before = d.state;
    const event = EventSchema.parse({
      id: "same",
      at: 99,
      type: "task_succeeded",
      task: "a",
      attempt: 1,
    }) as ExecutionEvent;
    const first = reduce(before, event);
    const again = reduce(first.state, event);
    expect(again.state).toBe(first.state);
    expect(again.effects).toEqual([]);
  });

  it("rejects a result for a cancelled task and changes nothing", () => {
    const d = driver([{ id: "a" }, { id: "b" }]);
    d.send({ type: "cancel_requested", by: "alice" });
    const before = d.state;
    const effects = d.send({ type: "task_succeeded", task: "a", attempt: 1 });
    expect(rejection(effects)).toEqual({
      type: "rejected",
      event: expect.any(String),
      reason: "task a is cancelled, not running",
    });
    expect(d.state).toBe(before);
  });

  it("rejects a stale attempt, an unknown task, a timer that is not running, and a second start", () => {
    const d = driver([{ id: "a" }], { policy: { retry: { ...defaultPolicy().retry, jitter: false } } });
    d.finish("a", false);
    expect(rejection(d.send({ type: "task_succeeded", task: "a", attempt: 1 }))?.reason).toBe(
      "task a is pending, not running",
    );
    expect(rejection(d.send({ type: "task_started", task: "zz", attempt: 1 }))?.reason).toBe(
      'unknown task "zz"',
    );
    expect(rejection(d.send({ type: "timer_fired", timer: "nope" }))?.reason).toBe(
      "timer nope is not running",
    );
    d.send({ type: "timer_fired", timer: "retry:a:1" });
    d.send({ type: "task_started", task: "a", attempt: 2 });
    expect(rejection(d.send({ type: "task_started", task: "a", attempt: 2 }))?.reason).toBe(
      "task a attempt 2 already started",
    );
    expect(
      rejection(d.send({ type: "task_failed", task: "a", attempt: 1, error: { kind: "x", message: "" } }))
        ?.reason,
    ).toBe("task a is on attempt 2, not 1");
  });

  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "an id naming an inherited property (%s) is no task, phase or timer",
    (id) => {
      const d = driver([{ id: "s", phase: "spec" }], { phases: ["spec"], gated: "spec" });
      const before = d.state;
      const reasons = [
        { type: "skip_requested", task: id, by: "bob" },
        { type: "task_skipped", task: id },
        { type: "task_started", task: id, attempt: 1 },
        { type: "task_cancelled", task: id, attempt: 1 },
        { type: "heartbeat", task: id, attempt: 1 },
        { type: "cost_reported", task: id, usd: 1 },
        { type: "merge_conflicted", tasks: [id] },
        { type: "retry_requested", target: id, by: "bob" },
        { type: "gate_approved", phase: id, by: "bob" },
        { type: "gate_rejected", phase: id, by: "bob", reason: "no" },
        { type: "timer_fired", timer: id },
      ].map((event) => rejection(d.send(event))?.reason);
      expect(reasons).toEqual([
        ...Array(7).fill(`unknown task "${id}"`),
        `no task or phase "${id}"`,
        `unknown phase "${id}"`,
        `unknown phase "${id}"`,
        `timer ${id} is not running`,
      ]);
      expect(d.state).toBe(before);
    },
  );

  it("rejects an approval for a gate that is not open", () => {
    const d = driver([{ id: "s", phase: "spec" }], { phases: ["spec"], gated: "spec" });
    expect(rejection(d.send({ type: "gate_approved", phase: "spec", by: "bob" }))?.reason).toBe(
      "the gate of phase spec is closed, not open",
    );
    expect(rejection(d.send({ type: "gate_approved", phase: "nope", by: "bob" }))?.reason).toBe(
      'unknown phase "nope"',
    );
  });

  it("holds a gated phase under review, opens the gate, and releases dependents on approval", () => {
    const d = driver(
      [
        { id: "s1", phase: "spec" },
        { id: "s2", phase: "spec" },
        { id: "d1", phase: "dev", needs: ["s1", "s2"] },
      ],
      { phases: ["spec", "dev"], gated: "spec" },
    );
    d.finish("s1");
    expect(d.status("s1")).toBe("under_review");
    const opened = d.finish("s2");
    expect(opened).toContainEqual({
      type: "open_gate",
      phase: "spec",
      approvers: ["@org/leads"],
      revision: 0,
    });
    expect(d.state.status).toBe("waiting");
    expect(
      rejection(d.send({ type: "gate_approved", phase: "spec", by: "lead", sha: "abc" })),
    ).toBeUndefined();
    expect(d.status("s1")).toBe("succeeded");
    expect(d.dispatched(d.effects)).toContain("d1");
    expect(d.state.phase_state.spec!.gate!.approvals).toEqual([
      { by: "lead", at: expect.any(Number), sha: "abc" },
    ]);
    expect(d.state.audit.map((a) => a.what)).toContain("approved phase spec");
  });

  it("re-runs a rejected phase with the feedback, then escalates past max_revisions", () => {
    const d = driver([{ id: "s", phase: "spec" }], { phases: ["spec"], gated: "spec" });
    d.finish("s");
    const again = d.send({ type: "gate_rejected", phase: "spec", by: "lead", reason: "add rate limits" });
    expect(again).toContainEqual({
      type: "dispatch",
      tasks: [{ id: "s", agent: "w", phase: "spec", attempt: 2, feedback: "add rate limits" }],
    });
    d.finish("s");
    const escalated = d.send({ type: "gate_rejected", phase: "spec", by: "lead", reason: "still no" });
    expect(d.status("s")).toBe("escalated");
    expect(escalated.find((e) => e.type === "notify")).toMatchObject({
      level: "error",
      mention: ["@org/leads"],
    });
    expect(d.state.status).toBe("blocked");
    // A retry re-runs the phase with the last rejection's feedback, closes the gate again and
    // gives it a new revision budget: the next rejection is a revision, not an escalation.
    const retried = d.send({ type: "retry_requested", target: "spec", by: "lead" });
    expect(rejection(retried)).toBeUndefined();
    expect(retried).toContainEqual({
      type: "dispatch",
      tasks: [{ id: "s", agent: "w", phase: "spec", attempt: 3, feedback: "still no" }],
    });
    expect(d.status("s")).toBe("queued");
    expect(d.state.phase_state.spec!.gate).toMatchObject({ status: "closed", revisions: 0 });
    d.finish("s");
    const revised = d.send({ type: "gate_rejected", phase: "spec", by: "lead", reason: "almost" });
    expect(d.dispatched(revised)).toEqual(["s"]);
    expect(d.state.phase_state.spec!.gate!.rejections).toHaveLength(3);
  });

  it("a rejection's feedback loses its hidden characters, whatever sent it", () => {
    const d = driver([{ id: "s", phase: "spec" }], { phases: ["spec"], gated: "spec" });
    d.finish("s");
    const reason = "use\u200b Postgres\u{E0049}\u{E0047}\u{E004E}\n\u2062- add\u034F rate\u2028 limits\ufe0f";
    const again = d.send({ type: "gate_rejected", phase: "spec", by: "lead", reason, via: "cli" });
    // A line separator is a line break to a reader: kept as one.
    const clean = "use Postgres\n- add rate\n limits";
    expect(again).toContainEqual({
      type: "dispatch",
      tasks: [{ id: "s", agent: "w", phase: "spec", attempt: 2, feedback: clean }],
    });
    expect(d.state.phase_state.spec!.gate!.rejections.map((r) => r.reason)).toEqual([clean]);
    expect(d.state.audit.at(-1)?.what).toBe(`rejected phase spec: ${clean}`);
  });

  it("a phase's time limit does not count the wait at its gate; a revision gets a new one", () => {
    const d = driver([{ id: "s", phase: "spec" }], {
      phases: ["spec"],
      gated: "spec",
      policy: { timeout: { ...defaultPolicy().timeout, phase: 3000 } },
    });
    expect(d.state.timers["phase_timeout:spec"]).toBeDefined();
    d.finish("s");
    expect(d.state.phase_state.spec!.gate!.status).toBe("open");
    expect(d.state.timers["phase_timeout:spec"]).toBeUndefined();
    const revised = d.send({ type: "gate_rejected", phase: "spec", by: "lead", reason: "more" });
    expect(d.dispatched(revised)).toEqual(["s"]);
    const at = d.state.tasks.s!.queued_at!;
    expect(d.state.timers["phase_timeout:spec"]).toMatchObject({ at: at + 3000 });
    expect(d.state.phase_state.spec!.finished_at).toBeUndefined();
  });

  it("a retried phase that ran out of time gets a new time limit, and the ended execution a new one too", () => {
    const d = driver(
      [
        { id: "a", phase: "build" },
        { id: "b", phase: "build" },
      ],
      {
        phases: ["build"],
        policy: {
          timeout: { ...defaultPolicy().timeout, phase: 3000, execution: 60_000 },
          retry: { ...defaultPolicy().retry, max_attempts: 1 },
        },
      },
    );
    d.finish("a");
    d.send({ type: "task_started", task: "b", attempt: 1 });
    d.send({ type: "timer_fired", timer: "phase_timeout:build" });
    expect(d.status("b")).toBe("failed");
    expect(d.state.status).toBe("failed");
    expect(d.state.timers).toEqual({});
    const retried = d.send({ type: "retry_requested", target: "build", by: "lead" });
    expect(d.dispatched(retried)).toEqual(["b"]);
    const at = d.state.tasks.b!.queued_at!;
    expect(d.state.timers["phase_timeout:build"]).toMatchObject({ at: at + 3000 });
    expect(d.state.timers.execution).toMatchObject({ at: at + 60_000 });
    expect(retried).toContainEqual({ type: "start_timer", id: "phase_timeout:build", at: at + 3000 });
    expect(retried).toContainEqual({ type: "start_timer", id: "execution", at: at + 60_000 });
    d.finish("b");
    expect(d.state.status).toBe("succeeded");
  });

  it("a retry while the phase still runs replaces the old deadline, which would fail the retried task", () => {
    const d = driver(
      [
        { id: "a", phase: "build" },
        { id: "b", phase: "build" },
      ],
      {
        phases: ["build"],
        policy: {
          timeout: { ...defaultPolicy().timeout, phase: 3000 },
          retry: { ...defaultPolicy().retry, max_attempts: 1 },
          cancellation: "isolated",
        },
      },
    );
    const first = d.state.timers["phase_timeout:build"]!.at;
    const execution = d.state.timers.execution!.at;
    d.send({ type: "task_started", task: "a", attempt: 1 });
    d.finish("b", false);
    expect(d.status("a")).toBe("in_progress");
    const retried = d.send({ type: "retry_requested", target: "b", by: "lead" });
    expect(d.dispatched(retried)).toEqual(["b"]);
    const at = d.state.tasks.b!.queued_at!;
    expect(d.state.timers["phase_timeout:build"]!.at).toBe(at + 3000);
    expect(d.state.timers["phase_timeout:build"]!.at).toBeGreaterThan(first);
    // The execution's own limit was still running: it is kept.
    expect(d.state.timers.execution!.at).toBe(execution);
    expect(rejection(d.send({ type: "timer_fired", timer: "phase_timeout:build" }))).toBeUndefined();
  });

  it("budget_set above what was spent lifts the stop: dispatch goes on while work is in flight", () => {
    const d = driver([{ id: "a" }, { id: "b" }, { id: "c", needs: ["a"] }], {
      policy: { max_concurrency: 2, budget: { usd: 1 } },
    });
    d.send({ type: "task_started", task: "b", attempt: 1 });
    d.send({ type: "task_started", task: "a", attempt: 1 });
    d.send({ type: "task_succeeded", task: "a", attempt: 1, cost: { usd: 1.5 } });
    expect(d.state.halt).toBe("budget reached: $1.50 spent of $1.00");
    expect(d.status("c")).toBe("ready");
    expect(rejection(d.send({ type: "budget_set", usd: 1.5 }))?.reason).toBe(
      "a budget of $1.50 is not above the $1.50 already spent",
    );
    expect(rejection(d.send({ type: "budget_set" }))?.reason).toBe("name a budget: usd, tokens or both");
    const raised = d.send({ type: "budget_set", usd: 3, tokens: 10, by: "lead" });
    expect(d.dispatched(raised)).toEqual(["c"]);
    expect(d.state.halt).toBeUndefined();
    expect(d.state.policy.budget).toEqual({ usd: 3, tokens: 10 });
    expect(d.state.audit.at(-1)).toMatchObject({ by: "lead", what: "set the budget to $3.00 and 10 tokens" });
    // A budget still under what was used (tokens) keeps the stop.
    d.send({ type: "cost_reported", tokens: 12 });
    expect(d.state.halt).toBe("budget reached: 12 tokens used of 10");
    expect(d.send({ type: "budget_set", usd: 4 })).toContainEqual({
      type: "notify",
      level: "warning",
      message:
        "the budget is now $4.00 and 10 tokens, but the stop stays: budget reached: 12 tokens used of 10. Raise that limit too.",
      mention: [],
    });
    expect(d.state.halt).toBe("budget reached: 12 tokens used of 10");
  });

  it("a phase whose tasks all ended clears its time limit (it would fire later for nothing)", () => {
    const d = driver(
      [
        { id: "a", phase: "build" },
        { id: "b", phase: "build" },
        { id: "c", phase: "test", needs: ["a", "b"] },
      ],
      { phases: ["build", "test"], policy: { timeout: { ...defaultPolicy().timeout, phase: 3000 } } },
    );
    d.finish("a");
    expect(d.state.timers["phase_timeout:build"]).toBeDefined();
    const done = d.finish("b");
    expect(d.state.timers["phase_timeout:build"]).toBeUndefined();
    expect(done).toContainEqual({ type: "clear_timer", id: "phase_timeout:build" });
    expect(d.state.timers["phase_timeout:test"]).toBeDefined();
  });

  it("retry_requested re-opens a failed execution and its skipped dependents", () => {
    const d = driver([{ id: "a" }, { id: "b", needs: ["a"] }], {
      policy: { retry: { ...defaultPolicy().retry, max_attempts: 1 } },
    });
    d.finish("a", false);
    expect(d.state.status).toBe("failed");
    expect(d.status("b")).toBe("skipped");
    expect(rejection(d.send({ type: "retry_requested", target: "b" }))?.reason).toBe(
      "nothing to retry in b: no failed, cancelled or blocked task",
    );
    const effects = d.send({ type: "retry_requested", by: "alice" });
    expect(d.dispatched(effects)).toEqual(["a"]);
    expect(d.status("b")).toBe("pending");
    expect(d.state.status).toBe("running");
    d.finish("a");
    d.finish("b");
    expect(d.state.status).toBe("succeeded");
  });

  it("resume_requested retries in-flight attempts at once and re-arms timers", () => {
    const d = driver([{ id: "a" }, { id: "b" }]);
    d.send({ type: "task_started", task: "a", attempt: 1 });
    const effects = d.send({ type: "resume_requested" });
    expect(d.dispatched(effects).sort()).toEqual(["a", "b"]);
    expect(d.state.tasks.a!.errors[0]!.kind).toBe("interrupted");
    expect(effects.some((e) => e.type === "start_timer" && e.id === "execution")).toBe(true);
  });

  it("resume_requested with workers still running elsewhere re-runs nothing", () => {
    const d = driver([{ id: "a" }, { id: "b" }]);
    d.send({ type: "task_started", task: "a", attempt: 1 });
    const effects = d.send({ type: "resume_requested", by: "max", workers_lost: false });
    expect(d.dispatched(effects)).toEqual([]);
    expect(d.status("a")).toBe("in_progress");
    expect(d.state.tasks.a!.errors).toEqual([]);
    expect(d.state.audit).toContainEqual({
      at: expect.any(Number),
      by: "max",
      what: "resumed the execution",
    });
  });

  it("skip_requested cancels a running task and lets dependents run", () => {
    const d = driver([{ id: "a" }, { id: "b", needs: ["a"] }]);
    d.send({ type: "task_started", task: "a", attempt: 1 });
    const effects = d.send({ type: "skip_requested", task: "a", by: "alice", reason: "not needed" });
    expect(effects).toContainEqual({
      type: "cancel",
      tasks: [{ id: "a", attempt: 1 }],
      reason: "not needed",
    });
    expect(d.dispatched(effects)).toEqual(["b"]);
    expect(d.state.audit).toContainEqual({ at: expect.any(Number), by: "alice", what: "skipped a" });
  });

  it("blocks tasks named in a merge conflict and names them", () => {
    const d = driver([{ id: "a" }, { id: "b" }, { id: "c", needs: ["a", "b"] }]);
    d.finish("a");
    d.finish("b");
    // c was dispatched; a conflict found at fan-in blocks a and b.
    const effects = d.send({ type: "merge_conflicted", tasks: ["a", "b"], files: ["api.py"] });
    expect(d.status("a")).toBe("blocked");
    expect(effects.find((e) => e.type === "notify")).toMatchObject({
      message: "merge conflict between a and b in api.py; resolve it and retry",
    });
    expect(d.state.conflicts).toEqual([{ tasks: ["a", "b"], files: ["api.py"], at: expect.any(Number) }]);
  });

  it("the notice of a conflict in files an agent named mentions and closes nothing", () => {
    const d = driver([{ id: "a" }, { id: "b" }, { id: "c", needs: ["a", "b"] }]);
    d.finish("a");
    d.finish("b");
    const files = ["@acme/everyone", "fixes #1", "<!-- x"];
    const effects = d.send({ type: "merge_conflicted", tasks: ["a", "b"], files });
    expect(effects.find((e) => e.type === "notify")).toMatchObject({
      message:
        "merge conflict between a and b in @\u200bacme/everyone, f\u200bixes #1, &lt;!-- x; resolve it and retry",
    });
    // The state keeps the names as they are; renderers make them inert where they show them.
    expect(d.state.tasks.a!.reason).toBe(`merge conflict between a and b in ${files.join(", ")}`);
  });

  it("a success whose work did not merge blocks the task and holds back what needs it", () => {
    const d = driver([{ id: "a" }, { id: "b" }, { id: "c", needs: ["a", "b"] }]);
    d.finish("a");
    const effects = d.send({
      type: "task_succeeded",
      task: "b",
      attempt: 1,
      summary: "done",
      conflict: { tasks: ["a"], files: ["api.py"] },
    });
    expect(d.status("b")).toBe("blocked");
    expect(d.status("a")).toBe("succeeded");
    expect(d.status("c")).toBe("pending");
    expect(d.dispatched(effects)).toEqual([]);
    expect(d.state.tasks.b!.reason).toBe("merge conflict between b and a in api.py");
    expect(d.state.tasks.b!.summary).toBe("done");
    expect(d.state.conflicts).toEqual([{ tasks: ["b", "a"], files: ["api.py"], at: expect.any(Number) }]);
    expect(effects.find((e) => e.type === "notify")).toMatchObject({
      level: "error",
      message: "merge conflict between b and a in api.py; resolve it and retry",
    });
    expect(d.state.status).toBe("blocked");
    // retry runs b again; its success then lets c start.
    expect(d.dispatched(d.send({ type: "retry_requested", by: "ann" }))).toEqual(["b"]);
    expect(d.dispatched(d.finish("b"))).toEqual(["c"]);
  });

  it("a resume after a crash re-runs the interrupted tasks without counting them against the agent's circuit", () => {
    const d = driver([{ id: "a" }, { id: "b" }, { id: "c" }], {
      policy: { circuit_breaker: { ...defaultPolicy().circuit_breaker, failures: 2 } },
    });
    for (const id of ["a", "b", "c"]) d.send({ type: "task_started", task: id, attempt: 1 });
    const resumed = d.send({ type: "resume_requested", by: "me" });
    expect(d.dispatched(resumed).sort()).toEqual(["a", "b", "c"]);
    expect(d.state.circuits.w?.state ?? "closed").toBe("closed");
  });

  it("retry after the attempts ran out runs the task again though its agent's circuit opened", () => {
    const d = driver([{ id: "a" }, { id: "b", needs: ["a"] }], {
      policy: {
        retry: { ...defaultPolicy().retry, max_attempts: 3, initial_interval: 0, jitter: false },
        circuit_breaker: { ...defaultPolicy().circuit_breaker, failures: 3 },
      },
    });
    const notices: unknown[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      notices.push(...d.finish("a", false).filter((e) => e.type === "notify"));
      for (const [id] of Object.entries(d.state.timers))
        if (id.startsWith("retry")) d.send({ type: "timer_fired", timer: id });
    }
    expect(d.state.status).toBe("failed");
    expect(d.state.circuits.w?.state).toBe("open");
    expect(notices).toContainEqual(expect.objectContaining({ topic: "circuit_open", level: "warning" }));
    // The execution ended: the cooldown timer is gone, and only a person's retry can go on.
    expect(Object.keys(d.state.timers)).toEqual([]);
    const effects = d.send({ type: "retry_requested", by: "ann" });
    expect(d.dispatched(effects)).toEqual(["a"]);
    expect(d.state.tasks.a!.attempt).toBe(4);
    expect(d.state.circuits.w?.state).toBe("half_open");
    expect(d.dispatched(d.finish("a"))).toEqual(["b"]);
    expect(d.state.circuits.w).toEqual({ state: "closed", consecutive_failures: 0 });
  });

  it("honours per-agent and per-phase limits", () => {
    const tasks = ["d1", "d2", "d3"].map((id) => ({ id, agent: "db", phase: "p" }));
    const byAgent = driver([...tasks, { id: "w", agent: "web", phase: "p" }], {
      agent_limits: { db: 1 },
      phases: ["p"],
    });
    expect(byAgent.dispatched(byAgent.effects).sort()).toEqual(["d1", "w"]);
    expect(byAgent.dispatched(byAgent.finish("d1"))).toEqual(["d2"]);
    const byPhase = driver([...tasks, { id: "o", agent: "web" }], { phases: ["p"], phase_limit: 2 });
    expect(byPhase.dispatched(byPhase.effects).sort()).toEqual(["d1", "d2", "o"]);
  });

  it("never throws on a malformed event", () => {
    const d = driver([{ id: "a" }]);
    const out = reduce(d.state, { id: "bad", at: 1, type: "no_such_type" } as unknown as ExecutionEvent);
    expect(out.state).toBe(d.state);
    expect(out.effects[0]).toMatchObject({ type: "rejected" });
  });

  it("escalates a gate that waits past its SLA once", () => {
    const d = driver([{ id: "s", phase: "spec" }], { phases: ["spec"], gated: "spec", gate: { sla: "1h" } });
    const opened = d.finish("s");
    const timer = opened.find((e) => e.type === "start_timer" && e.id.startsWith("gate_sla"));
    expect(timer).toBeDefined();
    const fired = d.send({ type: "timer_fired", timer: (timer as { id: string }).id });
    expect(fired.find((e) => e.type === "notify")).toMatchObject({ mention: ["@org/leads"] });
    expect(rejection(d.send({ type: "timer_fired", timer: (timer as { id: string }).id }))).toBeDefined();
  });
});
