/** Minimal shape the priority computation needs. */
export interface PriorityInput {
    id: string;
    needs: readonly string[];
    estimate_ms: number;
}
/**
 * Critical-path priority ("bottom level") of every task: the longest sum of estimates on a path
 * from the task to the end of the graph, the task included. Scheduling the highest first is
 * the classic list-scheduling heuristic that keeps the critical path moving. O(V + E).
 * Tasks on a cycle (which validation rejects earlier) get their own estimate.
 */
export declare function criticalPathPriorities(tasks: readonly PriorityInput[]): Map<string, number>;
/**
 * The priorities of `criticalPathPriorities`, by position in `tasks` rather than by id: what the
 * map would hold for each task's id (a repeated id stands for its last task). `unique`: no id is
 * repeated.
 */
export declare function bottomLevels(tasks: readonly PriorityInput[]): {
    priorities: Float64Array;
    unique: boolean;
};
