import type { Ctx } from "../state/context.ts";
import { setTask, slotKeys, startPhaseTimer } from "../state/context.ts";
import type { EffectOf } from "../state/effects.ts";
import { fail } from "../state/task-results.ts";

/**
 * Dispatches ready tasks into free slots, in ready-queue order, honouring the global,
 * per-phase and per-agent limits and each agent's circuit breaker. Emits one `dispatch`
 * effect for the batch. Nothing is dispatched once the execution ended or is halted.
 */
export function fillSlots(ctx: Ctx): void {
  const { s } = ctx;
  if (s.status === "cancelled" || s.status === "failed" || s.status === "succeeded" || s.halt) return;
  let free = s.policy.max_concurrency - (s.inflight["*"] ?? 0);
  if (free <= 0 || s.ready.length === 0) return;
  const batch: EffectOf<"dispatch">["tasks"] = [];
  const failFast: string[] = [];
  let phaseLimits: Map<string, number | undefined> | undefined;
  for (let i = 0; i < s.ready.length && free > 0; ) {
    const id = s.ready[i]!;
    const spec = s.specs[id]!;
    const circuit = s.circuits[spec.agent];
    const keys = slotKeys(s, id);
    const agentBusy = s.inflight[keys[keys.length - 1]!] ?? 0;
    if (spec.phase && !phaseLimits) phaseLimits = new Map(s.phases.map((p) => [p.id, p.max_concurrency]));
    const phaseLimit = spec.phase ? phaseLimits!.get(spec.phase) : undefined;
    const agentLimit = s.agent_limits[spec.agent];
    let blocked = false;
    if (circuit?.state === "open") {
      if (s.policy.circuit_breaker.on_open === "fail") failFast.push(id);
      blocked = true;
    } else if (circuit?.state === "half_open" && agentBusy > 0) blocked = true;
    else if (phaseLimit !== undefined && (s.inflight[keys[1]!] ?? 0) >= phaseLimit) blocked = true;
    else if (agentLimit !== undefined && agentBusy >= agentLimit) blocked = true;
    if (blocked) {
      i++;
      continue;
    }
    const t = setTask(ctx, id, "queued");
    const attempt = t.attempt + 1;
    t.attempt = attempt;
    t.queued_at = ctx.at;
    t.started_at = undefined;
    t.finished_at = undefined;
    // Where the last attempt ran is not where this one runs.
    if (t.ref !== undefined) t.ref = undefined;
    // The phase starts, or runs again after its gate sent it back (a new round of its time limit).
    const round = spec.phase ? s.phase_state[spec.phase] : undefined;
    if (spec.phase && (!round?.started_at || round.finished_at !== undefined)) startPhase(ctx, spec.phase);
    const task: EffectOf<"dispatch">["tasks"][number] = spec.phase
      ? { id, agent: spec.agent, phase: spec.phase, attempt }
      : { id, agent: spec.agent, attempt };
    if (t.feedback) task.feedback = t.feedback;
    batch.push(task);
    free--;
  }
  for (const id of failFast) {
    setTask(ctx, id, "queued", { attempt: s.tasks[id]!.attempt + 1 });
    fail(ctx, id, { kind: "circuit_open", message: `the circuit of agent ${s.specs[id]!.agent} is open` });
  }
  if (batch.length > 0) ctx.effects.push({ type: "dispatch", tasks: batch });
}

function startPhase(ctx: Ctx, phase: string): void {
  const before = ctx.s.phase_state[phase];
  // The first start is kept (the phase's start in reports); a new round clears its end.
  ctx.s.phase_state[phase] = { ...before, started_at: before?.started_at ?? ctx.at, finished_at: undefined };
  startPhaseTimer(ctx, phase);
}
