import type { GateConfig, PolicyConfig } from "../plan/schema.js";
/**
 * Task statuses. Each maps onto the organisation model's task states (in brackets).
 * - `pending`     — waiting for dependencies, a needed phase's gate, or a retry backoff (`retry_at`). [assigned]
 * - `ready`       — may start; waits for a free slot (concurrency, circuit breaker, budget). [ready]
 * - `queued`      — handed to a worker (process or Actions job) that has not reported a start. [queued]
 * - `in_progress` — its worker reported a start. [in progress]
 * - `under_review`— finished its work; its phase waits at a gate for approval. [in review]
 * - `blocked`     — cannot go on without a person (merge conflict, budget reached); `retry` resumes it. [blocked]
 * - `escalated`   — blocked, and approvers were called in (revision limit reached). [escalated]
 * - `succeeded`   — done; its outputs are its dependents' inputs. [done]
 * - `failed`      — attempts exhausted or a non-retryable error. [failed]
 * - `skipped`     — will not run: skipped by a person, or a dependency failed (`skip_cause`). [skipped]
 * - `cancelled`   — stopped by cancellation or a cascading failure. [cancelled]
 */
export type TaskStatus = "pending" | "ready" | "queued" | "in_progress" | "under_review" | "blocked" | "escalated" | "succeeded" | "failed" | "skipped" | "cancelled";
/** Statuses after which a task never changes again unless a person asks (retry). */
export declare const TERMINAL: ReadonlySet<TaskStatus>;
/** Statuses that hold a concurrency slot. */
export declare const IN_FLIGHT: ReadonlySet<TaskStatus>;
/** Number of tasks in each status. */
export type StatusCounts = Record<TaskStatus, number>;
/** What a task is, fixed when the execution starts. */
export interface TaskSpec {
    id: string;
    agent: string;
    phase?: string;
    needs: string[];
    matrix?: Record<string, string>;
    prompt?: string;
    params?: Record<string, unknown>;
    estimate_ms: number;
    /** Critical-path priority: the longest estimated path from this task to the end, itself included. */
    priority: number;
    /** Position in plan order, for stable tie-breaks. */
    order: number;
    max_attempts: number;
    non_retryable: string[];
    timeout_ms?: number;
}
/** An error of one attempt. `kind` drives retry (`non_retryable`) and reports. */
export interface TaskError {
    attempt: number;
    kind: string;
    message: string;
    at: number;
}
/** One declared output a task produced, recorded in the handoff. */
export interface Artifact {
    name: string;
    path: string;
    sha256?: string;
    bytes?: number;
}
/** Tokens and US dollars. */
export interface Cost {
    usd: number;
    tokens: number;
}
/** Where a task is now. */
export interface TaskState {
    status: TaskStatus;
    /** Dispatches so far (1-based once dispatched); results must name the current attempt. */
    attempt: number;
    /** Failed attempts since the last success, revision or manual retry. */
    failures: number;
    /** Times its phase was sent back by a gate rejection. */
    revision: number;
    queued_at?: number;
    /** Start of the first attempt. */
    first_started_at?: number;
    /** Start of the current (or last) attempt. */
    started_at?: number;
    finished_at?: number;
    heartbeat_at?: number;
    /** When a retry backoff ends (status `pending`). */
    retry_at?: number;
    /** Sum of time spent in_progress over all attempts (ms). */
    busy_ms: number;
    errors: TaskError[];
    artifacts: Artifact[];
    cost: Cost;
    summary?: string;
    /** Why it is skipped, blocked, escalated, failed or cancelled. */
    reason?: string;
    skip_cause?: "person" | "dependency";
    /** Feedback of the last gate rejection, handed to the agent on its next run. */
    feedback?: string;
    /** Host reference for the running attempt (job id, pid). */
    ref?: string;
}
/** One approval of a gate. It lapses when the phase runs again. */
export interface Approval {
    by: string;
    at: number;
    sha?: string;
    digest?: string;
    via?: string;
}
export interface GateState {
    status: "closed" | "open" | "approved" | "escalated";
    approvals: Approval[];
    revisions: number;
    opened_at?: number;
    rejections: {
        by: string;
        at: number;
        reason: string;
    }[];
}
/** A phase as the execution sees it. */
export interface PhaseSpec {
    id: string;
    name: string;
    needs: string[];
    tasks: string[];
    skipped?: string;
    parallel: boolean;
    gate?: GateConfig;
    max_concurrency?: number;
    /** Limit of the whole phase; the policy's `timeout.phase` when absent. */
    timeout_ms?: number;
    /** Limit of one attempt of each of its tasks (already in their specs); the policy's when absent. */
    task_timeout_ms?: number;
    /** Attempts of each of its tasks (already in their specs); the policy's when absent. */
    max_attempts?: number;
    /** Error kinds its tasks do not retry, besides the policy's (already in their specs). */
    non_retryable?: string[];
}
export interface PhaseState {
    gate?: GateState;
    started_at?: number;
    finished_at?: number;
}
/** Circuit breaker of one agent. */
export interface CircuitState {
    state: "closed" | "open" | "half_open";
    consecutive_failures: number;
    opened_at?: number;
}
export interface Timer {
    id: string;
    at: number;
    kind: "retry" | "task_timeout" | "phase_timeout" | "execution_timeout" | "circuit" | "gate_sla";
    task?: string;
    phase?: string;
    agent?: string;
    attempt?: number;
}
/** `delivering`: every task succeeded; the pull request, CI, merge and deployments are under way. */
export type ExecutionStatus = "running" | "waiting" | "blocked" | "delivering" | "succeeded" | "failed" | "cancelled";
/** Delivery settings, resolved when the execution starts. */
export interface DeliverySpec {
    pr: "ready" | "draft";
    merge: "auto" | "manual" | "off";
    merge_method: "squash" | "merge" | "rebase";
    environments: string[];
    delete_branches: boolean;
    /** Phase run again with failing checks as feedback (absent: none, CI failure fails the execution). */
    revise_phase?: string;
    max_revisions: number;
}
/**
 * Where delivery stands: `opening_pr` → `awaiting_checks` → `merging` (or `awaiting_merge`
 * for manual merges) → `deploying` → `done`. `revising`: a phase runs again after red CI;
 * `conflict`: the pull request cannot merge until someone updates it.
 */
export interface DeliveryState {
    status: "opening_pr" | "awaiting_checks" | "revising" | "merging" | "awaiting_merge" | "conflict" | "deploying" | "done";
    pr?: number;
    /** Head sha of the pull request whose checks count. */
    sha?: string;
    /** When that head started waiting for its checks (the pull request was opened or updated). */
    since?: number;
    merged_sha?: string;
    /**
     * GitHub auto-merge of the pull request while `merging`: `on` once Orchestrate enabled it;
     * `off` once it was turned off on GitHub (a person, a merge queue) — it is not turned on again.
     */
    auto_merge?: "on" | "off";
    /** How many times Orchestrate enabled auto-merge: each close that follows is a new one. */
    auto_merge_rounds?: number;
    revisions: number;
    /** Index into `environments` of the deployment under way. */
    environment?: number;
    /** Per environment: its deployment, its latest status (`created` before any), and when it was created. */
    deployments: Record<string, {
        id?: number;
        state: string;
        at?: number;
    }>;
    failing?: {
        name: string;
        summary: string;
    }[];
}
/** An entry of the audit trail: who did what, when. */
export interface AuditEntry {
    at: number;
    by: string;
    what: string;
}
/** The whole state of one execution: plain JSON, rebuilt exactly from its event log. */
export interface ExecutionState {
    id: string;
    status: ExecutionStatus;
    reason?: string;
    created_at: number;
    finished_at?: number;
    policy: PolicyConfig;
    agent_limits: Record<string, number>;
    specs: Record<string, TaskSpec>;
    phases: PhaseSpec[];
    tasks: Record<string, TaskState>;
    phase_state: Record<string, PhaseState>;
    circuits: Record<string, CircuitState>;
    /** Slots held: `*` for the execution, `phase:<id>` and `agent:<id>` for the per-phase and per-agent limits. */
    inflight: Record<string, number>;
    /**
     * Tasks per status, derived from `tasks` and kept in step with every status change, so that
     * settling an event does not scan every task. Rebuilt from `tasks` when absent.
     */
    counts?: StatusCounts;
    /** Set when nothing more may be dispatched (budget reached); the execution ends once in-flight work settles. */
    halt?: string;
    /** Ready task ids in dispatch order (critical path first, then fairness). */
    ready: string[];
    /** Per fairness group, how many tasks were made ready: the round-robin sequence. */
    rr: Record<string, number>;
    /** Round-robin sequence number of each ready task. */
    rr_seq: Record<string, number>;
    timers: Record<string, Timer>;
    cost: Cost;
    /** Shared context visible to every task (`plan.tasks`, `build.outputs`, `review.report`…). */
    context: Record<string, unknown>;
    conflicts: {
        tasks: string[];
        files: string[];
        at: number;
    }[];
    audit: AuditEntry[];
    /** State of the deterministic random source (retry jitter). */
    rng: number;
    /** Ids of applied events: applying one again changes nothing. */
    applied: Record<string, true>;
    /** Events applied so far. */
    seq: number;
    /** The request and other host data, kept as given. */
    meta: Record<string, unknown>;
    /** Delivery settings (absent: the execution ends when its tasks do). */
    delivery_spec?: DeliverySpec;
    delivery?: DeliveryState;
}
