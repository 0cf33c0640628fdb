import { describe, expect, it } from "vitest";
import { buildGraph } from "../../src/core/graph/build-graph.ts";
import { EMPTY_REPO, factsOf } from "../../src/core/plan/facts.ts";
import { PlanSchema } from "../../src/core/plan/schema.ts";
import { parseRequest } from "../../src/core/request/parse-request.ts";
import { type ExecuteOptions, executeGraph, type GateRequest } from "../../src/engine/execute-graph.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";

/** A parsed plan and the graph built from it. */
function planGraph(input: Record<string, unknown>) {
  const plan = PlanSchema.parse({ version: 1, ...input });
  const built = buildGraph(plan, factsOf(parseRequest({ body: "Project: x" }, { now: 0 }), EMPTY_REPO));
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  return { plan, graph: built.graph };
}

/** `spec` (gated, `min_approvals` as given) then `build`. */
function gated(minApprovals: number) {
  return planGraph({
    agents: { writer: { run: "x" } },
    phases: [
      { id: "spec", agents: ["writer"], gate: { min_approvals: minApprovals } },
      { id: "build", needs: ["spec"], agents: ["writer"] },
    ],
  });
}

async function run(graph: ReturnType<typeof gated>["graph"], extra: Partial<ExecuteOptions>) {
  const clock = new VirtualClock();
  const result = await executeGraph(graph, {}, { clock, run: async () => ({ summary: "ok" }), ...extra });
  return { result, clock };
}

describe("executeGraph: gates", () => {
  it("asks approve again while a gate needs more approvals, telling who approved so far", async () => {
    const asked: GateRequest[] = [];
    const { result, clock } = await run(gated(3).graph, {
      approve: (_phase, _state, gate) => {
        asked.push(structuredClone(gate));
        return { approved: true, by: `reviewer-${gate.approved_by.length + 1}` };
      },
    });
    expect(asked).toEqual([
      { approved_by: [], min_approvals: 3, revision: 0 },
      { approved_by: ["reviewer-1"], min_approvals: 3, revision: 0 },
      { approved_by: ["reviewer-1", "reviewer-2"], min_approvals: 3, revision: 0 },
    ]);
    expect(result.status).toBe("succeeded");
    expect(result.tasks.map((t) => [t.id, t.status])).toEqual([
      ["spec/writer", "succeeded"],
      ["build/writer", "succeeded"],
    ]);
    expect(clock.now()).toBe(0);
  });

  it("approves a gate with min_approvals above 1 by default, one automatic approver per approval", async () => {
    const { result, clock } = await run(gated(2).graph, {});
    expect(result.status).toBe("succeeded");
    expect(clock.now()).toBe(0);
  });

  it("cancels at once, saying why, when the same approver approves twice (it would never open)", async () => {
    for (const decision of [{ approved: true, by: "alice" } as const, { approved: true } as const]) {
      let calls = 0;
      const { result, clock } = await run(gated(2).graph, {
        approve: () => {
          calls++;
          return decision;
        },
      });
      const by = decision.by ?? "auto";
      expect(result.status).toBe("cancelled");
      expect(result.reason).toBe(
        `gate decision for phase spec failed: the gate needs 2 approvals from different approvers, and "${by}" has approved it already (when asked again, return another \`by\`)`,
      );
      expect(calls).toBe(2);
      expect(clock.now()).toBe(0);
    }
  });

  it("stops asking once the execution is cancelled while a gate waits for approvals", async () => {
    const controller = new AbortController();
    let calls = 0;
    const { result } = await run(gated(3).graph, {
      signal: controller.signal,
      approve: async (_phase, _state, gate) => {
        calls++;
        if (gate.approved_by.length === 1) controller.abort();
        return { approved: true, by: `reviewer-${gate.approved_by.length + 1}` };
      },
    });
    expect(result.status).toBe("cancelled");
    expect(result.reason).toBe("aborted by the caller");
    expect(calls).toBe(2);
  });

  it("cancels, as for a rejected promise, when approve throws synchronously", async () => {
    const approvers = [
      () => {
        throw new Error("no approver");
      },
      async () => {
        throw new Error("no approver");
      },
    ];
    for (const approve of approvers) {
      const { result } = await run(gated(1).graph, { approve });
      expect(result.status).toBe("cancelled");
      expect(result.reason).toBe("gate decision for phase spec failed: no approver");
      expect(result.tasks.map((t) => t.status)).toEqual(["cancelled", "cancelled"]);
    }
  });

  it("cancels with the expected shape when approve returns no decision", async () => {
    const { result, clock } = await run(gated(1).graph, {
      approve: (() => undefined) as unknown as ExecuteOptions["approve"],
    });
    expect(result.status).toBe("cancelled");
    expect(result.reason).toBe(
      "gate decision for phase spec failed: approve returned undefined; return { approved: true, by } or { approved: false, by, reason }",
    );
    expect(clock.now()).toBe(0);
  });
});
