import { DEFAULT_ESTIMATE_MS } from "../graph/validate-graph.ts";
import { defaultPolicy, type PolicyConfig } from "../plan/schema.ts";
import { bottomLevels, type PriorityInput } from "../schedule/priority.ts";
import { emptyCounts } from "./context.ts";
import { rememberSpecs, specsInOrder } from "./derived.ts";
import type { EventOf } from "./events.ts";
import type { ExecutionState, PhaseSpec, TaskSpec, TaskState } from "./types.ts";

/** Default limit of one task attempt when the policy sets none. */
export const DEFAULT_TASK_TIMEOUT_MS = 60 * 60_000;
/** Default limit of a whole execution when the policy sets none. */
export const DEFAULT_EXECUTION_TIMEOUT_MS = 24 * 60 * 60_000;
export { DEFAULT_ESTIMATE_MS };

type TaskInput = EventOf<"execution_started">["tasks"][number];

/** What a phase may override for each of its tasks. */
export type PhaseLimits = Pick<
  EventOf<"execution_started">["phases"][number],
  "id" | "max_attempts" | "non_retryable" | "task_timeout_ms"
>;

/** Builds task specs: limits from the policy and phase overrides, critical-path priorities. */
export function buildSpecs(
  inputs: readonly TaskInput[],
  phases: readonly PhaseLimits[],
  policy: PolicyConfig,
  existing: Record<string, TaskSpec> = {},
): Record<string, TaskSpec> {
  const byPhase = new Map(phases.map((p) => [p.id, p]));
  const before = Object.values(existing);
  const all: PriorityInput[] = [];
  for (const t of before) all.push({ id: t.id, needs: t.needs, estimate_ms: t.estimate_ms });
  for (const t of inputs)
    all.push({ id: t.id, needs: t.needs, estimate_ms: t.estimate_ms ?? DEFAULT_ESTIMATE_MS });
  // By position in `all`: existing specs first, then the inputs.
  const { priorities, unique } = bottomLevels(all);
  const specs: Record<string, TaskSpec> = {};
  // The specs in the order they are added, which is `Object.values(specs)` order unless an id is
  // repeated or is an array index (those are listed first).
  const ordered: TaskSpec[] = [];
  let indexLike = false;
  let order = 0;
  for (let i = 0; i < before.length; i++) {
    const t = before[i]!;
    const spec = { ...t, priority: priorities[i]! };
    specs[t.id] = spec;
    ordered.push(spec);
    indexLike ||= isArrayIndex(t.id);
    order = Math.max(order, t.order + 1);
  }
  const policyTimeout = policy.timeout.task ?? DEFAULT_TASK_TIMEOUT_MS;
  // Specs never change: those of one phase share one list of non-retryable error kinds.
  const nonRetryable = new Map<string | undefined, string[]>();
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i]!;
    const phase = t.phase ? byPhase.get(t.phase) : undefined;
    let kinds = nonRetryable.get(phase?.id);
    if (!kinds) {
      kinds = [...policy.retry.non_retryable, ...(phase?.non_retryable ?? [])];
      nonRetryable.set(phase?.id, kinds);
    }
    const estimate = t.estimate_ms ?? DEFAULT_ESTIMATE_MS;
    const priority = priorities[before.length + i]!;
    const maxAttempts = phase?.max_attempts ?? policy.retry.max_attempts;
    // The phase's own limit of an attempt; its `timeout_ms` bounds the whole phase, not a task.
    const timeout = phase?.task_timeout_ms ?? policyTimeout;
    let spec: TaskSpec;
    if (!t.phase && !t.matrix && t.prompt === undefined && !t.params) {
      // The usual task, made in one literal (its fields in-object, no shape changes), keys in
      // the order specs have always had.
      spec = {
        id: t.id,
        agent: t.agent,
        needs: t.needs,
        estimate_ms: estimate,
        priority,
        order: order++,
        max_attempts: maxAttempts,
        non_retryable: kinds,
        timeout_ms: timeout,
      };
    } else {
      // Built key by key, in the same order, without spreading optional keys.
      spec = { id: t.id, agent: t.agent } as TaskSpec;
      if (t.phase) spec.phase = t.phase;
      spec.needs = t.needs;
      if (t.matrix) spec.matrix = t.matrix;
      if (t.prompt !== undefined) spec.prompt = t.prompt;
      if (t.params) spec.params = t.params;
      spec.estimate_ms = estimate;
      spec.priority = priority;
      spec.order = order++;
      spec.max_attempts = maxAttempts;
      spec.non_retryable = kinds;
      spec.timeout_ms = timeout;
    }
    specs[t.id] = spec;
    ordered.push(spec);
    indexLike ||= isArrayIndex(t.id);
  }
  if (unique && !indexLike) rememberSpecs(specs, ordered);
  return specs;
}

/** Whether `key` is an array index, which objects list before their other keys. */
function isArrayIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  if (!(c >= 48 && c <= 57)) return false;
  return /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

export function newTaskState(): TaskState {
  return {
    status: "pending",
    attempt: 0,
    failures: 0,
    revision: 0,
    busy_ms: 0,
    errors: [],
    artifacts: [],
    cost: { usd: 0, tokens: 0 },
  };
}

/**
 * The policy an `execution_started` event carries is already resolved (durations in ms);
 * missing keys take their defaults.
 */
export function resolvedPolicy(given: Partial<PolicyConfig> | undefined): PolicyConfig {
  const d = defaultPolicy();
  const p = given ?? {};
  return {
    ...d,
    ...p,
    retry: { ...d.retry, ...p.retry },
    timeout: { ...d.timeout, ...p.timeout },
    circuit_breaker: { ...d.circuit_breaker, ...p.circuit_breaker },
  };
}

/** The state right after `execution_started`, before any task is made ready. */
export function initialState(event: EventOf<"execution_started">): ExecutionState {
  const policy = resolvedPolicy(event.policy);
  const specs = buildSpecs(event.tasks, event.phases, policy);
  const phases: PhaseSpec[] = event.phases.map((p) => ({
    id: p.id,
    name: p.name,
    needs: p.needs,
    tasks: p.tasks,
    parallel: p.parallel,
    ...(p.skipped !== undefined ? { skipped: p.skipped } : {}),
    ...(p.gate ? { gate: p.gate } : {}),
    ...(p.max_concurrency !== undefined ? { max_concurrency: p.max_concurrency } : {}),
    ...(p.timeout_ms !== undefined ? { timeout_ms: p.timeout_ms } : {}),
    ...(p.task_timeout_ms !== undefined ? { task_timeout_ms: p.task_timeout_ms } : {}),
    ...(p.max_attempts !== undefined ? { max_attempts: p.max_attempts } : {}),
    ...(p.non_retryable ? { non_retryable: p.non_retryable } : {}),
  }));
  const tasks: Record<string, TaskState> = {};
  const ordered = specsInOrder(specs);
  for (const spec of ordered) tasks[spec.id] = newTaskState();
  return {
    id: event.execution,
    status: "running",
    created_at: event.at,
    policy,
    agent_limits: event.agent_limits,
    specs,
    phases,
    tasks,
    phase_state: {},
    circuits: {},
    inflight: {},
    counts: { ...emptyCounts(), pending: ordered.length },
    ready: [],
    rr: {},
    rr_seq: {},
    timers: {},
    cost: { usd: 0, tokens: 0 },
    context: event.context,
    conflicts: [],
    audit: [],
    rng: event.seed | 0,
    ...(event.delivery ? { delivery_spec: event.delivery } : {}),
    applied: {},
    seq: 0,
    meta: event.meta,
  };
}
