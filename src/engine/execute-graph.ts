import { OrchestrateError } from "../core/errors.ts";
import { graphProblems } from "../core/graph/index.ts";
import type { TaskGraph, TaskNode } from "../core/graph/types.ts";
import { formatProblem } from "../core/plan/problem.ts";
import { type Plan, Policy, type PolicyConfig, type PolicyInput } from "../core/plan/schema.ts";
import { type OrchestrationResult, summarize } from "../core/report/summarize.ts";
import { createScrubber } from "../core/scrub/index.ts";
import { startEventOf } from "../core/state/from-plan.ts";
import type { ExecutionState } from "../core/state/index.ts";
import { type Clock, type Random, systemClock } from "../ports/clock.ts";
import type { NewEvent, Telemetry } from "../ports/engine-ports.ts";
import { Engine } from "./engine.ts";
import { errorMessage, inProcessRunner, type TaskFunction } from "./in-process-runner.ts";

/** A gate decision for library use. */
export type GateDecision = { approved: true; by?: string } | { approved: false; by?: string; reason: string };

/** What `approve` is asked about, besides the phase and the state. */
export interface GateRequest {
  /** Who has approved the gate since it opened: a gate with `min_approvals` above 1 asks again. */
  approved_by: readonly string[];
  /** Approvals the gate needs, each from a different `by`. */
  min_approvals: number;
  /** Times the phase was sent back by a rejection so far. */
  revision: number;
}

export interface ExecuteOptions {
  /** Runs one task attempt. Throw to fail it (a `TaskFailure` sets the error kind). */
  run: TaskFunction;
  clock?: Clock;
  random?: Random;
  /** Telemetry: lifecycle, task and heartbeat records, secrets scrubbed. */
  onEvent?: Telemetry;
  /** Aborting it cancels the execution. */
  signal?: AbortSignal;
  /** Secret values scrubbed from telemetry and from the result's free text. */
  secrets?: readonly string[];
  /** Initial shared context. */
  context?: Record<string, unknown>;
  /** Execution id (default `exec-<random>`). */
  id?: string;
  /**
   * Decides gated phases; default: approve at once (`by: "auto"`, then `auto-2`, … for a gate with
   * `min_approvals` above 1). It is asked again while the gate is open after an approval, until the
   * gate has `min_approvals` approvals from different `by`s; an approval by someone who approved
   * already cancels the execution (it would never open the gate). A throw or rejection cancels it.
   */
  approve?: (phase: string, state: ExecutionState, gate: GateRequest) => GateDecision | Promise<GateDecision>;
  /**
   * The plan the graph was built from (`buildGraph(plan, …)`): its agents' `max_concurrency` and
   * its phases' `policy` apply, and its `policy` when the `policy` argument is undefined. Its
   * `delivery` does not (nothing is delivered here).
   */
  plan?: Plan;
}

/** A task for `executeParallel`. */
export interface TaskSpecInput {
  id?: string;
  agent: string;
  prompt: string;
  params?: Record<string, unknown>;
  estimate_ms?: number;
}

function resolvePolicy(input: PolicyInput | PolicyConfig | undefined): PolicyConfig {
  const parsed = Policy.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => `policy.${i.path.join(".")}: ${i.message}`);
  throw new OrchestrateError("policy_invalid", `invalid policy: ${details.join("; ")}`, {
    hint: "policy keys are those of .github/orchestrate.yml's `policy` (see the README)",
    details,
  });
}

/**
 * Whether nothing in this process can move the execution on: it is blocked (a gate rejected past
 * its revision limit, a merge conflict, tasks that cannot start), nothing runs, and no timer but
 * the execution's own time limit is set (a retry backoff or a circuit breaker's cooldown would).
 * On GitHub or in the CLI a person unblocks it; the library has no one to ask.
 */
function stuck(state: ExecutionState): boolean {
  if (state.status !== "blocked" || state.finished_at !== undefined) return false;
  // (Blocked means nothing runs: settle says `running` while anything is in flight.)
  for (const id in state.timers) if (id !== "execution") return false;
  return true;
}

/**
 * The result with secrets and known token formats masked in its free text: error kinds and
 * messages, artifact names and paths, summaries, reasons, and context keys and values.
 */
function scrubbed(result: OrchestrationResult, secrets: readonly string[]): OrchestrationResult {
  const scrub = createScrubber(secrets);
  const deep = (value: unknown): unknown => {
    if (typeof value === "string") return scrub(value);
    if (Array.isArray(value)) return value.map(deep);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k), deep(v)]));
    return value;
  };
  for (const task of result.tasks) {
    if (task.errors.length > 0)
      task.errors = task.errors.map((e) => ({ ...e, kind: scrub(e.kind), message: scrub(e.message) }));
    if (task.artifacts.length > 0)
      task.artifacts = task.artifacts.map((a) => ({ ...a, name: scrub(a.name), path: scrub(a.path) }));
    if (task.summary !== undefined) task.summary = scrub(task.summary);
    if (task.reason !== undefined) task.reason = scrub(task.reason);
  }
  if (result.reason !== undefined) result.reason = scrub(result.reason);
  if (result.merged.summary) result.merged.summary = scrub(result.merged.summary);
  if (result.merged.conflicts.length > 0)
    result.merged.conflicts = deep(result.merged.conflicts) as typeof result.merged.conflicts;
  if (Object.keys(result.context).length > 0) result.context = deep(result.context) as typeof result.context;
  return result;
}

/**
 * Runs a task graph in this process: dependencies first, critical path first, within the
 * policy's concurrency, retry, timeout, cancellation, circuit-breaker and budget rules.
 * Resolves when every task is final, or with status `blocked` (and its reason) when nothing in
 * this process can move it on (a gate rejected past `max_revisions`, a merge conflict); never
 * rejects for task failures (see `status`). Free text in the result (errors, artifacts,
 * summaries, reasons, context) is scrubbed of `secrets` and known token formats, as telemetry is.
 * While it runs it keeps the Node.js process alive (engine timers alone do not).
 */
export async function executeGraph(
  graph: TaskGraph | { tasks: TaskNode[] },
  policy: PolicyInput | undefined,
  options: ExecuteOptions,
): Promise<OrchestrationResult> {
  const resolved = resolvePolicy(policy ?? options.plan?.policy);
  const full = checkedGraph(graph);
  const plan = options.plan ? limitsOf(options.plan, full) : undefined;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  let engine!: Engine;
  let settle!: (state: ExecutionState) => void;
  const blocked = new Promise<ExecutionState>((resolve) => {
    settle = resolve;
  });
  const runner = inProcessRunner(options.run, () => engine.state);
  engine = new Engine({
    clock,
    random,
    runner,
    onIdle: (state) => {
      if (stuck(state)) settle(state);
    },
    ...(options.onEvent ? { telemetry: options.onEvent } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    gatekeeper: {
      open(gate, _state, send) {
        decideGate(gate.phase, gate.revision, options.approve, () => engine.state!, send);
      },
    },
  });
  const onAbort = () => engine.send({ type: "cancel_requested", reason: "aborted by the caller" });
  if (options.signal?.aborted) throw new OrchestrateError("aborted", "the signal was already aborted");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  // Retry backoffs and time limits run on timers that do not hold the process open by themselves.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    const execution = options.id ?? `exec-${Math.floor(random() * 2 ** 32).toString(36)}`;
    engine.send(
      startEventOf(full, resolved, {
        execution,
        seed: Math.floor(random() * 2 ** 31),
        ...(plan ? { plan } : {}),
        ...(options.context ? { context: options.context } : {}),
      }),
    );
    const final = await Promise.race([engine.done, blocked]);
    if (final.finished_at === undefined) engine.stop();
    return scrubbed(summarize(final, final.finished_at ?? clock.now()), options.secrets ?? []);
  } finally {
    clearInterval(keepAlive);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * The graph's tasks and phases, its tasks checked as `validateGraph` checks them (shapes, unique
 * ids, known needs, no cycle): a graph given to the library may come from anywhere. The run needs
 * no levels or critical path.
 */
function checkedGraph(graph: TaskGraph | { tasks: TaskNode[] }): Pick<TaskGraph, "tasks" | "phases"> {
  if (graph === null || typeof graph !== "object" || !Array.isArray(graph.tasks))
    throw new OrchestrateError("graph_invalid", "invalid task graph: expected { tasks: [...] }", {
      hint: "pass { tasks } (each task { id, agent, needs }) or a graph from buildGraph",
    });
  const problems = graphProblems(graph.tasks);
  if (problems.length > 0) {
    const details = problems.map(formatProblem);
    throw new OrchestrateError("graph_invalid", `invalid task graph: ${details.join("; ")}`, { details });
  }
  const phases = "phases" in graph && Array.isArray(graph.phases) ? graph.phases : [];
  return { tasks: graph.tasks, phases };
}

/**
 * The plan's per-agent and per-phase limits for this graph: the plan without its delivery. Each
 * phase of the graph must be one of the plan's, or its limits would be silently lost.
 */
function limitsOf(plan: Plan, graph: Pick<TaskGraph, "phases">): Plan {
  const known = new Set((plan.phases ?? []).map((p) => p.id));
  const missing = graph.phases.filter((p) => !known.has(p.id)).map((p) => p.id);
  if (missing.length > 0)
    throw new OrchestrateError(
      "plan_mismatch",
      `options.plan has no phase ${missing.map((id) => `"${id}"`).join(", ")} of the graph`,
      { hint: "pass the plan the graph was built from (buildGraph(plan, …))" },
    );
  const { delivery: _, ...limits } = plan;
  return limits;
}

/**
 * Asks `approve` about an open gate and sends its decision; while the gate stays open after an
 * approval (it needs more than one), asks again, telling who approved so far. Stops once the
 * gate is decided or is no longer the one opened (a revision, a cancel). A decision the gate
 * cannot take (the same approver twice, not a decision at all), a throw or a rejection cancels
 * the execution with the reason: nothing in this process would decide the gate otherwise.
 */
function decideGate(
  phase: string,
  revision: number,
  approve: ExecuteOptions["approve"],
  stateOf: () => ExecutionState,
  send: (event: NewEvent) => void,
): void {
  const gate = openGate(stateOf(), phase, revision);
  if (!gate) return;
  const approvedBy = gate.approvals.map((a) => a.by);
  const request: GateRequest = { approved_by: approvedBy, min_approvals: gate.needed, revision };
  const fail = (why: string) =>
    send({ type: "cancel_requested", reason: `gate decision for phase ${phase} failed: ${why}` });
  const ask = async (): Promise<GateDecision> =>
    approve
      ? approve(phase, stateOf(), request)
      : { approved: true, by: approvedBy.length === 0 ? "auto" : `auto-${approvedBy.length + 1}` };
  ask()
    .then((decision) => {
      // The gate may have been decided or reopened while the decision was awaited.
      const now = openGate(stateOf(), phase, revision);
      if (!now) return;
      const problem = decisionProblem(decision);
      if (problem) return fail(problem);
      const by = decision.by ?? "auto";
      if (!decision.approved) return send({ type: "gate_rejected", phase, by, reason: decision.reason });
      if (now.approvals.some((a) => a.by === by))
        return fail(
          `the gate needs ${now.needed} approvals from different approvers, and "${by}" has approved it already (when asked again, return another \`by\`)`,
        );
      const given = now.approvals.length;
      send({ type: "gate_approved", phase, by });
      // Asked again only once this approval is recorded and the gate still waits for more.
      const after = openGate(stateOf(), phase, revision);
      if (after && after.approvals.length > given) decideGate(phase, revision, approve, stateOf, send);
    })
    .catch((error: unknown) => fail(errorMessage(error)));
}

/**
 * The gate of `phase` when it is open at `revision` in an execution still going: its approvals so
 * far and how many it needs.
 */
function openGate(
  state: ExecutionState,
  phase: string,
  revision: number,
): { approvals: readonly { by: string }[]; needed: number } | undefined {
  if (state.finished_at !== undefined) return undefined;
  const gate = Object.hasOwn(state.phase_state, phase) ? state.phase_state[phase]!.gate : undefined;
  if (gate?.status !== "open" || gate.revisions !== revision) return undefined;
  const needed = state.phases.find((p) => p.id === phase)?.gate?.min_approvals ?? 1;
  return { approvals: gate.approvals, needed };
}

/** Why a value `approve` resolved with is not a `GateDecision`, or undefined. */
function decisionProblem(decision: unknown): string | undefined {
  const shape = "return { approved: true, by } or { approved: false, by, reason }";
  if (decision === null || typeof decision !== "object")
    return `approve returned ${String(decision)}; ${shape}`;
  const d = decision as Record<string, unknown>;
  if (typeof d.approved !== "boolean") return `approve returned no boolean \`approved\`; ${shape}`;
  if (d.by !== undefined && (typeof d.by !== "string" || d.by === ""))
    return `\`by\` must be a non-empty string; ${shape}`;
  if (!d.approved && typeof d.reason !== "string") return `a rejection needs a \`reason\` string; ${shape}`;
  return undefined;
}

/** Runs independent tasks in parallel under the policy. Ids default to `<agent>-<n>`. */
export async function executeParallel(
  tasks: readonly TaskSpecInput[],
  policy: PolicyInput | undefined,
  options: ExecuteOptions,
): Promise<OrchestrationResult> {
  if (!Array.isArray(tasks))
    throw new OrchestrateError("graph_invalid", "invalid tasks: expected a list", {
      hint: 'pass [{ agent, prompt }, …], e.g. [{ agent: "reviewer", prompt: "review A" }]',
    });
  const nodes: TaskNode[] = tasks.map((t: TaskSpecInput | null, i) =>
    // Not a task: left as it is, for the graph check to name it.
    t === null || typeof t !== "object"
      ? (t as unknown as TaskNode)
      : {
          id: t.id ?? `${t.agent}-${i + 1}`,
          agent: t.agent,
          needs: [],
          prompt: t.prompt,
          ...(t.params ? { params: t.params } : {}),
          ...(t.estimate_ms !== undefined ? { estimate_ms: t.estimate_ms } : {}),
        },
  );
  return executeGraph({ tasks: nodes }, policy, options);
}
