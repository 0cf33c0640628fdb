/**
 * Finds cycles in a directed graph given as adjacency lists over node indices (`edges[i]` lists the
 * nodes `i` points to). Each cycle is returned once, as node indices in edge order, rotated to start
 * at its smallest index (without repeating it at the end). Iterative, O(V+E) plus the cycles' length.
 */
export declare function findCycles(edges: readonly (readonly number[])[], limit?: number): number[][];
