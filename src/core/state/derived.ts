import type { ExecutionState, TaskSpec } from "./types.ts";

/**
 * What the reducer derives from a task's (immutable) spec, made once per execution. A class, so
 * that every record has one shape from the start.
 */
class TaskFacts {
  /** Tasks that list this one in their needs. */
  dependents: string[] = [];
  /**
   * Slot counters held in flight: `*`, `phase:<id>` if it has a phase, `agent:<id>`. This list
   * and the group are shared by the tasks of one agent and phase.
   */
  slots: readonly string[] | undefined = undefined;
  /** Fairness group: phase and agent. */
  group: string | undefined = undefined;
  /** Timer ids of its latest attempt. */
  timers: { attempt: number; timeout: string; retry: string } | undefined = undefined;
}

/** What is derived from one `specs` object (replaced, never changed, when tasks are added). */
interface SpecIndex {
  /** The specs as `Object.values` lists them. */
  ordered: readonly TaskSpec[];
  /** The facts of each task, made on first use. */
  facts: Map<string, TaskFacts> | undefined;
}

/** One weak entry per execution, not per task: weak entries cost the garbage collector. */
const cache = new WeakMap<object, SpecIndex>();

const NONE = new TaskFacts();

/**
 * Records `specs` with its values in `Object.values` order, known to the code that made it:
 * listing the values of an object with many keys costs more than deriving the facts.
 */
export function rememberSpecs(specs: Record<string, TaskSpec>, ordered: readonly TaskSpec[]): void {
  cache.set(specs, { ordered, facts: undefined });
}

// The specs object looked up last and its index: one transition asks for them many times. It
// keeps one execution's specs alive until another execution is looked up.
let lastSpecs: object | undefined;
let lastIndex: SpecIndex | undefined;

function specIndex(specs: Record<string, TaskSpec>): SpecIndex {
  if (specs === lastSpecs) return lastIndex!;
  let index = cache.get(specs);
  if (!index) {
    index = { ordered: Object.values(specs), facts: undefined };
    cache.set(specs, index);
  }
  lastSpecs = specs;
  lastIndex = index;
  return index;
}

function factsOf(s: ExecutionState, id: string): TaskFacts {
  const index = specIndex(s.specs);
  let facts = index.facts;
  if (!facts) {
    facts = new Map();
    // Tasks of one agent and phase share their slot keys and fairness group: one string (already
    // in V8's string table after its first use as a key) rather than one per task.
    const shared = new Map<string, Map<string, Pick<TaskFacts, "slots" | "group">>>();
    for (const spec of index.ordered) {
      const phase = spec.phase || "";
      let byPhase = shared.get(spec.agent);
      if (!byPhase) {
        byPhase = new Map();
        shared.set(spec.agent, byPhase);
      }
      let group = byPhase.get(phase);
      if (!group) {
        group = { slots: slotsOf(spec), group: groupOf(spec) };
        byPhase.set(phase, group);
      }
      const f = new TaskFacts();
      f.slots = group.slots;
      f.group = group.group;
      facts.set(spec.id, f);
    }
    for (const spec of index.ordered)
      for (const need of spec.needs) facts.get(need)?.dependents.push(spec.id);
    index.facts = facts;
  }
  return facts.get(id) ?? NONE;
}

function slotsOf(spec: TaskSpec): readonly string[] {
  return spec.phase ? ["*", `phase:${spec.phase}`, `agent:${spec.agent}`] : ["*", `agent:${spec.agent}`];
}

function groupOf(spec: TaskSpec): string {
  return `${spec.phase ?? ""}\u0000${spec.agent}`;
}

/** `Object.values(specs)`, made once per specs object (do not change the list). */
export function specsInOrder(specs: Record<string, TaskSpec>): readonly TaskSpec[] {
  return specIndex(specs).ordered;
}

/** Task ids that list `id` in their needs, in plan order. */
export function dependentsOf(s: ExecutionState, id: string): readonly string[] {
  return factsOf(s, id).dependents;
}

/** The slot counters a task holds while in flight: `*`, then `phase:<id>` if it has a phase, then `agent:<id>`. */
export function slotKeys(s: ExecutionState, id: string): readonly string[] {
  return factsOf(s, id).slots ?? slotsOf(s.specs[id]!);
}

/** The fairness group of a task: its phase and agent. */
export function fairnessGroup(s: ExecutionState, id: string): string {
  return factsOf(s, id).group ?? groupOf(s.specs[id]!);
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
