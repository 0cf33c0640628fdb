export { buildGraph } from "./build-graph.ts";
export { type ExpandedPhase, expandPhase, matrixCombinations } from "./expand-phase.ts";
export { findCycles } from "./find-cycles.ts";
export type { PhaseNode, TaskGraph, TaskNode } from "./types.ts";
export { DEFAULT_ESTIMATE_MS, type GraphResult, graphProblems, validateGraph } from "./validate-graph.ts";
