import type { GateConfig } from "../plan/schema.js";
/** One unit of work: one agent run (per matrix entry) in one phase. */
export interface TaskNode {
    /** Stable id, `phase/agent`, or `phase/agent@value` for a matrix entry (values joined by `-`). */
    id: string;
    /** The agent that runs it. */
    agent: string;
    /** The phase it belongs to; absent for tasks given directly to `executeGraph`. */
    phase?: string;
    /** Matrix values of this task, e.g. `{ module: "backend" }`. */
    matrix?: Record<string, string>;
    /** Ids of tasks that must succeed (or be skipped) before this one starts. */
    needs: string[];
    /** Expected duration in ms, for critical-path priority and ETA. */
    estimate_ms?: number;
    /** Free-form instructions for the agent (library use). */
    prompt?: string;
    /** Free parameters for the agent. */
    params?: Record<string, unknown>;
}
/** A phase after expansion: its tasks, or the reason it was skipped. */
export interface PhaseNode {
    id: string;
    name: string;
    /** Phases this one waits for, as written in the plan. */
    needs: string[];
    /** Ids of its tasks, in the plan's order (empty when skipped). */
    tasks: string[];
    /** Why the phase does not run (its `when` is false, or every agent is left out), or absent. */
    skipped?: string;
    /** Tasks left out because their agent's `when` is false: task id → reason. Absent when none. */
    skipped_tasks?: Record<string, string>;
    /** false: its tasks run one after another in this order. */
    parallel: boolean;
    gate?: GateConfig;
    /** Topological level of the phase (0 = no needs). */
    level: number;
}
/** A validated task graph: acyclic, every dependency known. */
export interface TaskGraph {
    tasks: TaskNode[];
    /** Present when the graph was built from a plan. */
    phases: PhaseNode[];
    /** Task ids by topological level: level 0 has no dependencies. */
    levels: string[][];
    /** The longest chain by estimated duration. */
    critical_path: {
        tasks: string[];
        duration_ms: number;
    };
}
