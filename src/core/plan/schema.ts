import { z } from "zod";
import { parseDuration } from "./duration.ts";

/**
 * The `.github/orchestrate.yml` schema. This file is the single source of the plan's TypeScript
 * types, its runtime validation and the published `schema/orchestrate.schema.json`.
 * Key names are a public contract: rename nothing.
 */

const DURATION_PATTERN = "^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)?\\s*$";

/** A duration written as text. */
const DurationText = z.string().regex(new RegExp(DURATION_PATTERN), {
  message: 'expected a duration such as "500ms", "30s", "10m", "2h", "1d" or a number of seconds',
});

/**
 * `500ms`, `30s`, `10m`, `2h`, `1d` or a plain number of seconds; parsed to milliseconds. 0 is
 * allowed: a retry delay or an estimate may be nothing.
 */
export const Duration = z
  .union([DurationText, z.number().nonnegative()])
  .transform((value) => parseDuration(value) ?? 0)
  .meta({ description: 'A duration: "500ms", "30s", "10m", "2h", "1d", or a number of seconds.' });

/**
 * Why a duration of 0 is refused where it is, and what to write instead, by message (the problem's
 * hint). A time limit of 0 is not "no limit": it runs out at once (every task attempt would fail
 * "exceeded its time limit", an execution would fail as it starts). A cooldown of 0 would let an
 * agent that keeps failing run again at once.
 */
export const ZERO_DURATION_HINTS: ReadonlyMap<string, string> = new Map([
  [
    'must be longer than 0: a time limit of 0 runs out at once, it does not mean "no limit"',
    'to allow a long time, write a long duration such as "7d"; leave the key out for its default',
  ],
  [
    "must be longer than 0: a cooldown of 0 would let an agent that keeps failing run again at once",
    "to fail its tasks at once instead, set on_open: fail; to open the circuit later, raise failures",
  ],
]);

const [ZERO_LIMIT, ZERO_COOLDOWN] = [...ZERO_DURATION_HINTS.keys()] as [string, string];

/** Text that reads as a duration of 0 (`0`, `0s`, `0.0m`). */
const ZERO_PATTERN = "^(?!\\s*0*(\\.0*)?\\s*(ms|s|m|h|d)?\\s*$)";

/**
 * A duration longer than 0, refused with `message` when it is 0 (a text that rounds to 0 ms, such
 * as `0.1ms`, too): a time limit (`timeout.*`, a gate's `sla`) or a circuit's `cooldown`.
 */
function positiveDuration(message: string) {
  return z
    .union([
      DurationText.regex(new RegExp(ZERO_PATTERN), { message }),
      z.number().nonnegative({ abort: true }).positive({ message }),
    ])
    .transform((value) => parseDuration(value) ?? 0)
    .refine((ms) => ms > 0, { message })
    .meta({
      description: 'A duration longer than 0: "500ms", "30s", "10m", "2h", "1d", or a number of seconds.',
    });
}

/** A time limit: longer than 0. */
const Limit = positiveDuration(ZERO_LIMIT);

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
  message: "ids use letters, digits, '-' and '_', and start with a letter or digit",
});

/**
 * A matrix value: it becomes part of task ids (`development/dev@backend`) and of task branch
 * names, so it is id-safe and a valid git ref component (no `..`, no trailing `.` or `.lock`).
 */
const MatrixValue = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    message: "matrix values use letters, digits, '-', '_' and '.', and start with a letter or digit",
  })
  .regex(/^(?!.*\.\.)(?!.*\.$)(?!.*\.lock$)/, {
    message: "matrix values cannot contain '..' or end with '.' or '.lock' (they name git branches)",
  });

export const RetryPolicy = z
  .strictObject({
    max_attempts: z
      .int()
      .min(1)
      .default(3)
      .describe("Attempts per task, the first included. 1 disables retry."),
    backoff: z
      .enum(["exponential", "fixed"])
      .default("exponential")
      .describe("How the delay between attempts grows."),
    initial_interval: Duration.prefault(1).describe("Delay before the first retry."),
    max_interval: Duration.optional().describe("Upper bound of the delay. Default: 100 × initial_interval."),
    backoff_coefficient: z.number().min(1).default(2).describe("Growth factor of exponential backoff."),
    jitter: z.boolean().default(true).describe("Spread delays randomly over [50%, 100%] of their value."),
    non_retryable: z
      .array(z.string())
      .default([])
      .describe("Error kinds that fail a task at once (e.g. output_missing, budget)."),
  })
  .refine((retry) => retry.max_interval === undefined || retry.max_interval >= retry.initial_interval, {
    path: ["max_interval"],
    message: "max_interval is below initial_interval; raise max_interval or lower initial_interval",
    // Checked even when other retry keys are wrong, so every problem is reported at once.
    when: ({ value }) => {
      const retry = value as { initial_interval?: unknown; max_interval?: unknown };
      return typeof retry.initial_interval === "number" && typeof retry.max_interval === "number";
    },
  });

export const TimeoutPolicy = z.strictObject({
  task: Limit.optional().describe("Limit of one task attempt. Default 60m."),
  phase: Limit.optional().describe("Limit of one phase, from its first dispatch to its last result."),
  execution: Limit.optional().describe("Limit of the whole execution. Default 24h."),
});

export const BudgetPolicy = z.strictObject({
  usd: z
    .number()
    .positive()
    .optional()
    .describe("Stop dispatching once reported cost reaches this many US dollars."),
  tokens: z.int().positive().optional().describe("Stop dispatching once reported tokens reach this many."),
});

export const CircuitBreakerPolicy = z.strictObject({
  failures: z.int().min(1).default(3).describe("Consecutive failures of one agent that open its circuit."),
  cooldown: positiveDuration(ZERO_COOLDOWN)
    .prefault("10m")
    .describe("How long an open circuit stays open before one trial (half-open)."),
  on_open: z
    .enum(["wait", "fail"])
    .default("wait")
    .describe("While open, the agent's tasks wait for the cooldown, or fail at once."),
});

/** Execution-wide policies. Every key is optional; defaults are documented per key. */
export const Policy = z.strictObject({
  max_concurrency: z
    .int()
    .min(1)
    .default(4)
    .describe("Tasks dispatched or running at once, across the execution."),
  retry: RetryPolicy.prefault({}).describe("How failed task attempts are retried."),
  timeout: TimeoutPolicy.prefault({}).describe(
    "Time limits per task attempt, per phase and for the whole execution.",
  ),
  cancellation: z
    .enum(["isolated", "cascading"])
    .default("isolated")
    .describe(
      "isolated: a failure skips only its dependents. cascading: it cancels everything still running.",
    ),
  fairness: z
    .enum(["round_robin", "shortest_first"])
    .default("round_robin")
    .describe("Tie-break among ready tasks of equal critical-path priority."),
  budget: BudgetPolicy.optional().describe("Cost limits; absent: no limit."),
  circuit_breaker: CircuitBreakerPolicy.prefault({}).describe(
    "Stops dispatching to an agent that keeps failing.",
  ),
});

/** Overrides a phase may set for its own tasks. */
export const PhasePolicy = z.strictObject({
  max_concurrency: z.int().min(1).optional().describe("Tasks of this phase running at once."),
  retry: z
    .strictObject({
      max_attempts: z
        .int()
        .min(1)
        .optional()
        .describe("Attempts per task of this phase, the first included."),
      non_retryable: z
        .array(z.string())
        .optional()
        .describe("Error kinds that fail a task of this phase at once."),
    })
    .optional()
    .describe("Overrides of policy.retry for this phase."),
  timeout: z
    .strictObject({
      task: Limit.optional().describe("Limit of one task attempt in this phase."),
      phase: Limit.optional().describe("Limit of this phase."),
    })
    .optional()
    .describe("Overrides of policy.timeout for this phase."),
});

const OutputPath = z.string().min(1);

export const Output = z.strictObject({
  path: OutputPath.describe("Path inside the task's artifacts folder: relative, no '..' segments."),
  required: z.boolean().default(true).describe("The task fails when a required output is missing."),
  description: z.string().optional().describe("What this output holds, for the agents that read it."),
});

export const Agent = z.strictObject({
  kind: z.enum(["command"]).default("command").describe("command: any program run through `sh -c`."),
  role: z
    .string()
    .optional()
    .describe("The role this agent plays (architect, qa, devops…), shown in reports."),
  description: z.string().optional().describe("What this agent does, shown in reports."),
  run: z.string().min(1).describe("The command line, run with `sh -c` in the working directory."),
  outputs: z.record(z.string(), Output).default({}).describe("Declared outputs: the handoff contract."),
  skills: z.array(z.string()).default([]).describe("Skills this agent brings, for reports and matching."),
  params: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .default({})
    .describe("Free parameters passed to the agent as JSON in ORCHESTRATE_PARAMS."),
  max_concurrency: z.int().min(1).optional().describe("Tasks of this agent running at once."),
  estimate: Duration.optional().describe(
    "Expected duration of one task, for critical-path priority and ETA.",
  ),
  when: z
    .string()
    .optional()
    .describe(
      "Run this agent only when this condition holds, in every phase that lists it; otherwise its tasks are left out of the graph with the reason.",
    ),
});

export const Gate = z.strictObject({
  approvers: z
    .array(z.string())
    .default([])
    .describe("Users or @org/teams who may approve. Empty: anyone with write."),
  min_approvals: z.int().min(1).default(1).describe("Approvals needed to open the gate."),
  via: z.enum(["review", "comment", "both"]).default("both").describe("How approvals are given on GitHub."),
  max_revisions: z.int().min(0).default(3).describe("Rejections before the phase is blocked and escalated."),
  sla: Limit.optional().describe("Escalate once when the gate waits longer than this."),
  allow_requester: z.boolean().default(true).describe("The issue's author may approve."),
});

export const Phase = z.strictObject({
  id: Id.describe("Unique phase id; part of task ids (`phase/agent`)."),
  name: z.string().optional().describe("Display name. Default: the id."),
  description: z.string().optional().describe("What this phase is for, shown in reports."),
  needs: z.array(z.string()).default([]).describe("Phases that must finish (or be skipped) first."),
  agents: z
    .array(z.string())
    .min(1)
    .describe("Agents that run in this phase: one task each (per matrix entry)."),
  parallel: z
    .boolean()
    .default(true)
    .describe("false: the phase's tasks run one after another, in listed order."),
  when: z
    .string()
    .optional()
    .describe('Run only when this condition holds, e.g. "request.needs_auth && !repo.has_code".'),
  gate: Gate.optional().describe("Approval needed after this phase before its dependents start."),
  matrix: z
    .record(Id, z.array(MatrixValue).min(1))
    .optional()
    .describe("One task per combination, e.g. { module: [backend, frontend] }."),
  policy: PhasePolicy.optional().describe("Overrides of the execution policy for this phase's tasks."),
  estimate: Duration.optional().describe(
    "Expected duration of each task of this phase whose agent states none.",
  ),
});

/** What happens once every task succeeded, on GitHub: pull request, CI, merge, deployments. */
export const Delivery = z.strictObject({
  pr: z
    .enum(["ready", "draft"])
    .default("ready")
    .describe(
      "ready: the working branch's pull request is marked ready for review; draft: it stays a draft.",
    ),
  merge: z
    .enum(["auto", "manual", "off"])
    .default("auto")
    .describe(
      "auto: merge when the required checks pass (GitHub auto-merge where allowed); manual: wait for a person to merge; off: do not merge.",
    ),
  merge_method: z
    .enum(["squash", "merge", "rebase"])
    .default("squash")
    .describe("How the pull request is merged."),
  environments: z
    .array(z.string().min(1))
    .default([])
    .describe("Deployments created in order after the merge; each waits for the previous one's success."),
  delete_branches: z.boolean().default(true).describe("Delete the task branches when the execution ends."),
  revise_phase: z
    .string()
    .optional()
    .describe(
      "Phase run again with the failing checks as feedback when CI is red. Default: `testing` if the plan has it, else the last phase.",
    ),
  max_revisions: z.int().min(0).default(3).describe("Red-CI revisions before the execution fails."),
});

/** The top-level keys of a plan whose agents and phases follow `agent` and `phase`. */
function planObject<A extends z.ZodType, P extends z.ZodType>(agent: A, phase: P) {
  return z.strictObject({
    $schema: z.string().optional().describe("JSON Schema reference for editors; ignored."),
    version: z.literal(1).describe("Plan format version. Always 1."),
    extends: z.string().optional().describe("A built-in template whose keys this plan overrides."),
    name: z.string().optional().describe("Display name of the plan."),
    policy: Policy.prefault({}).describe("Execution-wide policies."),
    agents: z.record(Id, agent).default({}).describe("Agents by id."),
    phases: z.array(phase).default([]).describe("Phases, in plan order."),
    delivery: Delivery.optional().describe(
      "Delivery on GitHub after every task succeeded. Absent: no pull request is merged or deployed.",
    ),
  });
}

export const PlanSchema = planObject(Agent, Phase);

/**
 * A plan file that `extends` a template, on its own: an agent may leave out `run` and a phase
 * `agents`, since the template may supply them (an override such as `reviewer: { estimate: 5m }`).
 * Every other rule is the plan's. Checked when the template cannot be read, and published as the
 * JSON Schema's shape for files that set `extends`.
 */
export const PlanOverrideSchema = planObject(Agent.partial({ run: true }), Phase.partial({ agents: true }));

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
export function defaultPolicy(): PolicyConfig {
  return Policy.parse({});
}
