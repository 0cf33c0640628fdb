import { z } from "zod";

/**
 * Runtime validation of a stored `ExecutionState` (the `state.json` of an execution). It checks the
 * shape the engine relies on; objects are `z.object`, so keys it does not know are accepted (and left
 * out of `parse`'s output: a caller that must keep them validates with `safeParse` and keeps its own
 * value). Durations are numbers of milliseconds, as the reducer stores them: no unit strings here.
 */

const TASK_STATUSES = [
  "pending",
  "ready",
  "queued",
  "in_progress",
  "under_review",
  "blocked",
  "escalated",
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
] as const;

const EXECUTION_STATUSES = [
  "running",
  "waiting",
  "blocked",
  "delivering",
  "succeeded",
  "failed",
  "cancelled",
] as const;

const DeliverySpecShape = z.object({
  pr: z.enum(["ready", "draft"]),
  merge: z.enum(["auto", "manual", "off"]),
  merge_method: z.enum(["squash", "merge", "rebase"]),
  environments: z.array(z.string()),
  delete_branches: z.boolean(),
  revise_phase: z.string().optional(),
  max_revisions: z.number(),
});

const DeliveryStateShape = z.object({
  status: z.enum([
    "opening_pr",
    "awaiting_checks",
    "revising",
    "merging",
    "awaiting_merge",
    "conflict",
    "deploying",
    "done",
  ]),
  pr: z.number().optional(),
  sha: z.string().optional(),
  since: z.number().optional(),
  merged_sha: z.string().optional(),
  auto_merge: z.enum(["on", "off"]).optional(),
  auto_merge_rounds: z.number().int().nonnegative().optional(),
  revisions: z.number(),
  environment: z.number().optional(),
  deployments: z.record(
    z.string(),
    z.object({ id: z.number().optional(), state: z.string(), at: z.number().optional() }),
  ),
  failing: z.array(z.object({ name: z.string(), summary: z.string() })).optional(),
});

const TIMER_KINDS = [
  "retry",
  "task_timeout",
  "phase_timeout",
  "execution_timeout",
  "circuit",
  "gate_sla",
] as const;

const Ms = z.number();
const Count = z.number();
const Strings = z.array(z.string());
const Dict = z.record(z.string(), z.unknown());

const CostShape = z.object({ usd: z.number(), tokens: z.number() });

/** The resolved policy: `PolicyConfig` with every duration in milliseconds. */
const PolicyShape = z.object({
  max_concurrency: Count,
  retry: z.object({
    max_attempts: Count,
    backoff: z.enum(["exponential", "fixed"]),
    initial_interval: Ms,
    max_interval: Ms.optional(),
    backoff_coefficient: z.number(),
    jitter: z.boolean(),
    non_retryable: Strings,
  }),
  timeout: z.object({ task: Ms.optional(), phase: Ms.optional(), execution: Ms.optional() }),
  cancellation: z.enum(["isolated", "cascading"]),
  fairness: z.enum(["round_robin", "shortest_first"]),
  budget: z.object({ usd: z.number().optional(), tokens: z.number().optional() }).optional(),
  circuit_breaker: z.object({
    failures: Count,
    cooldown: Ms,
    on_open: z.enum(["wait", "fail"]),
  }),
});

const GateShape = z.object({
  approvers: Strings,
  min_approvals: Count,
  via: z.enum(["review", "comment", "both"]),
  max_revisions: Count,
  sla: Ms.optional(),
  allow_requester: z.boolean(),
});

const TaskSpecShape = z.object({
  id: z.string(),
  agent: z.string(),
  phase: z.string().optional(),
  needs: Strings,
  matrix: z.record(z.string(), z.string()).optional(),
  prompt: z.string().optional(),
  params: Dict.optional(),
  estimate_ms: Ms,
  priority: z.number(),
  order: z.number(),
  max_attempts: Count,
  non_retryable: Strings,
  timeout_ms: Ms.optional(),
});

const TaskStateShape = z.object({
  status: z.enum(TASK_STATUSES),
  attempt: Count,
  failures: Count,
  revision: Count,
  queued_at: Ms.optional(),
  first_started_at: Ms.optional(),
  started_at: Ms.optional(),
  finished_at: Ms.optional(),
  heartbeat_at: Ms.optional(),
  retry_at: Ms.optional(),
  busy_ms: Ms,
  errors: z.array(z.object({ attempt: Count, kind: z.string(), message: z.string(), at: Ms })),
  artifacts: z.array(
    z.object({
      name: z.string(),
      path: z.string(),
      sha256: z.string().optional(),
      bytes: z.number().optional(),
    }),
  ),
  cost: CostShape,
  summary: z.string().optional(),
  reason: z.string().optional(),
  skip_cause: z.enum(["person", "dependency"]).optional(),
  feedback: z.string().optional(),
  ref: z.string().optional(),
});

const PhaseSpecShape = z.object({
  id: z.string(),
  name: z.string(),
  needs: Strings,
  tasks: Strings,
  skipped: z.string().optional(),
  parallel: z.boolean(),
  gate: GateShape.optional(),
  max_concurrency: Count.optional(),
  timeout_ms: Ms.optional(),
  // Absent in states saved before a phase could set it.
  task_timeout_ms: Ms.optional(),
  // Absent in states saved before a phase kept them (its tasks' specs hold them too).
  max_attempts: Count.optional(),
  non_retryable: Strings.optional(),
});

const GateStateShape = z.object({
  status: z.enum(["closed", "open", "approved", "escalated"]),
  approvals: z.array(
    z.object({
      by: z.string(),
      at: Ms,
      sha: z.string().optional(),
      digest: z.string().optional(),
      via: z.string().optional(),
    }),
  ),
  revisions: Count,
  opened_at: Ms.optional(),
  rejections: z.array(z.object({ by: z.string(), at: Ms, reason: z.string() })),
});

const PhaseStateShape = z.object({
  gate: GateStateShape.optional(),
  started_at: Ms.optional(),
  finished_at: Ms.optional(),
});

const CircuitShape = z.object({
  state: z.enum(["closed", "open", "half_open"]),
  consecutive_failures: Count,
  opened_at: Ms.optional(),
});

const TimerShape = z.object({
  id: z.string(),
  at: Ms,
  kind: z.enum(TIMER_KINDS),
  task: z.string().optional(),
  phase: z.string().optional(),
  agent: z.string().optional(),
  attempt: Count.optional(),
});

/** The schema of `ExecutionState`; `z.infer` of it and the interface are kept equal by a type test. */
export const ExecutionStateSchema = z.object({
  id: z.string().min(1),
  status: z.enum(EXECUTION_STATUSES),
  reason: z.string().optional(),
  created_at: Ms,
  finished_at: Ms.optional(),
  policy: PolicyShape,
  agent_limits: z.record(z.string(), Count),
  specs: z.record(z.string(), TaskSpecShape),
  phases: z.array(PhaseSpecShape),
  tasks: z.record(z.string(), TaskStateShape),
  phase_state: z.record(z.string(), PhaseStateShape),
  circuits: z.record(z.string(), CircuitShape),
  inflight: z.record(z.string(), Count),
  counts: z.record(z.enum(TASK_STATUSES), Count).optional(),
  halt: z.string().optional(),
  ready: Strings,
  rr: z.record(z.string(), Count),
  rr_seq: z.record(z.string(), Count),
  timers: z.record(z.string(), TimerShape),
  cost: CostShape,
  context: Dict,
  conflicts: z.array(z.object({ tasks: Strings, files: Strings, at: Ms })),
  audit: z.array(z.object({ at: Ms, by: z.string(), what: z.string() })),
  rng: z.number(),
  applied: z.record(z.string(), z.literal(true)),
  seq: Count,
  meta: Dict,
  delivery_spec: DeliverySpecShape.optional(),
  delivery: DeliveryStateShape.optional(),
});
