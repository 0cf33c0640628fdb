import type { AgentConfig, PhaseConfig } from "../plan/schema.js";
import type { TaskNode } from "./types.js";
/** The tasks of one phase, before dependencies are added. */
export interface ExpandedPhase {
    tasks: TaskNode[];
    /** Task id → why it was left out. */
    skipped: Record<string, string>;
}
/**
 * Expands a phase into tasks: one per agent × matrix combination (agents outer, combinations in key
 * order, the first key varying slowest). Ids are `phase/agent` or `phase/agent@v1-v2`. Tasks of an
 * agent whose condition is false (`agentSkip` gives the reason) are left out.
 */
export declare function expandPhase(phase: PhaseConfig, agents: Record<string, AgentConfig>, agentSkip: (agent: string) => string | undefined): ExpandedPhase;
/** Every combination of a matrix, in key order; one empty combination when there is no matrix. */
export declare function matrixCombinations(matrix: Record<string, string[]>): Record<string, string>[];
