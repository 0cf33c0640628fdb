/**
 * A gate decision naming no phase (an `/orchestrate approve`, a review's verdict) is for the gate
 * that was waiting when it was written: read back late, after another gate was decided, it does
 * not pass the one left.
 */
import { describe, expect, it } from "vitest";
import type { ExecutionState } from "../../src/core/state/index.ts";
import { type CommandTrigger, commandOutcome } from "../../src/github/commands.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";
import { applyEvents, openGatesExecution, REF, serveRepo } from "./commands-fixtures.ts";

const gh = useGitHubMock();

/** `/orchestrate approve` (or `body`) by `will`, written at `at`. */
const said = (at: number, body = "/orchestrate approve"): CommandTrigger => ({
  kind: "comment",
  delivery: "comment-77",
  commentId: 77,
  user: "will",
  userType: "User",
  body,
  at,
});

/** An approving review by `will` of `head`, submitted at `at`. */
const reviewed = (head: string, at: number): CommandTrigger => ({
  kind: "review",
  delivery: "d2",
  user: "will",
  userType: "User",
  state: "approved",
  commitId: head,
  body: "",
  pull: 40,
  reviewId: 5,
  at,
});

/** Gates `a` (opened at 3 s) and `b` (opened at 5 s), both taking comments and reviews; `a` approved at 10 s. */
function aDecided(): ExecutionState {
  const state = openGatesExecution({ a: {}, b: {} });
  expect([state.phase_state.a!.gate!.opened_at, state.phase_state.b!.gate!.opened_at]).toEqual([3000, 5000]);
  return applyEvents(state, [{ id: "ok-a", type: "gate_approved", phase: "a", by: "lead", at: 10_000 }])
    .state;
}

const AMBIGUOUS =
  "@will several gates are waiting (a, b): name the phase, e.g. `/orchestrate approve a`. Nothing was changed.";

describe("a gate decision naming no phase, written while several gates waited", () => {
  it("is refused as ambiguous after one of them was decided, as when it was written", async () => {
    const { ports } = serveRepo(gh);
    const state = aDecided();
    expect(state.phase_state.b!.gate!.status).toBe("open");
    const late = await commandOutcome(ports, REF, state, said(7_000));
    expect(late).toEqual({
      events: [
        {
          id: "cmd:comment-77:0",
          type: "command_refused",
          by: "will",
          command: "approve",
          reason: "several gates are waiting (a, b): name the phase, e.g. `/orchestrate approve a`.",
        },
      ],
      replies: [AMBIGUOUS],
      react: false,
    });
    // Written after `a` was decided, it is for `b`, the only gate waiting then; so is one GitHub
    // dates to the decision's very time (its times are whole seconds: it was written then or later).
    const after = await commandOutcome(ports, REF, state, said(11_000));
    expect(after.events).toMatchObject([{ id: "cmd:comment-77:0", type: "gate_approved", phase: "b" }]);
    const tied = await commandOutcome(ports, REF, state, said(10_000));
    expect(tied.events).toMatchObject([{ type: "gate_approved", phase: "b" }]);
    // One dated to the second before may have been written before the decision: ambiguous.
    expect((await commandOutcome(ports, REF, state, said(9_000))).replies).toEqual([AMBIGUOUS]);
    // Named, the phase decides, whatever else waited.
    const named = await commandOutcome(ports, REF, state, said(7_000, "/orchestrate approve b"));
    expect(named.events).toMatchObject([{ type: "gate_approved", phase: "b" }]);
  });

  it("a review's verdict, the same", async () => {
    const { ports, head } = serveRepo(gh);
    const state = aDecided();
    const late = await commandOutcome(ports, REF, state, reviewed(head(), 7_000));
    expect(late.replies).toEqual([
      "@will several gates that take reviews are waiting (a, b), and a review cannot say which one it decides: comment `/orchestrate approve a` naming the phase instead. Nothing was changed.",
    ]);
    expect(late.events).toMatchObject([{ id: "cmd:review-5:0", type: "command_refused" }]);
    const after = await commandOutcome(ports, REF, state, reviewed(head(), 11_000));
    expect(after.events).toMatchObject([{ type: "gate_approved", phase: "b", via: "review" }]);
  });

  it("counts a gate rejected since it was written, which may have waited then", async () => {
    const { ports } = serveRepo(gh);
    // `a` is rejected at 10 s, runs again and opens again at 20 s; `b` waits throughout.
    const state = applyEvents(openGatesExecution({ a: {}, b: {} }), [
      { id: "no-a", type: "gate_rejected", phase: "a", by: "lead", reason: "again", at: 10_000 },
      { id: "go-a", type: "task_started", task: "a/agent", attempt: 2, at: 12_000 },
      { id: "done-a", type: "task_succeeded", task: "a/agent", attempt: 2, artifacts: [], at: 20_000 },
    ]).state;
    expect(state.phase_state.a!.gate).toMatchObject({ status: "open", opened_at: 20_000 });
    // Before the rejection, `a` waited (the state keeps no earlier opening): ambiguous.
    expect((await commandOutcome(ports, REF, state, said(7_000))).replies).toEqual([AMBIGUOUS]);
    // While `a` ran again, only `b` waited.
    expect((await commandOutcome(ports, REF, state, said(15_000))).events).toMatchObject([
      { type: "gate_approved", phase: "b" },
    ]);
    // Once `a` opened again, both waited.
    expect((await commandOutcome(ports, REF, state, said(21_000))).replies).toEqual([AMBIGUOUS]);
  });

  it("when none waited then, the ones waiting now are not decided by it", async () => {
    const { ports } = serveRepo(gh);
    const state = openGatesExecution({ a: {}, b: {} });
    // Written before either gate opened.
    expect((await commandOutcome(ports, REF, state, said(2_000))).replies).toEqual([
      "@will the gates waiting now (a, b) opened after this was written, so it decides none of them: decide again now, naming the phase, e.g. `/orchestrate approve a`. Nothing was changed.",
    ]);
    // With one open now, the reply names it and when it opened.
    const one = openGatesExecution({ a: {} });
    expect((await commandOutcome(ports, REF, one, said(2_000))).replies).toEqual([
      "@will the gate of phase `a` opened after this was written (1970-01-01T00:00:03.000Z), so it does not decide it: decide it again now. Nothing was changed.",
    ]);
  });
});
