/**
 * The library API: run task graphs in this process, and the plan model the GitHub App, the
 * Action and the CLI share.
 */
export { OrchestrateError, TaskFailure } from "./core/errors.ts";
export { buildGraph, validateGraph } from "./core/graph/index.ts";
export type { PhaseNode, TaskGraph, TaskNode } from "./core/graph/types.ts";
export {
  EMPTY_REPO,
  factsOf,
  formatProblem,
  loadPlan,
  type Plan,
  type PolicyConfig,
  type PolicyInput,
  type Problem,
  type RepoFacts,
} from "./core/plan/index.ts";
export type { Metrics, OrchestrationResult, TaskResult } from "./core/report/summarize.ts";
export { summarize } from "./core/report/summarize.ts";
export { parseRequest, type Request } from "./core/request/index.ts";
export { createScrubber, scrub } from "./core/scrub/index.ts";
export { type ExecutionEvent, type ExecutionState, reduce, replay } from "./core/state/index.ts";
export { Engine, type EngineOptions } from "./engine/engine.ts";
export {
  type ExecuteOptions,
  executeGraph,
  executeParallel,
  type GateDecision,
  type GateRequest,
  type TaskSpecInput,
} from "./engine/execute-graph.ts";
export type { RunContext, SharedContext, TaskOutput } from "./engine/in-process-runner.ts";
export { seededRandom } from "./engine/seeded-random.ts";
export { VirtualClock } from "./engine/virtual-clock.ts";
export type { Clock, Random } from "./ports/clock.ts";
export type { TelemetryEvent } from "./ports/engine-ports.ts";
