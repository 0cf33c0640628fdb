import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import { replay } from "../../../src/core/state/index.ts";
import { ExecutionStateSchema } from "../../../src/core/state/state-schema.ts";
import type { DeliverySpec } from "../../../src/core/state/types.ts";
import { drive } from "./driver.ts";

const TASKS = [
  { id: "build/dev", agent: "dev", phase: "build" },
  { id: "testing/qa", agent: "qa", phase: "testing", needs: ["build/dev"] },
];

const run = (policy: Record<string, unknown> = {}, delivery?: Partial<DeliverySpec>) =>
  drive({ tasks: TASKS, policy, ...(delivery ? { delivery } : {}) });

describe("time limits and budgets across revisions, retries and cancels", () => {
  it("a phase that ended and is re-run by red CI (revise) gets a new round of its time limit", () => {
    const r = run({ timeout: { ...defaultPolicy().timeout, phase: 60_000 } }, {});
    r.finish("build/dev");
    r.finish("testing/qa");
    expect(r.state.timers["phase_timeout:testing"]).toBeUndefined(); // cleared: all ended
    r.send({ type: "pr_opened", number: 1, sha: "a".repeat(40) });
    const red = r.send({
      type: "checks_completed",
      sha: "a".repeat(40),
      conclusion: "failure",
      failing: [{ name: "unit", summary: "x" }],
    });
    expect(red.some((e) => e.type === "dispatch")).toBe(true);
    expect(r.state.tasks["testing/qa"]!.status).toBe("queued");
    expect(r.state.timers["phase_timeout:testing"]).toBeDefined();
  });

  it("a cancelled execution stopped by its budget can be given a new budget, then retried", () => {
    const r = run({ budget: { usd: 1 }, max_concurrency: 2 });
    // Cost reported on the execution while build/dev is in flight stops it; then a person cancels.
    r.send({ type: "task_started", task: "build/dev", attempt: 1 });
    r.send({ type: "cost_reported", usd: 2 });
    expect(r.state.halt).toBeDefined();
    r.send({ type: "cancel_requested", by: "lead" });
    expect(r.state.status).toBe("cancelled");
    const b = r.send({ type: "budget_set", usd: 10 });
    const rt = r.send({ type: "retry_requested", by: "lead" });
    expect(b.find((e) => e.type === "rejected")).toBeUndefined();
    expect(rt.find((e) => e.type === "rejected")).toBeUndefined();
  });

  it("work done and waiting at a gate when the budget is reached is kept: its gate is decided, nothing new runs", () => {
    const tasks = [
      { id: "design/a", agent: "a", phase: "design" },
      { id: "build/b", agent: "b", phase: "build", needs: ["design/a"] },
    ];
    const gated = () =>
      drive({
        tasks,
        policy: { budget: { usd: 1 } },
        phase: {
          design: {
            gate: { approvers: [], min_approvals: 1, via: "both", max_revisions: 2, allow_requester: true },
          },
        },
      });
    const r = gated();
    // The cost reported with design/a's success reaches the budget.
    r.finish("design/a", true, { usd: 2 });
    expect(r.state.halt).toBeDefined();
    expect(r.state.tasks["design/a"]!.status).toBe("under_review");
    expect(r.state.status).toBe("waiting");
    expect(r.state.reason).toBe(r.state.halt);
    expect(r.state.finished_at).toBeUndefined();
    // Approved: design/a's work counts; build/b is not dispatched, and the execution stops.
    const approved = r.send({ type: "gate_approved", phase: "design", by: "lead" });
    expect(approved.some((e) => e.type === "dispatch")).toBe(false);
    expect(r.state.tasks["design/a"]!.status).toBe("succeeded");
    expect(r.state.tasks["build/b"]!.status).toBe("cancelled");
    expect(r.state.status).toBe("failed");
    // Or the budget is raised while the gate waits: approving then goes on.
    const raised = gated();
    raised.finish("design/a", true, { usd: 2 });
    raised.send({ type: "budget_set", usd: 10 });
    const on = raised.send({ type: "gate_approved", phase: "design", by: "lead" });
    expect(on.some((e) => e.type === "dispatch")).toBe(true);
  });

  it("a budget reached while a gated phase's other task waits to start stops the execution (its gate cannot open)", () => {
    const r = drive({
      tasks: [
        { id: "build/m0", agent: "dev", phase: "build" },
        { id: "build/m1", agent: "dev", phase: "build" },
      ],
      policy: { budget: { usd: 1 }, max_concurrency: 1 },
      phase: {
        build: {
          gate: { approvers: [], min_approvals: 1, via: "both", max_revisions: 2, allow_requester: true },
        },
      },
    });
    r.finish("build/m0", true, { usd: 2 });
    expect(r.state.status).toBe("failed");
    expect(r.state.tasks["build/m1"]!.status).toBe("cancelled");
    expect(r.state.finished_at).toBeDefined();
  });

  it("state with new fields round-trips through JSON and the schema", () => {
    const r = run({ budget: { usd: 1 } }, {});
    r.finish("build/dev", true, { usd: 2 });
    r.send({ type: "budget_set", usd: 5, tokens: 100 });
    const s = JSON.parse(JSON.stringify(r.state));
    expect(ExecutionStateSchema.parse(s)).toEqual(s);
    expect(replay(r.events)).toEqual(r.state);
  });

  it("a retry of one task while a sibling runs starts the phase's new round at once (the sibling stays bounded)", () => {
    const r = drive({
      tasks: [
        { id: "a", agent: "w", phase: "build" },
        { id: "b", agent: "w", phase: "build" },
      ],
      policy: {
        max_concurrency: 1,
        timeout: { ...defaultPolicy().timeout, phase: 60_000 },
        retry: { ...defaultPolicy().retry, max_attempts: 1 },
      },
    });
    const { send } = r;
    const state = () => r.state;
    send({ type: "task_started", task: "a", attempt: 1 });
    send({ type: "task_failed", task: "a", attempt: 1, error: { kind: "error", message: "no" } });
    expect(state().tasks.b!.status).toBe("queued");
    const first = state().timers["phase_timeout:build"]!;
    expect(first.at).toBe(r.events[0]!.at + 60_000);
    const effects = send({ type: "retry_requested", target: "a", by: "lead" });
    const retriedAt = r.events.at(-1)!.at;
    expect(state().tasks.a!.status).toBe("ready");
    expect(state().tasks.b!.status).toBe("queued");
    // b still runs in phase build under the new round's limit (from the retry), though a waits for a slot.
    expect(retriedAt).toBeGreaterThan(r.events[0]!.at);
    expect(state().timers["phase_timeout:build"]).toMatchObject({
      kind: "phase_timeout",
      at: retriedAt + 60_000,
    });
    expect(effects).toContainEqual({
      type: "start_timer",
      id: "phase_timeout:build",
      at: retriedAt + 60_000,
    });
  });
});

describe("a phase's time limit and the circuit breaker", () => {
  it("counts only tasks that ran against their agent's circuit, not the ones it fails before they start", () => {
    const tasks = ["a", "b", "c", "d"].map((m) => ({ id: `build/x@${m}`, agent: "x", phase: "build" }));
    const r = drive({
      tasks,
      policy: {
        max_concurrency: 1,
        timeout: { ...defaultPolicy().timeout, phase: 60_000 },
        retry: { ...defaultPolicy().retry, max_attempts: 1 },
        circuit_breaker: { failures: 2, cooldown: 600_000, on_open: "wait" },
      },
    });
    r.send({ type: "task_started", task: "build/x@a", attempt: 1 });
    const limit = r.state.timers["phase_timeout:build"]!;
    const fired = r.send({ type: "timer_fired", timer: "phase_timeout:build", at: limit.at });
    expect(Object.values(r.state.tasks).map((t) => t.status)).toEqual([
      "failed",
      "failed",
      "failed",
      "failed",
    ]);
    // One of the agent's attempts ran and failed: below the two that open its circuit.
    expect(r.state.circuits.x).toMatchObject({ state: "closed", consecutive_failures: 1 });
    expect(fired.some((e) => e.type === "notify" && e.message.includes("circuit"))).toBe(false);
  });
});

describe("why tasks are skipped", () => {
  it("names the task that failed for its dependents, and a skipped one for theirs", () => {
    const r = drive({
      tasks: [
        { id: "a", agent: "x", phase: "p" },
        { id: "b", agent: "x", phase: "p", needs: ["a"] },
        { id: "c", agent: "x", phase: "p", needs: ["b"] },
      ],
      policy: { cancellation: "isolated", retry: { ...defaultPolicy().retry, max_attempts: 1 } },
    });
    r.finish("a", false);
    expect(r.state.tasks.b!.reason).toBe("needs a, which failed");
    expect(r.state.tasks.c!.reason).toBe("needs b, which was skipped");
  });
});
