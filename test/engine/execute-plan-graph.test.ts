import { describe, expect, it } from "vitest";
import { buildGraph } from "../../src/core/graph/build-graph.ts";
import { EMPTY_REPO, factsOf } from "../../src/core/plan/facts.ts";
import { type Plan, PlanSchema } from "../../src/core/plan/schema.ts";
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
  it("tells telemetry who approved and who rejected a gate, and why, secrets scrubbed", async () => {
    const records: { name: string; message?: string }[] = [];
    let asked = 0;
    const { result } = await run(gated(1).graph, {
      secrets: ["hunter2-secret"],
      onEvent: (e) => records.push({ name: e.name, ...(e.message ? { message: e.message } : {}) }),
      approve: () =>
        asked++ === 0
          ? { approved: false, by: "ann", reason: "uses hunter2-secret" }
          : { approved: true, by: "bob" },
    });
    expect(result.status).toBe("succeeded");
    expect(records.filter((r) => r.name.startsWith("gate_"))).toEqual([
      { name: "gate_opened", message: "spec" },
      { name: "gate_rejected", message: "spec by ann: uses ***" },
      { name: "gate_opened", message: "spec" },
      { name: "gate_approved", message: "spec by bob" },
    ]);
  });

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

describe("executeGraph: the plan's limits (options.plan)", () => {
  const limited = () =>
    planGraph({
      agents: { a: { run: "x", max_concurrency: 1 }, b: { run: "x" } },
      phases: [
        { id: "p", agents: ["a"], matrix: { m: ["1", "2", "3"] } },
        { id: "q", agents: ["b"], matrix: { m: ["1", "2", "3", "4"] }, policy: { max_concurrency: 2 } },
      ],
    });

  /** Runs the graph (each task 1 s) and returns the most tasks of each phase that ran at once. */
  async function peaks(graph: ReturnType<typeof limited>["graph"], plan: Plan | undefined) {
    const clock = new VirtualClock();
    const running = { p: 0, q: 0 };
    const peak = { p: 0, q: 0 };
    const result = await executeGraph(graph, undefined, {
      clock,
      ...(plan ? { plan } : {}),
      run: async (task, ctx) => {
        const phase = task.phase as "p" | "q";
        running[phase]++;
        peak[phase] = Math.max(peak[phase], running[phase]);
        try {
          await clock.sleep(1000, ctx.signal);
        } finally {
          running[phase]--;
        }
        return {};
      },
    });
    return { result, peak, wall: clock.now() };
  }

  it("applies agents.*.max_concurrency and phases[].policy.max_concurrency", async () => {
    const { plan, graph } = limited();
    const { result, peak, wall } = await peaks(graph, plan);
    expect(result.status).toBe("succeeded");
    expect(peak).toEqual({ p: 1, q: 2 });
    expect(wall).toBe(3000);
  });

  it("uses the plan's policy when the policy argument is undefined", async () => {
    const { plan, graph } = limited();
    const { peak, wall } = await peaks(graph, { ...plan, policy: { ...plan.policy, max_concurrency: 1 } });
    expect(peak).toEqual({ p: 1, q: 1 });
    expect(wall).toBe(7000);
  });

  it("refuses a plan that is not the graph's, naming the phases it lacks", async () => {
    const { graph } = limited();
    const other = planGraph({ agents: { a: { run: "x" } }, phases: [{ id: "p", agents: ["a"] }] }).plan;
    await expect(executeGraph(graph, {}, { plan: other, run: async () => ({}) })).rejects.toMatchObject({
      code: "plan_mismatch",
      message: 'options.plan has no phase "q" of the graph',
      hint: "pass the plan the graph was built from (buildGraph(plan, …))",
    });
  });
});
