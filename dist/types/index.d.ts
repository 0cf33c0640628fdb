/**
 * The library API: run task graphs in this process, and the plan model the GitHub App, the
 * Action and the CLI share.
 */
export { OrchestrateError, TaskFailure } from "./core/errors.js";
export { buildGraph, validateGraph } from "./core/graph/index.js";
export type { PhaseNode, TaskGraph, TaskNode } from "./core/graph/types.js";
export { EMPTY_REPO, factsOf, formatProblem, loadPlan, type Plan, type PolicyConfig, type PolicyInput, type Problem, type RepoFacts, } from "./core/plan/index.js";
export type { Metrics, OrchestrationResult, TaskResult } from "./core/report/summarize.js";
export { summarize } from "./core/report/summarize.js";
export { parseRequest, type Request } from "./core/request/index.js";
export { createScrubber, scrub } from "./core/scrub/index.js";
export { type ExecutionEvent, type ExecutionState, reduce, replay } from "./core/state/index.js";
export { Engine, type EngineOptions } from "./engine/engine.js";
export { type ExecuteOptions, executeGraph, executeParallel, type GateDecision, type GateRequest, type TaskSpecInput, } from "./engine/execute-graph.js";
export type { RunContext, SharedContext, TaskOutput } from "./engine/in-process-runner.js";
export { seededRandom } from "./engine/seeded-random.js";
export { VirtualClock } from "./engine/virtual-clock.js";
export type { Clock, Random } from "./ports/clock.js";
export type { TelemetryEvent } from "./ports/engine-ports.js";
