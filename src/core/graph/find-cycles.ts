/**
 * Finds cycles in a directed graph given as adjacency lists over node indices (`edges[i]` lists the
 * nodes `i` points to). Each cycle is returned once, as node indices in edge order, rotated to start
 * at its smallest index (without repeating it at the end). Iterative, O(V+E) plus the cycles' length.
 */
export function findCycles(edges: readonly (readonly number[])[], limit = 50): number[][] {
  const count = edges.length;
  const state = new Uint8Array(count); // 0 unvisited, 1 on the stack, 2 done
  const stackPos = new Int32Array(count).fill(-1);
  const cycles: number[][] = [];
  const seen = new Set<string>();
  const path: number[] = [];
  const cursor: number[] = [];

  for (let root = 0; root < count && cycles.length < limit; root++) {
    if (state[root] !== 0) continue;
    push(root);
    while (path.length > 0 && cycles.length < limit) {
      const top = path.length - 1;
      const node = path[top]!;
      const at = cursor[top]!;
      const next = edges[node]![at];
      if (next === undefined) {
        state[node] = 2;
        stackPos[node] = -1;
        path.pop();
        cursor.pop();
        continue;
      }
      cursor[top] = at + 1;
      if (next < 0 || next >= count) continue;
      if (state[next] === 0) push(next);
      else if (state[next] === 1) record(path.slice(stackPos[next]!));
    }
  }
  return cycles;

  function push(node: number): void {
    state[node] = 1;
    stackPos[node] = path.length;
    path.push(node);
    cursor.push(0);
  }

  function record(cycle: number[]): void {
    let start = 0;
    for (let i = 1; i < cycle.length; i++) if (cycle[i]! < cycle[start]!) start = i;
    const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
    const key = rotated.join(",");
    if (seen.has(key)) return;
    seen.add(key);
    cycles.push(rotated);
  }
}
