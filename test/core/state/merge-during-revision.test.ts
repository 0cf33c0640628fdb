import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import {
  type Effect,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
} from "../../../src/core/state/index.ts";
import type { DeliverySpec } from "../../../src/core/state/types.ts";

const SPEC: DeliverySpec = {
  pr: "ready",
  merge: "auto",
  merge_method: "squash",
  environments: ["staging"],
  delete_branches: true,
  revise_phase: "testing",
  max_revisions: 2,
};

function run(policy = defaultPolicy()) {
  let n = 0;
  let state: ExecutionState | undefined;
  const send = (input: Record<string, unknown>): Effect[] => {
    const event = EventSchema.parse({ id: `e${++n}`, at: n * 10, ...input }) as ExecutionEvent;
    const out = reduce(state, event);
    state = out.state;
    return out.effects;
  };
  send({
    type: "execution_started",
    execution: "x",
    tasks: [
      { id: "build/dev", agent: "dev", phase: "build" },
      { id: "testing/a", agent: "qa", phase: "testing", needs: ["build/dev"] },
      { id: "testing/b", agent: "qa", phase: "testing", needs: ["build/dev"] },
    ],
    phases: [
      { id: "build", name: "build", needs: [], tasks: ["build/dev"], parallel: true },
      {
        id: "testing",
        name: "testing",
        needs: ["build"],
        tasks: ["testing/a", "testing/b"],
        parallel: true,
        non_retryable: ["x"],
      },
    ],
    policy,
    delivery: SPEC,
  });
  const start = (id: string) => send({ type: "task_started", task: id, attempt: state!.tasks[id]!.attempt });
  const finish = (id: string) => {
    start(id);
    return send({ type: "task_succeeded", task: id, attempt: state!.tasks[id]!.attempt });
  };
  return {
    send,
    finish,
    start,
    get state() {
      return state!;
    },
  };
}

describe("a merge by hand while a phase runs again for red CI", () => {
  it("a task that failed in the dropped revision does not fail the execution: the merge deploys", () => {
    const r = run();
    for (const id of ["build/dev", "testing/a", "testing/b"]) r.finish(id);
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    r.send({
      type: "checks_completed",
      sha: "a".repeat(40),
      conclusion: "failure",
      failing: [{ name: "unit", summary: "" }],
    });
    expect(r.state.delivery!.status).toBe("revising");
    r.start("testing/a");
    r.start("testing/b");
    r.send({
      type: "task_failed",
      task: "testing/a",
      attempt: r.state.tasks["testing/a"]!.attempt,
      error: { kind: "x", message: "boom" },
    });
    expect(r.state.tasks["testing/a"]!.status).toBe("failed");
    expect(r.state.finished_at).toBeUndefined();
    const out = r.send({ type: "pr_merged", sha: "m".repeat(40), by: "octocat" });
    expect(out.some((e) => e.type === "deliver")).toBe(true);
    expect(out.find((e) => e.type === "complete")).toBeUndefined();
  });

  it("a budget stop reached during the revision is dropped with it", () => {
    const p = defaultPolicy();
    p.budget = { usd: 1 };
    const r = run(p);
    for (const id of ["build/dev", "testing/a", "testing/b"]) r.finish(id);
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    r.send({
      type: "checks_completed",
      sha: "a".repeat(40),
      conclusion: "failure",
      failing: [{ name: "unit", summary: "" }],
    });
    r.start("testing/a");
    r.start("testing/b");
    r.send({
      type: "task_succeeded",
      task: "testing/a",
      attempt: r.state.tasks["testing/a"]!.attempt,
      cost: { usd: 2, tokens: 0 },
    });
    const out = r.send({ type: "pr_merged", sha: "m".repeat(40), by: "octocat" });
    expect(out.find((e) => e.type === "complete")).toBeUndefined();
    expect(r.state.halt).toBeUndefined();
    expect(r.state.status).toBe("delivering");
  });
});
