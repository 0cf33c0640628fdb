import { z } from "zod";
/**
 * `500ms`, `30s`, `10m`, `2h`, `1d` or a plain number of seconds; parsed to milliseconds. 0 is
 * allowed: a retry delay or an estimate may be nothing.
 */
export declare const Duration: z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>;
/**
 * Why a duration of 0 is refused where it is, and what to write instead, by message (the problem's
 * hint). A time limit of 0 is not "no limit": it runs out at once (every task attempt would fail
 * "exceeded its time limit", an execution would fail as it starts). A cooldown of 0 would let an
 * agent that keeps failing run again at once.
 */
export declare const ZERO_DURATION_HINTS: ReadonlyMap<string, string>;
export declare const RetryPolicy: z.ZodObject<{
    max_attempts: z.ZodDefault<z.ZodInt>;
    backoff: z.ZodDefault<z.ZodEnum<{
        exponential: "exponential";
        fixed: "fixed";
    }>>;
    initial_interval: z.ZodPrefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    max_interval: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    backoff_coefficient: z.ZodDefault<z.ZodNumber>;
    jitter: z.ZodDefault<z.ZodBoolean>;
    non_retryable: z.ZodDefault<z.ZodArray<z.ZodString>>;
}, z.core.$strict>;
export declare const TimeoutPolicy: z.ZodObject<{
    task: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    phase: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    execution: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
}, z.core.$strict>;
export declare const BudgetPolicy: z.ZodObject<{
    usd: z.ZodOptional<z.ZodNumber>;
    tokens: z.ZodOptional<z.ZodInt>;
}, z.core.$strict>;
export declare const CircuitBreakerPolicy: z.ZodObject<{
    failures: z.ZodDefault<z.ZodInt>;
    cooldown: z.ZodPrefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    on_open: z.ZodDefault<z.ZodEnum<{
        fail: "fail";
        wait: "wait";
    }>>;
}, z.core.$strict>;
/** Execution-wide policies. Every key is optional; defaults are documented per key. */
export declare const Policy: z.ZodObject<{
    max_concurrency: z.ZodDefault<z.ZodInt>;
    retry: z.ZodPrefault<z.ZodObject<{
        max_attempts: z.ZodDefault<z.ZodInt>;
        backoff: z.ZodDefault<z.ZodEnum<{
            exponential: "exponential";
            fixed: "fixed";
        }>>;
        initial_interval: z.ZodPrefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        max_interval: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        backoff_coefficient: z.ZodDefault<z.ZodNumber>;
        jitter: z.ZodDefault<z.ZodBoolean>;
        non_retryable: z.ZodDefault<z.ZodArray<z.ZodString>>;
    }, z.core.$strict>>;
    timeout: z.ZodPrefault<z.ZodObject<{
        task: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        phase: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        execution: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    }, z.core.$strict>>;
    cancellation: z.ZodDefault<z.ZodEnum<{
        cascading: "cascading";
        isolated: "isolated";
    }>>;
    fairness: z.ZodDefault<z.ZodEnum<{
        round_robin: "round_robin";
        shortest_first: "shortest_first";
    }>>;
    budget: z.ZodOptional<z.ZodObject<{
        usd: z.ZodOptional<z.ZodNumber>;
        tokens: z.ZodOptional<z.ZodInt>;
    }, z.core.$strict>>;
    circuit_breaker: z.ZodPrefault<z.ZodObject<{
        failures: z.ZodDefault<z.ZodInt>;
        cooldown: z.ZodPrefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        on_open: z.ZodDefault<z.ZodEnum<{
            fail: "fail";
            wait: "wait";
        }>>;
    }, z.core.$strict>>;
}, z.core.$strict>;
/** Overrides a phase may set for its own tasks. */
export declare const PhasePolicy: z.ZodObject<{
    max_concurrency: z.ZodOptional<z.ZodInt>;
    retry: z.ZodOptional<z.ZodObject<{
        max_attempts: z.ZodOptional<z.ZodInt>;
        non_retryable: z.ZodOptional<z.ZodArray<z.ZodString>>;
    }, z.core.$strict>>;
    timeout: z.ZodOptional<z.ZodObject<{
        task: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        phase: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    }, z.core.$strict>>;
}, z.core.$strict>;
export declare const Output: z.ZodObject<{
    path: z.ZodString;
    required: z.ZodDefault<z.ZodBoolean>;
    description: z.ZodOptional<z.ZodString>;
}, z.core.$strict>;
export declare const Agent: z.ZodObject<{
    kind: z.ZodDefault<z.ZodEnum<{
        command: "command";
    }>>;
    role: z.ZodOptional<z.ZodString>;
    description: z.ZodOptional<z.ZodString>;
    run: z.ZodString;
    outputs: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodObject<{
        path: z.ZodString;
        required: z.ZodDefault<z.ZodBoolean>;
        description: z.ZodOptional<z.ZodString>;
    }, z.core.$strict>>>;
    skills: z.ZodDefault<z.ZodArray<z.ZodString>>;
    params: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodUnion<readonly [z.ZodString, z.ZodNumber, z.ZodBoolean]>>>;
    max_concurrency: z.ZodOptional<z.ZodInt>;
    estimate: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    when: z.ZodOptional<z.ZodString>;
}, z.core.$strict>;
export declare const Gate: z.ZodObject<{
    approvers: z.ZodDefault<z.ZodArray<z.ZodString>>;
    min_approvals: z.ZodDefault<z.ZodInt>;
    via: z.ZodDefault<z.ZodEnum<{
        both: "both";
        comment: "comment";
        review: "review";
    }>>;
    max_revisions: z.ZodDefault<z.ZodInt>;
    sla: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    allow_requester: z.ZodDefault<z.ZodBoolean>;
}, z.core.$strict>;
export declare const Phase: z.ZodObject<{
    id: z.ZodString;
    name: z.ZodOptional<z.ZodString>;
    description: z.ZodOptional<z.ZodString>;
    needs: z.ZodDefault<z.ZodArray<z.ZodString>>;
    agents: z.ZodArray<z.ZodString>;
    parallel: z.ZodDefault<z.ZodBoolean>;
    when: z.ZodOptional<z.ZodString>;
    gate: z.ZodOptional<z.ZodObject<{
        approvers: z.ZodDefault<z.ZodArray<z.ZodString>>;
        min_approvals: z.ZodDefault<z.ZodInt>;
        via: z.ZodDefault<z.ZodEnum<{
            both: "both";
            comment: "comment";
            review: "review";
        }>>;
        max_revisions: z.ZodDefault<z.ZodInt>;
        sla: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        allow_requester: z.ZodDefault<z.ZodBoolean>;
    }, z.core.$strict>>;
    matrix: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodArray<z.ZodString>>>;
    policy: z.ZodOptional<z.ZodObject<{
        max_concurrency: z.ZodOptional<z.ZodInt>;
        retry: z.ZodOptional<z.ZodObject<{
            max_attempts: z.ZodOptional<z.ZodInt>;
            non_retryable: z.ZodOptional<z.ZodArray<z.ZodString>>;
        }, z.core.$strict>>;
        timeout: z.ZodOptional<z.ZodObject<{
            task: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            phase: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        }, z.core.$strict>>;
    }, z.core.$strict>>;
    estimate: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
}, z.core.$strict>;
/** What happens once every task succeeded, on GitHub: pull request, CI, merge, deployments. */
export declare const Delivery: z.ZodObject<{
    pr: z.ZodDefault<z.ZodEnum<{
        draft: "draft";
        ready: "ready";
    }>>;
    merge: z.ZodDefault<z.ZodEnum<{
        auto: "auto";
        manual: "manual";
        off: "off";
    }>>;
    merge_method: z.ZodDefault<z.ZodEnum<{
        merge: "merge";
        rebase: "rebase";
        squash: "squash";
    }>>;
    environments: z.ZodDefault<z.ZodArray<z.ZodString>>;
    delete_branches: z.ZodDefault<z.ZodBoolean>;
    revise_phase: z.ZodOptional<z.ZodString>;
    max_revisions: z.ZodDefault<z.ZodInt>;
}, z.core.$strict>;
export declare const PlanSchema: z.ZodObject<{
    $schema: z.ZodOptional<z.ZodString>;
    version: z.ZodLiteral<1>;
    extends: z.ZodOptional<z.ZodString>;
    name: z.ZodOptional<z.ZodString>;
    policy: z.ZodPrefault<z.ZodObject<{
        max_concurrency: z.ZodDefault<z.ZodInt>;
        retry: z.ZodPrefault<z.ZodObject<{
            max_attempts: z.ZodDefault<z.ZodInt>;
            backoff: z.ZodDefault<z.ZodEnum<{
                exponential: "exponential";
                fixed: "fixed";
            }>>;
            initial_interval: z.ZodPrefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            max_interval: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            backoff_coefficient: z.ZodDefault<z.ZodNumber>;
            jitter: z.ZodDefault<z.ZodBoolean>;
            non_retryable: z.ZodDefault<z.ZodArray<z.ZodString>>;
        }, z.core.$strict>>;
        timeout: z.ZodPrefault<z.ZodObject<{
            task: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            phase: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            execution: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        }, z.core.$strict>>;
        cancellation: z.ZodDefault<z.ZodEnum<{
            cascading: "cascading";
            isolated: "isolated";
        }>>;
        fairness: z.ZodDefault<z.ZodEnum<{
            round_robin: "round_robin";
            shortest_first: "shortest_first";
        }>>;
        budget: z.ZodOptional<z.ZodObject<{
            usd: z.ZodOptional<z.ZodNumber>;
            tokens: z.ZodOptional<z.ZodInt>;
        }, z.core.$strict>>;
        circuit_breaker: z.ZodPrefault<z.ZodObject<{
            failures: z.ZodDefault<z.ZodInt>;
            cooldown: z.ZodPrefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            on_open: z.ZodDefault<z.ZodEnum<{
                fail: "fail";
                wait: "wait";
            }>>;
        }, z.core.$strict>>;
    }, z.core.$strict>>;
    agents: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodObject<{
        kind: z.ZodDefault<z.ZodEnum<{
            command: "command";
        }>>;
        role: z.ZodOptional<z.ZodString>;
        description: z.ZodOptional<z.ZodString>;
        run: z.ZodString;
        outputs: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodObject<{
            path: z.ZodString;
            required: z.ZodDefault<z.ZodBoolean>;
            description: z.ZodOptional<z.ZodString>;
        }, z.core.$strict>>>;
        skills: z.ZodDefault<z.ZodArray<z.ZodString>>;
        params: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodUnion<readonly [z.ZodString, z.ZodNumber, z.ZodBoolean]>>>;
        max_concurrency: z.ZodOptional<z.ZodInt>;
        estimate: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        when: z.ZodOptional<z.ZodString>;
    }, z.core.$strict>>>;
    phases: z.ZodDefault<z.ZodArray<z.ZodObject<{
        id: z.ZodString;
        name: z.ZodOptional<z.ZodString>;
        description: z.ZodOptional<z.ZodString>;
        needs: z.ZodDefault<z.ZodArray<z.ZodString>>;
        agents: z.ZodArray<z.ZodString>;
        parallel: z.ZodDefault<z.ZodBoolean>;
        when: z.ZodOptional<z.ZodString>;
        gate: z.ZodOptional<z.ZodObject<{
            approvers: z.ZodDefault<z.ZodArray<z.ZodString>>;
            min_approvals: z.ZodDefault<z.ZodInt>;
            via: z.ZodDefault<z.ZodEnum<{
                both: "both";
                comment: "comment";
                review: "review";
            }>>;
            max_revisions: z.ZodDefault<z.ZodInt>;
            sla: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            allow_requester: z.ZodDefault<z.ZodBoolean>;
        }, z.core.$strict>>;
        matrix: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodArray<z.ZodString>>>;
        policy: z.ZodOptional<z.ZodObject<{
            max_concurrency: z.ZodOptional<z.ZodInt>;
            retry: z.ZodOptional<z.ZodObject<{
                max_attempts: z.ZodOptional<z.ZodInt>;
                non_retryable: z.ZodOptional<z.ZodArray<z.ZodString>>;
            }, z.core.$strict>>;
            timeout: z.ZodOptional<z.ZodObject<{
                task: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
                phase: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            }, z.core.$strict>>;
        }, z.core.$strict>>;
        estimate: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    }, z.core.$strict>>>;
    delivery: z.ZodOptional<z.ZodObject<{
        pr: z.ZodDefault<z.ZodEnum<{
            draft: "draft";
            ready: "ready";
        }>>;
        merge: z.ZodDefault<z.ZodEnum<{
            auto: "auto";
            manual: "manual";
            off: "off";
        }>>;
        merge_method: z.ZodDefault<z.ZodEnum<{
            merge: "merge";
            rebase: "rebase";
            squash: "squash";
        }>>;
        environments: z.ZodDefault<z.ZodArray<z.ZodString>>;
        delete_branches: z.ZodDefault<z.ZodBoolean>;
        revise_phase: z.ZodOptional<z.ZodString>;
        max_revisions: z.ZodDefault<z.ZodInt>;
    }, z.core.$strict>>;
}, z.core.$strict>;
/**
 * A plan file that `extends` a template, on its own: an agent may leave out `run` and a phase
 * `agents`, since the template may supply them (an override such as `reviewer: { estimate: 5m }`).
 * Every other rule is the plan's. Checked when the template cannot be read, and published as the
 * JSON Schema's shape for files that set `extends`.
 */
export declare const PlanOverrideSchema: z.ZodObject<{
    $schema: z.ZodOptional<z.ZodString>;
    version: z.ZodLiteral<1>;
    extends: z.ZodOptional<z.ZodString>;
    name: z.ZodOptional<z.ZodString>;
    policy: z.ZodPrefault<z.ZodObject<{
        max_concurrency: z.ZodDefault<z.ZodInt>;
        retry: z.ZodPrefault<z.ZodObject<{
            max_attempts: z.ZodDefault<z.ZodInt>;
            backoff: z.ZodDefault<z.ZodEnum<{
                exponential: "exponential";
                fixed: "fixed";
            }>>;
            initial_interval: z.ZodPrefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            max_interval: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            backoff_coefficient: z.ZodDefault<z.ZodNumber>;
            jitter: z.ZodDefault<z.ZodBoolean>;
            non_retryable: z.ZodDefault<z.ZodArray<z.ZodString>>;
        }, z.core.$strict>>;
        timeout: z.ZodPrefault<z.ZodObject<{
            task: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            phase: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            execution: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        }, z.core.$strict>>;
        cancellation: z.ZodDefault<z.ZodEnum<{
            cascading: "cascading";
            isolated: "isolated";
        }>>;
        fairness: z.ZodDefault<z.ZodEnum<{
            round_robin: "round_robin";
            shortest_first: "shortest_first";
        }>>;
        budget: z.ZodOptional<z.ZodObject<{
            usd: z.ZodOptional<z.ZodNumber>;
            tokens: z.ZodOptional<z.ZodInt>;
        }, z.core.$strict>>;
        circuit_breaker: z.ZodPrefault<z.ZodObject<{
            failures: z.ZodDefault<z.ZodInt>;
            cooldown: z.ZodPrefault<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            on_open: z.ZodDefault<z.ZodEnum<{
                fail: "fail";
                wait: "wait";
            }>>;
        }, z.core.$strict>>;
    }, z.core.$strict>>;
    agents: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodObject<{
        kind: z.ZodDefault<z.ZodEnum<{
            command: "command";
        }>>;
        role: z.ZodOptional<z.ZodString>;
        description: z.ZodOptional<z.ZodString>;
        run: z.ZodOptional<z.ZodString>;
        outputs: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodObject<{
            path: z.ZodString;
            required: z.ZodDefault<z.ZodBoolean>;
            description: z.ZodOptional<z.ZodString>;
        }, z.core.$strict>>>;
        skills: z.ZodDefault<z.ZodArray<z.ZodString>>;
        params: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodUnion<readonly [z.ZodString, z.ZodNumber, z.ZodBoolean]>>>;
        max_concurrency: z.ZodOptional<z.ZodInt>;
        estimate: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
        when: z.ZodOptional<z.ZodString>;
    }, z.core.$strict>>>;
    phases: z.ZodDefault<z.ZodArray<z.ZodObject<{
        id: z.ZodString;
        name: z.ZodOptional<z.ZodString>;
        description: z.ZodOptional<z.ZodString>;
        needs: z.ZodDefault<z.ZodArray<z.ZodString>>;
        agents: z.ZodOptional<z.ZodArray<z.ZodString>>;
        parallel: z.ZodDefault<z.ZodBoolean>;
        when: z.ZodOptional<z.ZodString>;
        gate: z.ZodOptional<z.ZodObject<{
            approvers: z.ZodDefault<z.ZodArray<z.ZodString>>;
            min_approvals: z.ZodDefault<z.ZodInt>;
            via: z.ZodDefault<z.ZodEnum<{
                both: "both";
                comment: "comment";
                review: "review";
            }>>;
            max_revisions: z.ZodDefault<z.ZodInt>;
            sla: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            allow_requester: z.ZodDefault<z.ZodBoolean>;
        }, z.core.$strict>>;
        matrix: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodArray<z.ZodString>>>;
        policy: z.ZodOptional<z.ZodObject<{
            max_concurrency: z.ZodOptional<z.ZodInt>;
            retry: z.ZodOptional<z.ZodObject<{
                max_attempts: z.ZodOptional<z.ZodInt>;
                non_retryable: z.ZodOptional<z.ZodArray<z.ZodString>>;
            }, z.core.$strict>>;
            timeout: z.ZodOptional<z.ZodObject<{
                task: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
                phase: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
            }, z.core.$strict>>;
        }, z.core.$strict>>;
        estimate: z.ZodOptional<z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>>>;
    }, z.core.$strict>>>;
    delivery: z.ZodOptional<z.ZodObject<{
        pr: z.ZodDefault<z.ZodEnum<{
            draft: "draft";
            ready: "ready";
        }>>;
        merge: z.ZodDefault<z.ZodEnum<{
            auto: "auto";
            manual: "manual";
            off: "off";
        }>>;
        merge_method: z.ZodDefault<z.ZodEnum<{
            merge: "merge";
            rebase: "rebase";
            squash: "squash";
        }>>;
        environments: z.ZodDefault<z.ZodArray<z.ZodString>>;
        delete_branches: z.ZodDefault<z.ZodBoolean>;
        revise_phase: z.ZodOptional<z.ZodString>;
        max_revisions: z.ZodDefault<z.ZodInt>;
    }, z.core.$strict>>;
}, z.core.$strict>;
export type Plan = z.output<typeof PlanSchema>;
export type PlanInput = z.input<typeof PlanSchema>;
export type PolicyConfig = z.output<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;
export type RetryConfig = z.output<typeof RetryPolicy>;
export type AgentConfig = z.output<typeof Agent>;
export type PhaseConfig = z.output<typeof Phase>;
export type GateConfig = z.output<typeof Gate>;
export type DeliveryConfig = z.output<typeof Delivery>;
export type OutputConfig = z.output<typeof Output>;
/** The policy every key of which took its default. */
export declare function defaultPolicy(): PolicyConfig;
