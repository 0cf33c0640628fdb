import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { Gate } from "../../src/core/plan/schema.ts";
import { dashboardMarkdown } from "../../src/core/render/dashboard.ts";
import { EventSchema, type ExecutionState, reduce } from "../../src/core/state/index.ts";
import { retryTakes } from "../../src/core/state/retry-takes.ts";
import { checkOf } from "../../src/github/phase-checks.ts";
import { applyEvents, gatedExecution, openGatesExecution } from "./commands-fixtures.ts";

/** The check run of `phase`: its title, buttons, and the instructions after its task list. */
function check(state: ExecutionState, phase: string) {
  const c = checkOf(state, state.phases.find((p) => p.id === phase)!);
  return {
    conclusion: c.conclusion,
    title: c.title,
    actions: (c.actions ?? []).map((a) => a.identifier),
    how: c.summary.split("\n\n").slice(1).join("\n\n"),
  };
}

/** The dashboard's lines about gates. */
const gateLines = (state: ExecutionState) =>
  dashboardMarkdown(state, 100_000)
    .split("\n")
    .filter((l) => l.startsWith("**") && /approval/.test(l));

describe("a waiting gate's check run and dashboard say how its `via` decides it", () => {
  it.each<[string, z.input<typeof Gate>, ReturnType<typeof check>, string]>([
    [
      "by review or comment",
      {},
      {
        conclusion: "action_required",
        title: "Waiting for approval",
        actions: ["approve", "reject"],
        how: "Approve the pull request, comment `/orchestrate approve design` (`/orchestrate reject design <what should change>` to revise), or use the buttons above.",
      },
      "**Waiting for approval of design** — anyone with write access: approve the pull request, or comment `/orchestrate approve design` (`/orchestrate reject design <what should change>` to revise).",
    ],
    [
      "by comment only",
      { via: "comment", approvers: ["lead"] },
      {
        conclusion: "action_required",
        title: "Waiting for approval",
        actions: ["approve", "reject"],
        how: "Comment `/orchestrate approve design` (`/orchestrate reject design <what should change>` to revise), or use the buttons above.",
      },
      "**Waiting for approval of design** — lead: comment `/orchestrate approve design` (`/orchestrate reject design <what should change>` to revise).",
    ],
    [
      "by review only",
      { via: "review" },
      {
        conclusion: "action_required",
        title: "Waiting for approval",
        actions: [],
        how: "Approve the working branch's pull request at its current head, or request changes to revise.",
      },
      "**Waiting for approval of design** — anyone with write access: approve the pull request at its current head (request changes to revise).",
    ],
  ])("%s", (_name, gate, expected, line) => {
    const state = gatedExecution(gate);
    expect(check(state, "design")).toEqual(expected);
    expect(gateLines(state)).toEqual([line]);
  });

  it("two open gates by review only are decided by commands naming them, and say so", () => {
    const state = openGatesExecution({ a: { via: "review" }, b: { via: "review" } });
    expect(check(state, "a")).toMatchObject({
      actions: ["approve", "reject"],
      how: "Comment `/orchestrate approve a` (`/orchestrate reject a <what should change>` to revise), or use the buttons above.",
    });
    expect(gateLines(state)).toEqual([
      "**Waiting for approval of a** — anyone with write access: comment `/orchestrate approve a` (`/orchestrate reject a <what should change>` to revise).",
      "**Waiting for approval of b** — anyone with write access: comment `/orchestrate approve b` (`/orchestrate reject b <what should change>` to revise).",
    ]);
    // Once one is decided, the other's check run is shown again: a review decides it now.
    const { effects, state: next } = reduce(
      state,
      EventSchema.parse({ id: "a", at: 60_000, type: "gate_approved", phase: "a", by: "lead" }),
    );
    expect(effects.flatMap((e) => (e.type === "update_status" ? e.phases : []))).toEqual(["a", "b"]);
    expect(check(next, "b")).toMatchObject({ actions: [] });
  });

  it("a failed phase offers Retry; once the execution ended, a waiting gate offers nothing", () => {
    const state = gatedExecution();
    const timedOut = applyEvents(state, [
      { id: "t", type: "timer_fired", timer: "execution", at: state.timers.execution!.at },
    ]).state;
    expect(check(timedOut, "design")).toEqual({
      conclusion: "cancelled",
      title: "Stopped while waiting for approval",
      actions: [],
      how: "The execution ended before this phase's gate was decided; its work is kept. Comment `/orchestrate retry` to take it up again.",
    });
    expect(gateLines(timedOut)).toEqual([
      "**design was waiting for approval when the execution ended** — its work is kept: comment `/orchestrate retry` to take it up again.",
    ]);
    // Advice to retry only where a retry takes something up.
    const last = openGatesExecution({ a: {} });
    const lastTimedOut = applyEvents(last, [
      { id: "t", type: "timer_fired", timer: "execution", at: last.timers.execution!.at },
    ]).state;
    const advice = retryTakes(lastTimedOut);
    expect(check(lastTimedOut, "a").how.includes("/orchestrate retry")).toBe(advice);
    expect(gateLines(lastTimedOut)[0]!.includes("/orchestrate retry")).toBe(advice);
    const failed = applyEvents(gatedExecution(), [
      { id: "r", type: "gate_rejected", phase: "design", by: "lead", reason: "more" },
      { id: "s", type: "task_started", task: "design/architect", attempt: 2 },
      {
        id: "f",
        type: "task_failed",
        task: "design/architect",
        attempt: 2,
        error: { kind: "config", message: "no" },
      },
    ]).state;
    expect(failed.tasks["design/architect"]!.status).toBe("failed");
    expect(check(failed, "design")).toMatchObject({ title: "Failed", actions: ["retry"] });
  });
});
