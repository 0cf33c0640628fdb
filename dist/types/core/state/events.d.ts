import { z } from "zod";
/**
 * The most one report may claim: far above any real task, low enough that no number of reports
 * adds up to a total JSON cannot store (a sum past `Number.MAX_VALUE` is saved as `null`).
 */
export declare const COST_LIMIT: {
    readonly usd: 1000000;
    readonly tokens: 1000000000000;
};
/** A cost report's fields: amounts from 0 to `COST_LIMIT`, missing ones 0. */
export declare const CostFields: {
    usd: z.ZodDefault<z.ZodNumber>;
    tokens: z.ZodDefault<z.ZodNumber>;
};
export declare const EventSchema: z.ZodDiscriminatedUnion<[z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"execution_started">;
    execution: z.ZodString;
    tasks: z.ZodArray<z.ZodObject<{
        id: z.ZodString;
        agent: z.ZodString;
        phase: z.ZodOptional<z.ZodString>;
        needs: z.ZodDefault<z.ZodArray<z.ZodString>>;
        matrix: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodString>>;
        prompt: z.ZodOptional<z.ZodString>;
        params: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
        estimate_ms: z.ZodOptional<z.ZodNumber>;
    }, z.core.$strict>>;
    phases: z.ZodDefault<z.ZodArray<z.ZodObject<{
        id: z.ZodString;
        name: z.ZodString;
        needs: z.ZodArray<z.ZodString>;
        tasks: z.ZodArray<z.ZodString>;
        skipped: z.ZodOptional<z.ZodString>;
        parallel: z.ZodBoolean;
        gate: z.ZodOptional<z.ZodAny>;
        level: z.ZodOptional<z.ZodNumber>;
        max_concurrency: z.ZodOptional<z.ZodNumber>;
        timeout_ms: z.ZodOptional<z.ZodNumber>;
        task_timeout_ms: z.ZodOptional<z.ZodNumber>;
        max_attempts: z.ZodOptional<z.ZodNumber>;
        non_retryable: z.ZodOptional<z.ZodArray<z.ZodString>>;
    }, z.core.$strict>>>;
    policy: z.ZodAny;
    agent_limits: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodNumber>>;
    seed: z.ZodDefault<z.ZodNumber>;
    delivery: z.ZodOptional<z.ZodAny>;
    context: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
    meta: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"tasks_added">;
    tasks: z.ZodArray<z.ZodObject<{
        id: z.ZodString;
        agent: z.ZodString;
        phase: z.ZodOptional<z.ZodString>;
        needs: z.ZodDefault<z.ZodArray<z.ZodString>>;
        matrix: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodString>>;
        prompt: z.ZodOptional<z.ZodString>;
        params: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
        estimate_ms: z.ZodOptional<z.ZodNumber>;
    }, z.core.$strict>>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"task_dispatched">;
    task: z.ZodString;
    attempt: z.ZodNumber;
    ref: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"task_started">;
    task: z.ZodString;
    attempt: z.ZodNumber;
    ref: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"task_succeeded">;
    task: z.ZodString;
    attempt: z.ZodNumber;
    artifacts: z.ZodDefault<z.ZodArray<z.ZodObject<{
        name: z.ZodString;
        path: z.ZodString;
        sha256: z.ZodOptional<z.ZodString>;
        bytes: z.ZodOptional<z.ZodNumber>;
    }, z.core.$strict>>>;
    cost: z.ZodOptional<z.ZodObject<{
        usd: z.ZodDefault<z.ZodNumber>;
        tokens: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
    summary: z.ZodOptional<z.ZodString>;
    context: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
    conflict: z.ZodOptional<z.ZodObject<{
        tasks: z.ZodArray<z.ZodString>;
        files: z.ZodArray<z.ZodString>;
    }, z.core.$strip>>;
    unmerged: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"task_failed">;
    task: z.ZodString;
    attempt: z.ZodNumber;
    error: z.ZodObject<{
        kind: z.ZodString;
        message: z.ZodString;
    }, z.core.$strict>;
    cost: z.ZodOptional<z.ZodObject<{
        usd: z.ZodDefault<z.ZodNumber>;
        tokens: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"task_timed_out">;
    task: z.ZodString;
    attempt: z.ZodNumber;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"task_cancelled">;
    task: z.ZodString;
    attempt: z.ZodNumber;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"task_skipped">;
    task: z.ZodString;
    reason: z.ZodDefault<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"heartbeat">;
    task: z.ZodString;
    attempt: z.ZodNumber;
    message: z.ZodOptional<z.ZodString>;
    ran: z.ZodOptional<z.ZodLiteral<true>>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    type: z.ZodLiteral<"gate_approved">;
    phase: z.ZodString;
    by: z.ZodString;
    sha: z.ZodOptional<z.ZodString>;
    digest: z.ZodOptional<z.ZodString>;
    via: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    type: z.ZodLiteral<"gate_rejected">;
    phase: z.ZodString;
    by: z.ZodString;
    reason: z.ZodString;
    via: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"command_refused">;
    command: z.ZodString;
    phase: z.ZodOptional<z.ZodString>;
    reason: z.ZodString;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"retry_requested">;
    target: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"cancel_requested">;
    reason: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"budget_set">;
    usd: z.ZodOptional<z.ZodNumber>;
    tokens: z.ZodOptional<z.ZodNumber>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"skip_requested">;
    task: z.ZodString;
    reason: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"resume_requested">;
    workers_lost: z.ZodDefault<z.ZodBoolean>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"timer_fired">;
    timer: z.ZodString;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"cost_reported">;
    task: z.ZodOptional<z.ZodString>;
    usd: z.ZodDefault<z.ZodNumber>;
    tokens: z.ZodDefault<z.ZodNumber>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"context_set">;
    key: z.ZodString;
    value: z.ZodUnknown;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"merge_succeeded">;
    tasks: z.ZodArray<z.ZodString>;
    sha: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"pr_opened">;
    number: z.ZodNumber;
    sha: z.ZodString;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"checks_completed">;
    sha: z.ZodString;
    conclusion: z.ZodEnum<{
        failure: "failure";
        success: "success";
    }>;
    failing: z.ZodDefault<z.ZodArray<z.ZodObject<{
        name: z.ZodString;
        summary: z.ZodDefault<z.ZodString>;
    }, z.core.$strip>>>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"pr_merged">;
    sha: z.ZodString;
    number: z.ZodOptional<z.ZodNumber>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"pr_not_mergeable">;
    reason: z.ZodString;
    conflict: z.ZodDefault<z.ZodBoolean>;
    moved: z.ZodOptional<z.ZodBoolean>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"auto_merge_enabled">;
    sha: z.ZodString;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"auto_merge_disabled">;
    sha: z.ZodString;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"checks_missing">;
    sha: z.ZodString;
    checks: z.ZodArray<z.ZodString>;
    queued: z.ZodOptional<z.ZodArray<z.ZodString>>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"deployment_silent">;
    environment: z.ZodString;
    deployment: z.ZodNumber;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"deployment_created">;
    environment: z.ZodString;
    deployment: z.ZodNumber;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"deployment_status">;
    environment: z.ZodString;
    deployment: z.ZodOptional<z.ZodNumber>;
    state: z.ZodEnum<{
        error: "error";
        failure: "failure";
        in_progress: "in_progress";
        inactive: "inactive";
        pending: "pending";
        queued: "queued";
        success: "success";
    }>;
    description: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    id: z.ZodString;
    at: z.ZodNumber;
    by: z.ZodOptional<z.ZodString>;
    type: z.ZodLiteral<"merge_conflicted">;
    tasks: z.ZodArray<z.ZodString>;
    files: z.ZodDefault<z.ZodArray<z.ZodString>>;
}, z.core.$strip>], "type">;
export type ExecutionEvent = z.output<typeof EventSchema>;
export type EventInput = z.input<typeof EventSchema>;
export type EventType = ExecutionEvent["type"];
export type EventOf<T extends EventType> = Extract<ExecutionEvent, {
    type: T;
}>;
