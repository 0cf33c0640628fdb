import type { Ctx } from "./context.ts";
import { promote, setTask } from "./context.ts";
import { own } from "./own.ts";
import { cancelAll, fail } from "./task-results.ts";
import type { Timer } from "./types.ts";
import { IN_FLIGHT } from "./types.ts";

/** What each kind of timer does when it fires. The timer is already removed from the state. */
export function onTimer(ctx: Ctx, timer: Timer): void {
  const { s } = ctx;
  switch (timer.kind) {
    case "retry": {
      const t = own(s.tasks, timer.task!);
      if (t?.status === "pending" && t.retry_at !== undefined) {
        s.tasks[timer.task!] = { ...t, retry_at: undefined };
        promote(ctx, timer.task!);
      }
      return;
    }
    case "task_timeout": {
      const t = own(s.tasks, timer.task!);
      if (!t || !IN_FLIGHT.has(t.status) || t.attempt !== timer.attempt) return;
      ctx.effects.push({
        type: "cancel",
        tasks: [{ id: timer.task!, attempt: t.attempt }],
        reason: "timed out",
      });
      fail(ctx, timer.task!, { kind: "timeout", message: `attempt ${t.attempt} exceeded its time limit` });
      return;
    }
    case "phase_timeout": {
      const phase = s.phases.find((p) => p.id === timer.phase);
      if (!phase) return;
      const running: { id: string; attempt: number }[] = [];
      for (const id of phase.tasks) {
        const t = s.tasks[id]!;
        if (IN_FLIGHT.has(t.status)) running.push({ id, attempt: t.attempt });
      }
      if (running.length > 0)
        ctx.effects.push({ type: "cancel", tasks: running, reason: `phase ${phase.id} timed out` });
      for (const id of phase.tasks) {
        const t = s.tasks[id]!;
        if (IN_FLIGHT.has(t.status) || t.status === "pending" || t.status === "ready") {
          const ran = IN_FLIGHT.has(t.status);
          if (!ran) setTask(ctx, id, "queued", { attempt: t.attempt + 1 });
          // A task that never started says nothing of its agent: its circuit is not counted.
          fail(ctx, id, { kind: "phase_timeout", message: `phase ${phase.id} exceeded its time limit` }, ran);
        }
      }
      return;
    }
    case "execution_timeout": {
      // Work waiting at a gate is kept, its gate open: a retry waits for the decision again
      // rather than running the reviewed work anew.
      const why = "the execution exceeded its time limit";
      cancelAll(ctx, why, { keepReviews: true });
      s.status = "failed";
      s.reason = why;
      return;
    }
    case "circuit": {
      const c = own(s.circuits, timer.agent!);
      if (c?.state === "open") s.circuits[timer.agent!] = { ...c, state: "half_open" };
      return;
    }
    case "gate_sla": {
      const gate = own(s.phase_state, timer.phase!)?.gate;
      if (gate?.status !== "open") return;
      const approvers = s.phases.find((p) => p.id === timer.phase)?.gate?.approvers ?? [];
      s.audit.push({
        at: ctx.at,
        by: "orchestrate",
        what: `escalated the gate of phase ${timer.phase}: past its SLA`,
      });
      ctx.effects.push({
        type: "notify",
        level: "warning",
        message: `the gate of phase ${timer.phase} has waited past its SLA`,
        mention: approvers,
      });
      return;
    }
  }
}
