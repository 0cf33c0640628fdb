import type { ExecutionState } from "./types.ts";

/**
 * What the reducer derives from a task's (immutable) spec, made once per execution. A class, so
 * that every record has one shape from the start.
 */
class TaskFacts {
  /** Tasks that list this one in their needs. */
  dependents: string[] = [];
  /** Slot counters held in flight: `*`, `phase:<id>` if it has a phase, `agent:<id>`. */
  slots: readonly string[] | undefined = undefined;
  /** Fairness group: phase and agent. */
  group: string | undefined = undefined;
  /** Timer ids of its latest attempt. */
  timers: { attempt: number; timeout: string; retry: string } | undefined = undefined;
}

/**
 * Per `specs` object (replaced, never changed, when tasks are added): the facts of each task.
 * One weak entry per execution, not per task: weak entries cost the garbage collector.
 */
const cache = new WeakMap<object, Map<string, TaskFacts>>();

const NONE = new TaskFacts();

function factsOf(s: ExecutionState, id: string): TaskFacts {
  let index = cache.get(s.specs);
  if (!index) {
    index = new Map();
    const specs = Object.values(s.specs);
    for (const spec of specs) index.set(spec.id, new TaskFacts());
    for (const spec of specs) for (const need of spec.needs) index.get(need)?.dependents.push(spec.id);
    cache.set(s.specs, index);
  }
  return index.get(id) ?? NONE;
}

/** Task ids that list `id` in their needs, in plan order. */
export function dependentsOf(s: ExecutionState, id: string): readonly string[] {
  return factsOf(s, id).dependents;
}

/** The slot counters a task holds while in flight: `*`, then `phase:<id>` if it has a phase, then `agent:<id>`. */
export function slotKeys(s: ExecutionState, id: string): readonly string[] {
  const facts = factsOf(s, id);
  if (facts.slots) return facts.slots;
  const spec = s.specs[id]!;
  const slots = spec.phase
    ? ["*", `phase:${spec.phase}`, `agent:${spec.agent}`]
    : ["*", `agent:${spec.agent}`];
  if (facts !== NONE) facts.slots = slots;
  return slots;
}

/** The fairness group of a task: its phase and agent. */
export function fairnessGroup(s: ExecutionState, id: string): string {
  const facts = factsOf(s, id);
  if (facts.group !== undefined) return facts.group;
  const spec = s.specs[id]!;
  const group = `${spec.phase ?? ""}\u0000${spec.agent}`;
  if (facts !== NONE) facts.group = group;
  return group;
}

/** The ids of a task attempt's timeout and retry timers. */
export function taskTimerIds(
  s: ExecutionState,
  id: string,
  attempt: number,
): { attempt: number; timeout: string; retry: string } {
  const facts = factsOf(s, id);
  if (facts.timers?.attempt === attempt) return facts.timers;
  const timers = { attempt, timeout: `timeout:${id}:${attempt}`, retry: `retry:${id}:${attempt}` };
  if (facts !== NONE) facts.timers = timers;
  return timers;
}
