import { z } from "zod";
/** The schema of `ExecutionState`; `z.infer` of it and the interface are kept equal by a type test. */
export declare const ExecutionStateSchema: z.ZodObject<{
    id: z.ZodString;
    status: z.ZodEnum<{
        blocked: "blocked";
        cancelled: "cancelled";
        delivering: "delivering";
        failed: "failed";
        running: "running";
        succeeded: "succeeded";
        waiting: "waiting";
    }>;
    reason: z.ZodOptional<z.ZodString>;
    created_at: z.ZodNumber;
    finished_at: z.ZodOptional<z.ZodNumber>;
    policy: z.ZodObject<{
        max_concurrency: z.ZodNumber;
        retry: z.ZodObject<{
            max_attempts: z.ZodNumber;
            backoff: z.ZodEnum<{
                exponential: "exponential";
                fixed: "fixed";
            }>;
            initial_interval: z.ZodNumber;
            max_interval: z.ZodOptional<z.ZodNumber>;
            backoff_coefficient: z.ZodNumber;
            jitter: z.ZodBoolean;
            non_retryable: z.ZodArray<z.ZodString>;
        }, z.core.$strip>;
        timeout: z.ZodObject<{
            task: z.ZodOptional<z.ZodNumber>;
            phase: z.ZodOptional<z.ZodNumber>;
            execution: z.ZodOptional<z.ZodNumber>;
        }, z.core.$strip>;
        cancellation: z.ZodEnum<{
            cascading: "cascading";
            isolated: "isolated";
        }>;
        fairness: z.ZodEnum<{
            round_robin: "round_robin";
            shortest_first: "shortest_first";
        }>;
        budget: z.ZodOptional<z.ZodObject<{
            usd: z.ZodOptional<z.ZodNumber>;
            tokens: z.ZodOptional<z.ZodNumber>;
        }, z.core.$strip>>;
        circuit_breaker: z.ZodObject<{
            failures: z.ZodNumber;
            cooldown: z.ZodNumber;
            on_open: z.ZodEnum<{
                fail: "fail";
                wait: "wait";
            }>;
        }, z.core.$strip>;
    }, z.core.$strip>;
    agent_limits: z.ZodRecord<z.ZodString, z.ZodNumber>;
    specs: z.ZodRecord<z.ZodString, z.ZodObject<{
        id: z.ZodString;
        agent: z.ZodString;
        phase: z.ZodOptional<z.ZodString>;
        needs: z.ZodArray<z.ZodString>;
        matrix: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodString>>;
        prompt: z.ZodOptional<z.ZodString>;
        params: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
        estimate_ms: z.ZodNumber;
        priority: z.ZodNumber;
        order: z.ZodNumber;
        max_attempts: z.ZodNumber;
        non_retryable: z.ZodArray<z.ZodString>;
        timeout_ms: z.ZodOptional<z.ZodNumber>;
    }, z.core.$strip>>;
    phases: z.ZodArray<z.ZodObject<{
        id: z.ZodString;
        name: z.ZodString;
        needs: z.ZodArray<z.ZodString>;
        tasks: z.ZodArray<z.ZodString>;
        skipped: z.ZodOptional<z.ZodString>;
        parallel: z.ZodBoolean;
        gate: z.ZodOptional<z.ZodObject<{
            approvers: z.ZodArray<z.ZodString>;
            min_approvals: z.ZodNumber;
            via: z.ZodEnum<{
                both: "both";
                comment: "comment";
                review: "review";
            }>;
            max_revisions: z.ZodNumber;
            sla: z.ZodOptional<z.ZodNumber>;
            allow_requester: z.ZodBoolean;
        }, z.core.$strip>>;
        max_concurrency: z.ZodOptional<z.ZodNumber>;
        timeout_ms: z.ZodOptional<z.ZodNumber>;
        task_timeout_ms: z.ZodOptional<z.ZodNumber>;
        max_attempts: z.ZodOptional<z.ZodNumber>;
        non_retryable: z.ZodOptional<z.ZodArray<z.ZodString>>;
    }, z.core.$strip>>;
    tasks: z.ZodRecord<z.ZodString, z.ZodObject<{
        status: z.ZodEnum<{
            blocked: "blocked";
            cancelled: "cancelled";
            escalated: "escalated";
            failed: "failed";
            in_progress: "in_progress";
            pending: "pending";
            queued: "queued";
            ready: "ready";
            skipped: "skipped";
            succeeded: "succeeded";
            under_review: "under_review";
        }>;
        attempt: z.ZodNumber;
        failures: z.ZodNumber;
        revision: z.ZodNumber;
        queued_at: z.ZodOptional<z.ZodNumber>;
        first_started_at: z.ZodOptional<z.ZodNumber>;
        started_at: z.ZodOptional<z.ZodNumber>;
        finished_at: z.ZodOptional<z.ZodNumber>;
        heartbeat_at: z.ZodOptional<z.ZodNumber>;
        retry_at: z.ZodOptional<z.ZodNumber>;
        busy_ms: z.ZodNumber;
        errors: z.ZodArray<z.ZodObject<{
            attempt: z.ZodNumber;
            kind: z.ZodString;
            message: z.ZodString;
            at: z.ZodNumber;
        }, z.core.$strip>>;
        artifacts: z.ZodArray<z.ZodObject<{
            name: z.ZodString;
            path: z.ZodString;
            sha256: z.ZodOptional<z.ZodString>;
            bytes: z.ZodOptional<z.ZodNumber>;
        }, z.core.$strip>>;
        cost: z.ZodObject<{
            usd: z.ZodNumber;
            tokens: z.ZodNumber;
        }, z.core.$strip>;
        summary: z.ZodOptional<z.ZodString>;
        reason: z.ZodOptional<z.ZodString>;
        skip_cause: z.ZodOptional<z.ZodEnum<{
            dependency: "dependency";
            person: "person";
        }>>;
        feedback: z.ZodOptional<z.ZodString>;
        ref: z.ZodOptional<z.ZodString>;
    }, z.core.$strip>>;
    phase_state: z.ZodRecord<z.ZodString, z.ZodObject<{
        gate: z.ZodOptional<z.ZodObject<{
            status: z.ZodEnum<{
                approved: "approved";
                closed: "closed";
                escalated: "escalated";
                open: "open";
            }>;
            approvals: z.ZodArray<z.ZodObject<{
                by: z.ZodString;
                at: z.ZodNumber;
                sha: z.ZodOptional<z.ZodString>;
                digest: z.ZodOptional<z.ZodString>;
                via: z.ZodOptional<z.ZodString>;
            }, z.core.$strip>>;
            revisions: z.ZodNumber;
            opened_at: z.ZodOptional<z.ZodNumber>;
            rejections: z.ZodArray<z.ZodObject<{
                by: z.ZodString;
                at: z.ZodNumber;
                reason: z.ZodString;
            }, z.core.$strip>>;
        }, z.core.$strip>>;
        started_at: z.ZodOptional<z.ZodNumber>;
        finished_at: z.ZodOptional<z.ZodNumber>;
    }, z.core.$strip>>;
    circuits: z.ZodRecord<z.ZodString, z.ZodObject<{
        state: z.ZodEnum<{
            closed: "closed";
            half_open: "half_open";
            open: "open";
        }>;
        consecutive_failures: z.ZodNumber;
        opened_at: z.ZodOptional<z.ZodNumber>;
    }, z.core.$strip>>;
    inflight: z.ZodRecord<z.ZodString, z.ZodNumber>;
    counts: z.ZodOptional<z.ZodRecord<z.ZodEnum<{
        blocked: "blocked";
        cancelled: "cancelled";
        escalated: "escalated";
        failed: "failed";
        in_progress: "in_progress";
        pending: "pending";
        queued: "queued";
        ready: "ready";
        skipped: "skipped";
        succeeded: "succeeded";
        under_review: "under_review";
    }>, z.ZodNumber>>;
    halt: z.ZodOptional<z.ZodString>;
    ready: z.ZodArray<z.ZodString>;
    rr: z.ZodRecord<z.ZodString, z.ZodNumber>;
    rr_seq: z.ZodRecord<z.ZodString, z.ZodNumber>;
    timers: z.ZodRecord<z.ZodString, z.ZodObject<{
        id: z.ZodString;
        at: z.ZodNumber;
        kind: z.ZodEnum<{
            circuit: "circuit";
            execution_timeout: "execution_timeout";
            gate_sla: "gate_sla";
            phase_timeout: "phase_timeout";
            retry: "retry";
            task_timeout: "task_timeout";
        }>;
        task: z.ZodOptional<z.ZodString>;
        phase: z.ZodOptional<z.ZodString>;
        agent: z.ZodOptional<z.ZodString>;
        attempt: z.ZodOptional<z.ZodNumber>;
    }, z.core.$strip>>;
    cost: z.ZodObject<{
        usd: z.ZodNumber;
        tokens: z.ZodNumber;
    }, z.core.$strip>;
    context: z.ZodRecord<z.ZodString, z.ZodUnknown>;
    conflicts: z.ZodArray<z.ZodObject<{
        tasks: z.ZodArray<z.ZodString>;
        files: z.ZodArray<z.ZodString>;
        at: z.ZodNumber;
    }, z.core.$strip>>;
    audit: z.ZodArray<z.ZodObject<{
        at: z.ZodNumber;
        by: z.ZodString;
        what: z.ZodString;
    }, z.core.$strip>>;
    rng: z.ZodNumber;
    applied: z.ZodRecord<z.ZodString, z.ZodLiteral<true>>;
    seq: z.ZodNumber;
    meta: z.ZodRecord<z.ZodString, z.ZodUnknown>;
    delivery_spec: z.ZodOptional<z.ZodObject<{
        pr: z.ZodEnum<{
            draft: "draft";
            ready: "ready";
        }>;
        merge: z.ZodEnum<{
            auto: "auto";
            manual: "manual";
            off: "off";
        }>;
        merge_method: z.ZodEnum<{
            merge: "merge";
            rebase: "rebase";
            squash: "squash";
        }>;
        environments: z.ZodArray<z.ZodString>;
        delete_branches: z.ZodBoolean;
        revise_phase: z.ZodOptional<z.ZodString>;
        max_revisions: z.ZodNumber;
    }, z.core.$strip>>;
    delivery: z.ZodOptional<z.ZodObject<{
        status: z.ZodEnum<{
            awaiting_checks: "awaiting_checks";
            awaiting_merge: "awaiting_merge";
            conflict: "conflict";
            deploying: "deploying";
            done: "done";
            merging: "merging";
            opening_pr: "opening_pr";
            revising: "revising";
        }>;
        pr: z.ZodOptional<z.ZodNumber>;
        sha: z.ZodOptional<z.ZodString>;
        since: z.ZodOptional<z.ZodNumber>;
        merged_sha: z.ZodOptional<z.ZodString>;
        auto_merge: z.ZodOptional<z.ZodEnum<{
            off: "off";
            on: "on";
        }>>;
        auto_merge_rounds: z.ZodOptional<z.ZodNumber>;
        revisions: z.ZodNumber;
        environment: z.ZodOptional<z.ZodNumber>;
        deployments: z.ZodRecord<z.ZodString, z.ZodObject<{
            id: z.ZodOptional<z.ZodNumber>;
            state: z.ZodString;
            at: z.ZodOptional<z.ZodNumber>;
        }, z.core.$strip>>;
        failing: z.ZodOptional<z.ZodArray<z.ZodObject<{
            name: z.ZodString;
            summary: z.ZodString;
        }, z.core.$strip>>>;
    }, z.core.$strip>>;
}, z.core.$strip>;
