import { nextRandom } from "../policy/random.ts";
import { canRetry, retryDelay } from "../policy/retry.ts";
import { inert } from "../render/markdown.ts";
import type { Ctx } from "./context.ts";
import {
  clearTaskTimers,
  clearTimer,
  markChanged,
  promoteDependents,
  setTask,
  skipDependents,
  startTimer,
} from "./context.ts";
import { maybeOpenGate } from "./gates.ts";
import { own } from "./own.ts";
import type { Artifact } from "./types.ts";
import { IN_FLIGHT } from "./types.ts";

/** Returns why a result for (task, attempt) does not fit, or undefined when it does. */
export function resultMismatch(ctx: Ctx, task: string, attempt: number): string | undefined {
  const t = ctx.s.tasks[task];
  if (!t) return `unknown task "${task}"`;
  if (!IN_FLIGHT.has(t.status)) return `task ${task} is ${t.status}, not running`;
  if (t.attempt !== attempt) return `task ${task} is on attempt ${t.attempt}, not ${attempt}`;
  return undefined;
}

function busyUntil(ctx: Ctx, task: string): number {
  const t = ctx.s.tasks[task]!;
  return t.started_at !== undefined ? t.busy_ms + Math.max(0, ctx.at - t.started_at) : t.busy_ms;
}

/** Records a successful attempt: the task succeeds, or waits at its phase's gate. */
export function succeed(
  ctx: Ctx,
  task: string,
  result: { artifacts?: Artifact[]; summary?: string; context?: Record<string, unknown> },
): void {
  const { s } = ctx;
  const spec = s.specs[task]!;
  clearTaskTimers(ctx, task);
  const gated = spec.phase !== undefined && s.phases.some((p) => p.id === spec.phase && p.gate);
  const busy = busyUntil(ctx, task);
  // Set field by field, not as setTask's patch: this runs for every task, and Object.assign costs
  // more. The keys a record gets are the same, added in the same order.
  const t = setTask(ctx, task, gated ? "under_review" : "succeeded");
  t.finished_at = ctx.at;
  t.busy_ms = busy;
  t.artifacts = result.artifacts ?? [];
  t.summary = result.summary;
  t.failures = 0;
  t.reason = undefined;
  if (result.context) s.context = { ...s.context, ...result.context };
  const circuit = s.circuits[spec.agent];
  if (circuit && (circuit.consecutive_failures > 0 || circuit.state !== "closed")) {
    s.circuits[spec.agent] = { state: "closed", consecutive_failures: 0 };
    clearTimer(ctx, `circuit:${spec.agent}`);
  }
  // Tasks later in a sequential gated phase may start now; other dependents wait for the gate.
  promoteDependents(ctx, task);
  if (gated) maybeOpenGate(ctx, spec.phase!);
}

/** "merge conflict between a and b in f, g": the reason a conflicted task is blocked. */
export function conflictReason(tasks: readonly string[], files: readonly string[]): string {
  const where = files.length > 0 ? ` in ${files.join(", ")}` : "";
  return `merge conflict between ${tasks.join(" and ")}${where}`;
}

/**
 * Records a successful attempt whose work could not be merged into the working branch: the task
 * is blocked (not succeeded), so nothing that needs its work starts; a conflict names the tasks
 * and files (and is recorded as one), any other refusal says GitHub's reason; a person is told.
 * `retry` runs the task again on top of the work that did join.
 */
export function blockUnmerged(
  ctx: Ctx,
  task: string,
  result: { artifacts?: Artifact[]; summary?: string },
  why: { conflict?: { tasks: readonly string[]; files: readonly string[] }; unmerged?: string },
): void {
  clearTaskTimers(ctx, task);
  let reason: string;
  if (why.conflict) {
    const tasks = [task, ...why.conflict.tasks.filter((t) => t !== task)];
    reason = conflictReason(tasks, why.conflict.files);
    ctx.s.conflicts.push({ tasks, files: [...why.conflict.files], at: ctx.at });
  } else {
    reason = `the work of ${task} could not be merged into the working branch: ${why.unmerged}`;
  }
  setTask(ctx, task, "blocked", {
    finished_at: ctx.at,
    busy_ms: busyUntil(ctx, task),
    artifacts: result.artifacts ?? [],
    summary: result.summary,
    failures: 0,
    reason,
  });
  ctx.effects.push({
    type: "notify",
    level: "error",
    // Posted as a comment: file names an agent chose and git's words must not mention or close anything.
    message: `${inert(reason)}; resolve it and retry`,
    mention: [],
  });
}

/** Failure kinds of the host, not the agent: they do not count toward the agent's circuit. */
const HOST_FAILURES: ReadonlySet<string> = new Set(["circuit_open", "interrupted", "dispatch", "not_run"]);

/** Records a failed attempt: retried after a backoff while the policy allows, else final. */
export function fail(ctx: Ctx, task: string, error: { kind: string; message: string }, ran = true): void {
  const { s } = ctx;
  const spec = s.specs[task]!;
  const t = s.tasks[task]!;
  // `ran` false: the attempt is failed before it started (its phase ran out of time first).
  const wasInFlight = ran && IN_FLIGHT.has(t.status);
  clearTaskTimers(ctx, task);
  const failures = t.failures + 1;
  const errors = [...t.errors, { attempt: t.attempt, kind: error.kind, message: error.message, at: ctx.at }];
  const base = {
    finished_at: ctx.at,
    busy_ms: busyUntil(ctx, task),
    failures,
    errors,
    started_at: undefined,
  };
  // The circuit counts the agent's own failures: not an open circuit's refusal, nor the host's
  // (workers lost in a crash or restart, a dispatch GitHub refused or lost, a workflow that did
  // not start), which say nothing of the agent.
  if (wasInFlight && !HOST_FAILURES.has(error.kind)) tripCircuit(ctx, spec.agent);
  const stopping = s.status === "cancelled" || s.status === "failed" || s.halt !== undefined;
  if (!stopping && canRetry(spec, failures, error.kind)) {
    const r = nextRandom(s.rng);
    s.rng = r.state;
    const delay = error.kind === "interrupted" ? 0 : retryDelay(s.policy.retry, failures, r.value);
    if (delay <= 0) {
      setTask(ctx, task, "ready", { ...base, retry_at: undefined, reason: error.message });
      return;
    }
    setTask(ctx, task, "pending", { ...base, retry_at: ctx.at + delay, reason: error.message });
    startTimer(ctx, {
      id: `retry:${task}:${t.attempt}`,
      at: ctx.at + delay,
      kind: "retry",
      task,
      attempt: t.attempt,
    });
    return;
  }
  setTask(ctx, task, "failed", { ...base, retry_at: undefined, reason: `${error.kind}: ${error.message}` });
  if (s.policy.cancellation === "cascading") cascade(ctx, `${task} failed`);
  else skipDependents(ctx, task, "failed");
}

/** Cascading cancellation: stop everything still running or waiting; the execution fails. */
export function cascade(ctx: Ctx, why: string): void {
  cancelAll(ctx, why);
  ctx.s.status = "failed";
  ctx.s.reason = why;
}

/**
 * Cancels every task that has not finished: running attempts get a `cancel` effect. Work under
 * review is cancelled too, and the gates it waited at close: the execution stops, so nothing
 * waits for their decision. With `keepReviews`, work under review stays as it is, its gate still
 * open, for a retry to take up again without running it anew.
 */
export function cancelAll(ctx: Ctx, why: string, options: { keepReviews?: boolean } = {}): void {
  const { s } = ctx;
  const running: { id: string; attempt: number }[] = [];
  for (const [id, t] of Object.entries(s.tasks)) {
    if (
      t.status === "succeeded" ||
      t.status === "failed" ||
      t.status === "skipped" ||
      t.status === "cancelled" ||
      (t.status === "under_review" && options.keepReviews)
    )
      continue;
    if (IN_FLIGHT.has(t.status)) running.push({ id, attempt: t.attempt });
    clearTaskTimers(ctx, id);
    setTask(ctx, id, "cancelled", {
      reason: why,
      finished_at: IN_FLIGHT.has(t.status) ? ctx.at : t.finished_at,
      busy_ms: IN_FLIGHT.has(t.status) ? busyUntil(ctx, id) : t.busy_ms,
      retry_at: undefined,
    });
  }
  if (running.length > 0) ctx.effects.push({ type: "cancel", tasks: running, reason: why });
  if (options.keepReviews) return;
  for (const phase of s.phases) {
    const state = own(s.phase_state, phase.id);
    if (state?.gate?.status !== "open") continue;
    s.phase_state[phase.id] = { ...state, gate: { ...state.gate, status: "closed" } };
    clearTimer(ctx, `gate_sla:${phase.id}:${state.gate.revisions}`);
    markChanged(ctx, phase.id);
  }
}

/** Counts a failure against the agent's circuit breaker; opens it at the threshold. */
function tripCircuit(ctx: Ctx, agent: string): void {
  const { s } = ctx;
  const policy = s.policy.circuit_breaker;
  const current = s.circuits[agent] ?? { state: "closed", consecutive_failures: 0 };
  const consecutive = current.consecutive_failures + 1;
  if (current.state === "half_open" || (current.state === "closed" && consecutive >= policy.failures)) {
    s.circuits[agent] = { state: "open", consecutive_failures: consecutive, opened_at: ctx.at };
    startTimer(ctx, { id: `circuit:${agent}`, at: ctx.at + policy.cooldown, kind: "circuit", agent });
    ctx.effects.push({
      type: "notify",
      level: "warning",
      message: `agent ${agent} failed ${consecutive} times in a row; its circuit is open for ${Math.round(policy.cooldown / 1000)}s`,
      mention: [],
      topic: "circuit_open",
    });
    return;
  }
  s.circuits[agent] = { ...current, consecutive_failures: consecutive };
}
