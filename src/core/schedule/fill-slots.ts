import type { Ctx } from "../state/context.ts";
import { setTask, slotKeys, startPhaseTimer } from "../state/context.ts";
import { fairnessGroup } from "../state/derived.ts";
import type { EffectOf } from "../state/effects.ts";
import { fail } from "../state/task-results.ts";
import type { ExecutionState } from "../state/types.ts";
import { compareReady, readyByGroup } from "./ready-queue.ts";

/**
 * Tasks held back that dispatch passes over one by one before it goes on group by group. Most
 * calls stop long before: they fill the free slots from the head of the queue.
 */
export const SCAN_LIMIT = 64;

/** Whether a ready task may be dispatched now: yes, not yet (no free slot), or it fails at once. */
type Verdict = "go" | "wait" | "fail";

/** One call's dispatch: the free slots left and what it has dispatched or failed so far. */
interface Fill {
  ctx: Ctx;
  free: number;
  batch: EffectOf<"dispatch">["tasks"];
  failFast: string[];
  phaseLimits: Map<string, number | undefined> | undefined;
}

/**
 * Dispatches ready tasks into free slots, in ready-queue order, honouring the global,
 * per-phase and per-agent limits and each agent's circuit breaker. Emits one `dispatch`
 * effect for the batch. Nothing is dispatched once the execution ended or is halted.
 *
 * A task held back stays in the queue; a walk from its head would read every task of a group
 * with no free slot on each event. So after `SCAN_LIMIT` such tasks the walk goes on group by
 * group (`dispatchByGroup`), in the same order.
 */
export function fillSlots(ctx: Ctx): void {
  const { s } = ctx;
  if (s.status === "cancelled" || s.status === "failed" || s.status === "succeeded" || s.halt) return;
  const free = s.policy.max_concurrency - (s.inflight["*"] ?? 0);
  if (free <= 0 || s.ready.length === 0) return;
  const fill: Fill = { ctx, free, batch: [], failFast: [], phaseLimits: undefined };
  for (let i = 0; i < s.ready.length && fill.free > 0; ) {
    // s.ready[0, i) are the tasks held back so far; those dispatched left the queue.
    if (i === SCAN_LIMIT && dispatchByGroup(fill)) break;
    const id = s.ready[i]!;
    const verdict = verdictOf(fill, id);
    if (verdict === "go") dispatch(fill, id);
    else {
      if (verdict === "fail") fill.failFast.push(id);
      i++;
    }
  }
  for (const id of fill.failFast) {
    setTask(ctx, id, "queued", { attempt: s.tasks[id]!.attempt + 1 });
    fail(ctx, id, { kind: "circuit_open", message: `the circuit of agent ${s.specs[id]!.agent} is open` });
  }
  if (fill.batch.length > 0) ctx.effects.push({ type: "dispatch", tasks: fill.batch });
}

/**
 * Whether `id` may be dispatched now. The answer is the same for every task of its fairness
 * group (same slots, same agent), and within one call `wait` or `fail` never turns into `go`:
 * dispatch only fills slots.
 */
function verdictOf(fill: Fill, id: string): Verdict {
  const s = fill.ctx.s;
  const spec = s.specs[id]!;
  const circuit = s.circuits[spec.agent];
  const keys = slotKeys(s, id);
  const agentBusy = s.inflight[keys[keys.length - 1]!] ?? 0;
  if (spec.phase && !fill.phaseLimits)
    fill.phaseLimits = new Map(s.phases.map((p) => [p.id, p.max_concurrency]));
  const phaseLimit = spec.phase ? fill.phaseLimits!.get(spec.phase) : undefined;
  const agentLimit = s.agent_limits[spec.agent];
  if (circuit?.state === "open") return s.policy.circuit_breaker.on_open === "fail" ? "fail" : "wait";
  if (circuit?.state === "half_open" && agentBusy > 0) return "wait";
  if (phaseLimit !== undefined && (s.inflight[keys[1]!] ?? 0) >= phaseLimit) return "wait";
  if (agentLimit !== undefined && agentBusy >= agentLimit) return "wait";
  return "go";
}

/**
 * Goes on from the point the walk of the queue reached, merging the groups' queues by dispatch
 * order: a group that must wait is left at once, with all its tasks. Every task before that point
 * was held back, so its group still waits, or fails at once (those already failed are passed
 * over). False, and nothing done, when the queue is not in dispatch order.
 */
function dispatchByGroup(fill: Fill): boolean {
  const s = fill.ctx.s;
  const groups = readyByGroup(s);
  if (groups === undefined) return false;
  // Tasks of a group whose circuit is open and failing fast: those met so far are its first.
  const failed = new Map<string, number>();
  for (const id of fill.failFast) {
    const group = fairnessGroup(s, id);
    failed.set(group, (failed.get(group) ?? 0) + 1);
  }
  const heap = new GroupHeap(s);
  for (const [group, queue] of groups) {
    const from = failed.get(group) ?? 0;
    if (from < queue.length) heap.push({ queue, next: from });
  }
  while (heap.size > 0 && fill.free > 0) {
    const top = heap.top();
    const id = top.queue[top.next]!;
    const verdict = verdictOf(fill, id);
    if (verdict === "wait") {
      heap.pop();
      continue;
    }
    // Dispatch takes `id` out of its group's queue; a failing one stays there until this call ends.
    if (verdict === "go") dispatch(fill, id);
    else {
      fill.failFast.push(id);
      top.next++;
    }
    if (top.next < top.queue.length) heap.headChanged();
    else heap.pop();
  }
  return true;
}

/** Dispatches one ready task: a new attempt, queued for a worker. */
function dispatch(fill: Fill, id: string): void {
  const ctx = fill.ctx;
  const s = ctx.s;
  const spec = s.specs[id]!;
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
  fill.batch.push(task);
  fill.free--;
}

function startPhase(ctx: Ctx, phase: string): void {
  const before = ctx.s.phase_state[phase];
  // The first start is kept (the phase's start in reports); a new round clears its end.
  ctx.s.phase_state[phase] = { ...before, started_at: before?.started_at ?? ctx.at, finished_at: undefined };
  startPhaseTimer(ctx, phase);
}

/** A group's queue and the position of its next task not yet looked at. */
interface GroupCursor {
  queue: readonly string[];
  next: number;
}

/** A binary min-heap of groups by their next task's place in the ready queue. */
class GroupHeap {
  readonly #s: ExecutionState;
  readonly #items: GroupCursor[] = [];

  constructor(s: ExecutionState) {
    this.#s = s;
  }

  get size(): number {
    return this.#items.length;
  }

  top(): GroupCursor {
    return this.#items[0]!;
  }

  push(item: GroupCursor): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (!this.#before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): void {
    const items = this.#items;
    const last = items.pop()!;
    if (items.length === 0) return;
    items[0] = last;
    this.headChanged();
  }

  /** Restores heap order after the top's next task changed (it only moves later). */
  headChanged(): void {
    const items = this.#items;
    const n = items.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && this.#before(items[right]!, items[left]!) ? right : left;
      if (!this.#before(items[child]!, items[i]!)) return;
      [items[i], items[child]] = [items[child]!, items[i]!];
      i = child;
    }
  }

  #before(a: GroupCursor, b: GroupCursor): boolean {
    return compareReady(this.#s, a.queue[a.next]!, b.queue[b.next]!) < 0;
  }
}
