import { describe, expect, it } from "vitest";
import type { Effect } from "../../../src/core/state/index.ts";
import { drive } from "./driver.ts";

const GATE = { approvers: [], min_approvals: 1, via: "both", max_revisions: 2, allow_requester: true };

/** design (gated: one task, or `designers` of them) → build. */
const gated = (designers = ["a"]) =>
  drive({
    tasks: [
      ...designers.map((a) => ({ id: `design/${a}`, agent: a, phase: "design" })),
      { id: "build/b", agent: "b", phase: "build", needs: designers.map((a) => `design/${a}`) },
    ],
    phase: { design: { gate: GATE } },
  });

const refusal = (effects: Effect[]) => effects.flatMap((e) => (e.type === "rejected" ? [e.reason] : []));
const dispatched = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === "dispatch" ? e.tasks.map((t) => `${t.id}#${t.attempt}`) : []));

describe("what a person may do to work waiting at a gate", () => {
  it("a task under review is not skipped: its gate decides it, and what needs it does not start", () => {
    const r = gated();
    r.finish("design/a");
    expect(r.state.phase_state.design!.gate!.status).toBe("open");
    const skipped = r.send({ type: "skip_requested", task: "design/a", by: "will" });
    expect(refusal(skipped)).toEqual([
      "task design/a is under review: the gate of phase design decides it (approve the phase, or reject it with what should change)",
    ]);
    expect(dispatched(skipped)).toEqual([]);
    expect(r.state.tasks["design/a"]!.status).toBe("under_review");
    expect(r.state.tasks["build/b"]!.status).toBe("pending");
    // The same for a skip recorded by a host, and for a task under review before its gate opens.
    expect(refusal(r.send({ type: "task_skipped", task: "design/a", by: "host" }))).toHaveLength(1);
    const sequential = gated(["a", "c"]);
    sequential.finish("design/a");
    expect(sequential.state.phase_state.design?.gate?.status ?? "closed").toBe("closed");
    expect(refusal(sequential.send({ type: "skip_requested", task: "design/a", by: "will" }))).toHaveLength(
      1,
    );
    // Approved, the phase's work goes on.
    expect(dispatched(r.send({ type: "gate_approved", phase: "design", by: "lead" }))).toEqual(["build/b#1"]);
  });

  it("a task of a gated phase skipped before it runs opens the gate on the others", () => {
    const r = gated(["a", "c"]);
    r.finish("design/a");
    expect(refusal(r.send({ type: "skip_requested", task: "design/c", by: "lead" }))).toEqual([]);
    expect(r.state.phase_state.design!.gate!.status).toBe("open");
    expect(r.state.tasks["build/b"]!.status).toBe("pending");
  });
});

describe("a gate of an execution that ended", () => {
  it("closes when the execution is cancelled, and takes no approval or rejection after", () => {
    const r = gated();
    r.finish("design/a");
    r.send({ type: "cancel_requested", by: "lead" });
    expect(r.state.status).toBe("cancelled");
    expect(r.state.phase_state.design!.gate!.status).toBe("closed");
    const audit = [...r.state.audit];
    expect(refusal(r.send({ type: "gate_approved", phase: "design", by: "lead" }))).toEqual([
      "the execution has ended",
    ]);
    expect(refusal(r.send({ type: "gate_rejected", phase: "design", by: "lead", reason: "no" }))).toEqual([
      "the execution has ended",
    ]);
    expect(r.state.audit).toEqual(audit);
    expect(r.state.status).toBe("cancelled");
  });

  it("stopped by the execution's time limit keeps the work under review; a retry waits for the decision again", () => {
    const r = gated();
    r.finish("design/a");
    const limit = r.state.timers.execution!;
    const fired = r.send({ type: "timer_fired", timer: "execution", at: limit.at });
    expect(fired.some((e) => e.type === "complete")).toBe(true);
    expect(r.state).toMatchObject({ status: "failed", reason: "the execution exceeded its time limit" });
    expect(r.state.tasks["design/a"]!.status).toBe("under_review");
    expect(r.state.tasks["build/b"]!.status).toBe("cancelled");
    expect(refusal(r.send({ type: "gate_approved", phase: "design", by: "lead" }))).toEqual([
      "the execution has ended",
    ]);
    // The retry runs nothing of the reviewed work: the gate waits, and its approval goes on.
    const retried = r.send({ type: "retry_requested", by: "lead" });
    expect(refusal(retried)).toEqual([]);
    expect(dispatched(retried)).toEqual([]);
    expect(r.state).toMatchObject({ status: "waiting", finished_at: undefined });
    expect(r.state.tasks["design/a"]).toMatchObject({ status: "under_review", attempt: 1 });
    expect(r.state.phase_state.design!.gate!.status).toBe("open");
    expect(dispatched(r.send({ type: "gate_approved", phase: "design", by: "lead" }))).toEqual(["build/b#1"]);
  });

  it("a retry takes up an ended execution whose only work left waits at a gate, with the gate's SLA counting again", () => {
    const r = drive({
      tasks: [{ id: "design/a", agent: "a", phase: "design" }],
      phase: { design: { gate: { ...GATE, sla: 3_600_000 } } },
    });
    r.finish("design/a");
    const limit = r.state.timers.execution!;
    r.send({ type: "timer_fired", timer: "execution", at: limit.at });
    expect(r.state).toMatchObject({ status: "failed" });
    expect(r.state.timers).toEqual({});
    const retried = r.send({ type: "retry_requested", by: "lead", at: limit.at + 60_000 });
    expect(refusal(retried)).toEqual([]);
    expect(r.state).toMatchObject({ status: "waiting", finished_at: undefined });
    expect(r.state.timers["gate_sla:design:0"]).toMatchObject({ at: limit.at + 60_000 + 3_600_000 });
    expect(r.state.timers.execution).toBeDefined();
    r.send({ type: "gate_approved", phase: "design", by: "lead" });
    expect(r.state.status).toBe("succeeded");
    // Nothing is left to take up once it succeeded.
    expect(refusal(r.send({ type: "retry_requested", by: "lead" }))).toHaveLength(1);
  });
});
