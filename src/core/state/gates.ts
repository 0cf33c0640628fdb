import { stripHidden } from "../request/sanitize.ts";
import type { Ctx } from "./context.ts";
import { clearTimer, markChanged, promote, promoteDependents, setTask, startTimer } from "./context.ts";
import { openReviewGates } from "./gate-channels.ts";
import { own } from "./own.ts";
import type { GateState, PhaseSpec } from "./types.ts";

export function phaseSpec(ctx: Ctx, phase: string): PhaseSpec | undefined {
  return ctx.s.phases.find((p) => p.id === phase);
}

function gateOf(ctx: Ctx, phase: string): GateState {
  return (
    own(ctx.s.phase_state, phase)?.gate ?? { status: "closed", approvals: [], revisions: 0, rejections: [] }
  );
}

function setGate(ctx: Ctx, phase: string, gate: GateState): void {
  const was = own(ctx.s.phase_state, phase)?.gate?.status;
  ctx.s.phase_state[phase] = { ...own(ctx.s.phase_state, phase), gate };
  markChanged(ctx, phase);
  // Whether a review decides an open gate, or a command naming it, depends on how many open
  // gates take reviews (`gate-channels.ts`): the others' check runs say it anew.
  if ((was === "open") !== (gate.status === "open") && phaseSpec(ctx, phase)?.gate?.via !== "comment")
    for (const other of openReviewGates(ctx.s)) markChanged(ctx, other);
}

/** Opens the phase's gate once all its tasks are under review (or skipped by a person). */
export function maybeOpenGate(ctx: Ctx, phase: string): void {
  const spec = phaseSpec(ctx, phase);
  if (!spec?.gate) return;
  const tasks = spec.tasks.map((id) => ctx.s.tasks[id]!);
  if (!tasks.some((t) => t.status === "under_review")) return;
  if (
    !tasks.every((t) => t.status === "under_review" || (t.status === "skipped" && t.skip_cause === "person"))
  )
    return;
  const gate = gateOf(ctx, phase);
  if (gate.status === "open") return;
  setGate(ctx, phase, { ...gate, status: "open", approvals: [], opened_at: ctx.at });
  ctx.s.phase_state[phase] = { ...own(ctx.s.phase_state, phase), finished_at: ctx.at };
  // The phase's work is done: time waiting for a person does not count against its limit (a
  // revision starts a new one).
  clearTimer(ctx, `phase_timeout:${phase}`);
  ctx.effects.push({ type: "open_gate", phase, approvers: spec.gate.approvers, revision: gate.revisions });
  if (spec.gate.sla !== undefined) {
    startTimer(ctx, {
      id: `gate_sla:${phase}:${gate.revisions}`,
      at: ctx.at + spec.gate.sla,
      kind: "gate_sla",
      phase,
    });
  }
}

/** Why an approval or rejection of `phase` does not fit, or undefined. */
export function gateMismatch(ctx: Ctx, phase: string): string | undefined {
  const spec = phaseSpec(ctx, phase);
  if (!spec) return `unknown phase "${phase}"`;
  if (!spec.gate) return `phase ${phase} has no gate`;
  const status = gateOf(ctx, phase).status;
  if (status !== "open") return `the gate of phase ${phase} is ${status}, not open`;
  return undefined;
}

/** Records one approval; at `min_approvals` the phase's tasks succeed and its dependents start. */
export function approve(
  ctx: Ctx,
  phase: string,
  approval: GateState["approvals"][number],
): string | undefined {
  const spec = phaseSpec(ctx, phase)!;
  const gate = gateOf(ctx, phase);
  if (gate.approvals.some((a) => a.by === approval.by))
    return `${approval.by} already approved phase ${phase}`;
  const approvals = [...gate.approvals, approval];
  const done = approvals.length >= spec.gate!.min_approvals;
  setGate(ctx, phase, { ...gate, approvals, status: done ? "approved" : "open" });
  ctx.s.audit.push({ at: ctx.at, by: approval.by, what: `approved phase ${phase}` });
  if (!done) return undefined;
  clearTimer(ctx, `gate_sla:${phase}:${gate.revisions}`);
  for (const id of spec.tasks) {
    if (ctx.s.tasks[id]!.status === "under_review") setTask(ctx, id, "succeeded");
  }
  for (const id of spec.tasks) promoteDependents(ctx, id);
  return undefined;
}

/**
 * Records a rejection: the phase runs again with the feedback, or, past `max_revisions`,
 * its tasks are escalated to the approvers. The feedback is the reason without hidden characters,
 * whatever channel it came through: it is given to the agents.
 */
export function reject(ctx: Ctx, phase: string, by: string, given: string): void {
  const reason = stripHidden(given);
  const spec = phaseSpec(ctx, phase)!;
  const gate = gateOf(ctx, phase);
  const revisions = gate.revisions + 1;
  const rejections = [...gate.rejections, { by, at: ctx.at, reason }];
  clearTimer(ctx, `gate_sla:${phase}:${gate.revisions}`);
  ctx.s.audit.push({ at: ctx.at, by, what: `rejected phase ${phase}: ${reason}` });
  if (revisions > spec.gate!.max_revisions) {
    setGate(ctx, phase, { ...gate, status: "escalated", approvals: [], revisions, rejections });
    for (const id of spec.tasks) {
      if (ctx.s.tasks[id]!.status === "under_review") {
        // The feedback is kept: a person's retry runs the phase again with it.
        setTask(ctx, id, "escalated", {
          reason: `revision limit (${spec.gate!.max_revisions}) reached`,
          feedback: reason,
        });
      }
    }
    ctx.effects.push({
      type: "notify",
      level: "error",
      message: `phase ${phase} was rejected ${revisions} times (limit ${spec.gate!.max_revisions}); it needs a decision`,
      mention: spec.gate!.approvers,
    });
    return;
  }
  setGate(ctx, phase, { ...gate, status: "closed", approvals: [], revisions, rejections });
  for (const id of spec.tasks) {
    const t = ctx.s.tasks[id]!;
    if (t.status !== "under_review") continue;
    setTask(ctx, id, "pending", {
      feedback: reason,
      revision: t.revision + 1,
      failures: 0,
      reason: undefined,
    });
  }
  for (const id of spec.tasks) promote(ctx, id);
}
