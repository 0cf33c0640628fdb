import { describe, expect, it } from "vitest";
import { phaseStatus } from "../../../src/core/render/mermaid.ts";
import type { ExecutionState } from "../../../src/core/state/index.ts";

/** A state whose tasks have the given statuses (all a phase status reads). */
function withTasks(statuses: Record<string, string>): ExecutionState {
  return {
    tasks: Object.fromEntries(Object.entries(statuses).map(([id, status]) => [id, { status }])),
  } as never;
}

describe("phaseStatus", () => {
  it("tells failed, blocked and cancelled phases apart, failure first", () => {
    const phase = (...tasks: string[]) => ({ tasks });
    const s = withTasks({
      a: "succeeded",
      f: "failed",
      b: "blocked",
      e: "escalated",
      c: "cancelled",
      r: "in_progress",
    });
    expect(phaseStatus(s, phase("a", "c"))).toBe("cancelled");
    expect(phaseStatus(s, phase("a", "b", "c"))).toBe("blocked");
    expect(phaseStatus(s, phase("e"))).toBe("blocked");
    expect(phaseStatus(s, phase("f", "b", "c"))).toBe("failed");
    expect(phaseStatus(s, phase("a", "r"))).toBe("running");
    expect(phaseStatus(s, { tasks: ["a"], skipped: "not needed" })).toBe("skipped");
  });
});
