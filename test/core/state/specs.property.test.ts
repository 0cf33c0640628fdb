import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import { criticalPathPriorities } from "../../../src/core/schedule/priority.ts";
import { dependentsOf, specsInOrder } from "../../../src/core/state/derived.ts";
import { buildSpecs } from "../../../src/core/state/start.ts";
import type { ExecutionState } from "../../../src/core/state/types.ts";

// Ids that objects list in different orders: names in insertion order, array indices first.
const id = fc.oneof(
  fc.constantFrom("a", "b", "c", "x-1", "build"),
  fc.constantFrom("0", "1", "7", "10", "01", "4294967294", "4294967295"),
  fc.integer({ min: 0, max: 40 }).map((n) => `t${n}`),
);

const taskList = fc.array(
  fc.record({
    id,
    needs: fc.array(id, { maxLength: 3 }),
    estimate_ms: fc.integer({ min: 0, max: 100 }),
  }),
  { maxLength: 25 },
);

const inputs = (tasks: { id: string; needs: string[]; estimate_ms: number }[]) =>
  tasks.map((t) => ({ ...t, agent: "worker" }));

describe("task specs: what is derived from them", () => {
  it("lists the specs in Object.values order, after tasks are added too", () => {
    fc.assert(
      fc.property(taskList, taskList, (first, added) => {
        const policy = defaultPolicy();
        const specs = buildSpecs(inputs(first), [], policy);
        expect(specsInOrder(specs)).toEqual(Object.values(specs));
        for (const [i, spec] of specsInOrder(specs).entries()) expect(spec).toBe(Object.values(specs)[i]);
        const more = buildSpecs(inputs(added), [], policy, specs);
        expect(specsInOrder(more)).toEqual(Object.values(more));
        // Dependents: every spec that lists a task, in that order (once per listing).
        const state = { specs: more } as ExecutionState;
        for (const spec of Object.values(more)) {
          const expected = Object.values(more).flatMap((s) =>
            s.needs.filter((n) => n === spec.id).map(() => s.id),
          );
          expect(dependentsOf(state, spec.id)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives each task of a graph its longest estimated path to the end", () => {
    const graph = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.array(fc.nat(), { maxLength: 3 })), {
        maxLength: 30,
      })
      .map((rows) =>
        rows.map(([estimate_ms, picks], i) => ({
          id: `t${i}`,
          estimate_ms,
          // Needs of earlier tasks only: acyclic.
          needs: i === 0 ? [] : picks.map((p) => `t${p % i}`),
        })),
      );
    fc.assert(
      fc.property(graph, (tasks) => {
        const memo = new Map<string, number>();
        const longest = (task: string): number => {
          const known = memo.get(task);
          if (known !== undefined) return known;
          const after = tasks.filter((t) => t.needs.includes(task)).map((t) => longest(t.id));
          const value = tasks.find((t) => t.id === task)!.estimate_ms + Math.max(0, ...after);
          memo.set(task, value);
          return value;
        };
        const priorities = criticalPathPriorities(tasks);
        for (const t of tasks) expect(priorities.get(t.id)).toBe(longest(t.id));
      }),
      { numRuns: 300 },
    );
  });
});
