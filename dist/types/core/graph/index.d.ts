export { buildGraph } from "./build-graph.js";
export { type ExpandedPhase, expandPhase, matrixCombinations } from "./expand-phase.js";
export { findCycles } from "./find-cycles.js";
export type { PhaseNode, TaskGraph, TaskNode } from "./types.js";
export { DEFAULT_ESTIMATE_MS, type GraphResult, graphProblems, validateGraph } from "./validate-graph.js";
