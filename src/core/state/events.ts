import { z } from "zod";

/**
 * Events: everything that can happen to an execution. The event log is the source of truth;
 * `reduce` folds it into state. Every event has an `id` (applying one twice is a no-op) and the
 * time `at` (epoch ms) it happened, read from the host's clock.
 */

const Base = { id: z.string().min(1), at: z.number(), by: z.string().optional() };

/**
 * The most one report may claim: far above any real task, low enough that no number of reports
 * adds up to a total JSON cannot store (a sum past `Number.MAX_VALUE` is saved as `null`).
 */
export const COST_LIMIT = { usd: 1_000_000, tokens: 1_000_000_000_000 } as const;

/** A cost report's fields: amounts from 0 to `COST_LIMIT`, missing ones 0. */
export const CostFields = {
  usd: z.number().nonnegative().max(COST_LIMIT.usd).default(0),
  tokens: z.number().nonnegative().max(COST_LIMIT.tokens).default(0),
};

const CostInput = z.strictObject(CostFields);

const ArtifactInput = z.strictObject({
  name: z.string(),
  path: z.string(),
  sha256: z.string().optional(),
  bytes: z.number().optional(),
});

const TaskInput = z.strictObject({
  id: z.string().min(1),
  agent: z.string().min(1),
  phase: z.string().optional(),
  needs: z.array(z.string()).default([]),
  matrix: z.record(z.string(), z.string()).optional(),
  prompt: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  estimate_ms: z.number().nonnegative().optional(),
});

const PhaseInput = z.strictObject({
  id: z.string(),
  name: z.string(),
  needs: z.array(z.string()),
  tasks: z.array(z.string()),
  skipped: z.string().optional(),
  parallel: z.boolean(),
  gate: z.any().optional(),
  level: z.number().optional(),
  max_concurrency: z.number().optional(),
  /** Limit of the whole phase (its own `timeout.phase`); the policy's when absent. */
  timeout_ms: z.number().optional(),
  /**
   * Limit of one attempt of each of its tasks (its own `timeout.task`); the policy's when absent,
   * as in logs written before the phase could set it.
   */
  task_timeout_ms: z.number().optional(),
  max_attempts: z.number().optional(),
  non_retryable: z.array(z.string()).optional(),
});

export const EventSchema = z.discriminatedUnion("type", [
  z.object({
    ...Base,
    type: z.literal("execution_started"),
    execution: z.string().min(1),
    tasks: z.array(TaskInput),
    phases: z.array(PhaseInput).default([]),
    policy: z.any().describe("The resolved policy (PolicyConfig)."),
    agent_limits: z.record(z.string(), z.number()).default({}),
    seed: z.number().int().default(1),
    delivery: z.any().optional().describe("Resolved delivery settings (DeliverySpec)."),
    context: z.record(z.string(), z.unknown()).default({}),
    meta: z.record(z.string(), z.unknown()).default({}),
  }),
  z.object({ ...Base, type: z.literal("tasks_added"), tasks: z.array(TaskInput).min(1) }),
  z.object({
    ...Base,
    type: z.literal("task_dispatched"),
    task: z.string(),
    attempt: z.number().int(),
    ref: z.string().optional(),
  }),
  z.object({
    ...Base,
    type: z.literal("task_started"),
    task: z.string(),
    attempt: z.number().int(),
    ref: z.string().optional(),
  }),
  z.object({
    ...Base,
    type: z.literal("task_succeeded"),
    task: z.string(),
    attempt: z.number().int(),
    artifacts: z.array(ArtifactInput).default([]),
    cost: CostInput.optional(),
    summary: z.string().optional(),
    context: z.record(z.string(), z.unknown()).optional(),
    /**
     * The attempt's work did not merge into the working branch: the other tasks whose work joined
     * it since the attempt started, and the files both changed. The task is blocked, not succeeded.
     */
    conflict: z.object({ tasks: z.array(z.string()), files: z.array(z.string()) }).optional(),
    /** The attempt's work could not be merged for another reason (GitHub's answer): the task is blocked. */
    unmerged: z.string().optional(),
  }),
  z.object({
    ...Base,
    type: z.literal("task_failed"),
    task: z.string(),
    attempt: z.number().int(),
    error: z.strictObject({ kind: z.string(), message: z.string() }),
    cost: CostInput.optional(),
  }),
  z.object({ ...Base, type: z.literal("task_timed_out"), task: z.string(), attempt: z.number().int() }),
  z.object({ ...Base, type: z.literal("task_cancelled"), task: z.string(), attempt: z.number().int() }),
  z.object({
    ...Base,
    type: z.literal("task_skipped"),
    task: z.string(),
    reason: z.string().default("skipped"),
  }),
  z.object({
    ...Base,
    type: z.literal("heartbeat"),
    task: z.string(),
    attempt: z.number().int(),
    message: z.string().optional(),
    /**
     * The attempt's work is done and its result is on its way (a separate job commits it): its
     * time limit no longer applies; the host tells when no result comes (the run ended).
     */
    ran: z.literal(true).optional(),
  }),
  z.object({
    ...Base,
    type: z.literal("gate_approved"),
    phase: z.string(),
    by: z.string(),
    sha: z.string().optional(),
    digest: z.string().optional(),
    via: z.string().optional(),
  }),
  z.object({
    ...Base,
    type: z.literal("gate_rejected"),
    phase: z.string(),
    by: z.string(),
    reason: z.string(),
    via: z.string().optional(),
  }),
  /**
   * A person's gate decision (a `/orchestrate approve|reject` comment, a review's verdict) that was
   * refused, and why (as its reply said). It changes nothing: recorded under the command's own id
   * (`cmd:<comment or review>:<n>`), it marks that command decided, so reading the comment or
   * review back later (a lost webhook) never decides it again against a state it was not written for.
   */
  z.object({
    ...Base,
    type: z.literal("command_refused"),
    /** `approve` or `reject`. */
    command: z.string(),
    /** The phase it named, if any. */
    phase: z.string().optional(),
    reason: z.string(),
  }),
  z.object({ ...Base, type: z.literal("retry_requested"), target: z.string().optional() }),
  z.object({ ...Base, type: z.literal("cancel_requested"), reason: z.string().optional() }),
  z.object({
    ...Base,
    /** A person sets the execution's budget (a key left out keeps its limit). */
    type: z.literal("budget_set"),
    usd: z.number().positive().optional(),
    tokens: z.number().int().positive().optional(),
  }),
  z.object({ ...Base, type: z.literal("skip_requested"), task: z.string(), reason: z.string().optional() }),
  z.object({
    ...Base,
    type: z.literal("resume_requested"),
    /**
     * true (default): the workers of running tasks are gone (a local run crashed), so their
     * attempts count as interrupted and run again. false: they run elsewhere (Actions jobs) and
     * will report; only the timers are re-armed.
     */
    workers_lost: z.boolean().default(true),
  }),
  z.object({ ...Base, type: z.literal("timer_fired"), timer: z.string() }),
  z.object({
    ...Base,
    type: z.literal("cost_reported"),
    task: z.string().optional(),
    usd: z.number().nonnegative().default(0),
    tokens: z.number().nonnegative().default(0),
  }),
  z.object({ ...Base, type: z.literal("context_set"), key: z.string().min(1), value: z.unknown() }),
  z.object({
    ...Base,
    type: z.literal("merge_succeeded"),
    tasks: z.array(z.string()),
    sha: z.string().optional(),
  }),
  z.object({ ...Base, type: z.literal("pr_opened"), number: z.number().int(), sha: z.string() }),
  z.object({
    ...Base,
    type: z.literal("checks_completed"),
    sha: z.string(),
    conclusion: z.enum(["success", "failure"]),
    failing: z.array(z.object({ name: z.string(), summary: z.string().default("") })).default([]),
  }),
  z.object({ ...Base, type: z.literal("pr_merged"), sha: z.string(), number: z.number().int().optional() }),
  z.object({
    ...Base,
    type: z.literal("pr_not_mergeable"),
    reason: z.string(),
    conflict: z.boolean().default(false),
    /** The head is no longer the one whose checks passed: they are read again for the new one. */
    moved: z.boolean().optional(),
  }),
  /** GitHub auto-merge was enabled for the pull request at `sha`: GitHub merges it once its requirements pass. */
  z.object({ ...Base, type: z.literal("auto_merge_enabled"), sha: z.string() }),
  /** Auto-merge enabled for the head `sha` was turned off on GitHub, the pull request still open. */
  z.object({ ...Base, type: z.literal("auto_merge_disabled"), sha: z.string() }),
  /**
   * Long after the pull request opened, checks branch protection requires have not reported at
   * all on the head `sha` (`checks`), or checks are still queued there (`queued`: no runner took
   * their jobs).
   */
  z.object({
    ...Base,
    type: z.literal("checks_missing"),
    sha: z.string(),
    checks: z.array(z.string()),
    queued: z.array(z.string()).optional(),
  }),
  /** The deployment under way to `environment` has had no status at all, long after it was created. */
  z.object({
    ...Base,
    type: z.literal("deployment_silent"),
    environment: z.string(),
    deployment: z.number().int(),
  }),
  z.object({
    ...Base,
    type: z.literal("deployment_created"),
    environment: z.string(),
    deployment: z.number().int(),
  }),
  z.object({
    ...Base,
    type: z.literal("deployment_status"),
    environment: z.string(),
    /**
     * The deployment the status is of: only the one under way counts (an older deployment to the
     * same environment reports too). Absent in logs written before it was recorded.
     */
    deployment: z.number().int().optional(),
    state: z.enum(["success", "failure", "error", "inactive", "in_progress", "queued", "pending"]),
    description: z.string().optional(),
  }),
  z.object({
    ...Base,
    type: z.literal("merge_conflicted"),
    tasks: z.array(z.string()).min(1),
    files: z.array(z.string()).default([]),
  }),
]);

export type ExecutionEvent = z.output<typeof EventSchema>;
export type EventInput = z.input<typeof EventSchema>;
export type EventType = ExecutionEvent["type"];
export type EventOf<T extends EventType> = Extract<ExecutionEvent, { type: T }>;
