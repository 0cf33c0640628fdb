import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { Gate } from "../../src/core/plan/schema.ts";
import { commandOutcome } from "../../src/github/commands.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";
import {
  applyEvents,
  BRANCH,
  comment,
  gatedExecution,
  gateView,
  openGatesExecution,
  outcomeOfWebhook,
  REF,
  refusal,
  serveRepo,
  WAITING,
} from "./commands-fixtures.ts";

const gh = useGitHubMock();

/** A real `pull_request_review.submitted` payload on the working branch's pull request. */
function review(user: string, state: string, commitId: string) {
  return withPatch(examplePayload("pull_request_review", "submitted"), {
    review: { state, commit_id: commitId, body: "", user: { login: user, type: "User" } },
    pull_request: { number: 40, head: { ref: BRANCH, repo: { full_name: "o/r" } } },
    sender: { login: user, type: "User" },
    repository: { name: "r", owner: { login: "o" } },
  } as never);
}

/** The id of the events a verdict of `review(…)` yields (keyed by the example's review id). */
const REVIEW_ID = `cmd:review-${examplePayload("pull_request_review", "submitted").review.id}:0`;

const button = (user: string, identifier: string, phase: string) =>
  ({ kind: "check_action", delivery: "d9", user, userType: "User", identifier, phase }) as const;

const UNDER_REVIEW =
  "task design/architect is under review: the gate of phase design decides it (approve the phase, or reject it with what should change)";

describe("skipping a task of a gated phase before its gate is approved", () => {
  it.each<[string, string, z.input<typeof Gate>, string | undefined]>([
    [
      "a writer who is not an approver",
      "will",
      { approvers: ["lead"] },
      "@will only the approvers of phase `design` may skip its tasks before its gate is approved: @lead. Nothing was changed.",
    ],
    [
      "a writer outside the approving team",
      "will",
      { approvers: ["@org/leads"] },
      "@will only the approvers of phase `design` may skip its tasks before its gate is approved: @org/leads. Nothing was changed.",
    ],
    [
      "the requester, allow_requester: false",
      "rita",
      { allow_requester: false },
      "@rita whoever requested this execution may not skip tasks of phase `design` before its gate is approved (`allow_requester: false`); anyone else with write permission may. Nothing was changed.",
    ],
    [
      "the requester, allow_requester: false, with approvers",
      "rita",
      { allow_requester: false, approvers: ["rita", "lead"] },
      "@rita whoever requested this execution may not skip tasks of phase `design` before its gate is approved (`allow_requester: false`); its approvers may: @rita, @lead. Nothing was changed.",
    ],
    ["an approver", "lead", { approvers: ["lead"] }, undefined],
    ["a member of the approving team", "lead", { approvers: ["@org/leads"] }, undefined],
    ["the requester, allow_requester: true", "rita", {}, undefined],
  ])("%s: refused as approving would be, or left to the execution", async (_name, user, gate, reply) => {
    const { ports } = serveRepo(gh);
    const out = await outcomeOfWebhook(
      ports,
      gatedExecution(gate),
      "issue_comment",
      comment(user, "/orchestrate skip design/architect"),
    );
    expect(gateView(out.state)).toEqual(WAITING);
    if (reply !== undefined) {
      expect({ events: out.events, replies: out.replies }).toEqual({ events: [], replies: [reply] });
      return;
    }
    // Accepted here; the execution does not skip work under review either: its gate decides it.
    expect(out.events).toMatchObject([{ type: "skip_requested", task: "design/architect", by: user }]);
    expect(out.refused).toEqual([UNDER_REVIEW]);
  });

  it("before the phase has run again, only an approver may skip it; what needs it then starts", async () => {
    const { ports } = serveRepo(gh);
    const revising = applyEvents(gatedExecution({ approvers: ["lead"] }), [
      { id: "r", type: "gate_rejected", phase: "design", by: "lead", reason: "more" },
    ]).state;
    expect(gateView(revising)).toMatchObject({ gate: "closed", design: "queued", build: "pending" });
    const refused = await outcomeOfWebhook(
      ports,
      revising,
      "issue_comment",
      comment("will", "/orchestrate skip design/architect"),
    );
    expect(refused.events).toEqual([]);
    expect(refused.replies).toHaveLength(1);
    const skipped = await outcomeOfWebhook(
      ports,
      revising,
      "issue_comment",
      comment("lead", "/orchestrate skip design/architect"),
    );
    expect(skipped.refused).toEqual([]);
    expect(gateView(skipped.state)).toMatchObject({ design: "skipped", build: "queued" });
  });

  it("tasks of a phase without a gate, or whose gate was approved, need no approver", async () => {
    const { ports } = serveRepo(gh);
    const state = gatedExecution({ approvers: ["lead"] });
    const build = await outcomeOfWebhook(
      ports,
      state,
      "issue_comment",
      comment("will", "/orchestrate skip build/dev"),
    );
    expect(build.replies).toEqual([]);
    expect(gateView(build.state)).toMatchObject({ build: "skipped" });
    const approved = applyEvents(state, [
      { id: "a", type: "gate_approved", phase: "design", by: "lead" },
    ]).state;
    const design = await outcomeOfWebhook(
      ports,
      approved,
      "issue_comment",
      comment("will", "/orchestrate skip design/architect"),
    );
    expect(design.replies).toEqual([]);
    expect(design.refused).toEqual(["task design/architect is already succeeded"]);
  });
});

describe("approvers named by team", () => {
  it("a membership that cannot be read refuses the approval, saying which permission is missing", async () => {
    const { ports } = serveRepo(gh);
    gh.on("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", () => [
      403,
      { message: "Resource not accessible by integration" },
    ]);
    const state = gatedExecution({ approvers: ["@org/leads"] });
    const out = await outcomeOfWebhook(
      ports,
      state,
      "issue_comment",
      comment("will", "/orchestrate approve design"),
    );
    expect(out.events.filter((e) => e.type === "gate_approved")).toEqual([]);
    expect(gateView(out.state)).toEqual(WAITING);
    expect(out.replies).toEqual([expect.stringContaining("membership of @org/leads could not be checked")]);
    expect(out.replies[0]).toContain("members: read");
  });
});

describe("several open gates that take reviews", () => {
  const both = () => openGatesExecution({ a: { via: "review" }, b: { via: "review" } });

  it("a review decides none of them and says how to decide each; a command naming the phase does", async () => {
    const { ports, head } = serveRepo(gh);
    const state = both();
    expect(["a", "b"].map((p) => state.phase_state[p]!.gate!.status)).toEqual(["open", "open"]);
    const reviewed = await outcomeOfWebhook(
      ports,
      state,
      "pull_request_review",
      review("will", "approved", head()),
    );
    const ambiguous =
      "@will several gates that take reviews are waiting (a, b), and a review cannot say which one it decides: comment `/orchestrate approve a` naming the phase instead. Nothing was changed.";
    expect({ events: reviewed.events, replies: reviewed.replies }).toEqual({
      events: [refusal(REVIEW_ID, ambiguous, "approve")],
      replies: [ambiguous],
    });
    const requested = await outcomeOfWebhook(
      ports,
      state,
      "pull_request_review",
      review("will", "changes_requested", head()),
    );
    expect(requested.replies[0]).toContain(
      "comment `/orchestrate reject a <reason>` naming the phase instead",
    );
    const approvedA = await outcomeOfWebhook(
      ports,
      state,
      "issue_comment",
      comment("will", "/orchestrate approve a"),
    );
    expect(approvedA.replies).toEqual([]);
    expect(approvedA.state.phase_state.a!.gate!.status).toBe("approved");
    // A check run's button decides them too.
    const clicked = await commandOutcome(ports, REF, state, button("will", "approve", "b"), {});
    expect(clicked.events).toMatchObject([{ type: "gate_approved", phase: "b", via: "check_run" }]);
    // With one left, a review decides it again, and only a review.
    const onlyB = approvedA.state;
    const commented = await outcomeOfWebhook(
      ports,
      onlyB,
      "issue_comment",
      withPatch(comment("will", "/orchestrate approve b"), { comment: { id: 78 } }),
    );
    expect(commented.replies).toEqual([
      "@will phase `b` is decided by pull request review only: review the working branch's pull request at its current head. Nothing was changed.",
    ]);
    const last = await outcomeOfWebhook(
      ports,
      onlyB,
      "pull_request_review",
      review("will", "approved", head()),
    );
    expect(last.replies).toEqual([]);
    expect(last.state.phase_state.b!.gate!.status).toBe("approved");
  });

  it("a review decides the one open gate that takes reviews, whatever gates take only comments", async () => {
    const { ports, head } = serveRepo(gh);
    const state = openGatesExecution({ a: { via: "comment" }, b: { via: "review" } });
    const reviewed = await outcomeOfWebhook(
      ports,
      state,
      "pull_request_review",
      review("will", "approved", head()),
    );
    expect(reviewed.replies).toEqual([]);
    expect(reviewed.events).toMatchObject([{ type: "gate_approved", phase: "b", via: "review" }]);
    const commented = await outcomeOfWebhook(
      ports,
      state,
      "issue_comment",
      comment("will", "/orchestrate approve b"),
    );
    expect(commented.replies).toEqual([
      "@will phase `b` is decided by pull request review only: review the working branch's pull request at its current head. Nothing was changed.",
    ]);
  });
});

describe("gates of an execution that ended", () => {
  const ENDED_CANCELLED =
    "@will this execution has ended (cancelled: cancelled by max), so no gate waits for a decision; `/orchestrate retry` takes it up again. Nothing was changed.";
  const ENDED_TIMED_OUT =
    "@will this execution has ended (failed: the execution exceeded its time limit), so no gate waits for a decision; `/orchestrate retry` takes it up again. Nothing was changed.";

  it("after a cancel, approve, reject and the buttons say the execution has ended", async () => {
    const { ports } = serveRepo(gh);
    const cancelled = applyEvents(gatedExecution(), [{ id: "c", type: "cancel_requested", by: "max" }]).state;
    for (const [body, verb, phase] of [
      ["/orchestrate approve", "approve", undefined],
      ["/orchestrate approve design", "approve", "design"],
      ["/orchestrate reject design no", "reject", "design"],
    ] as const) {
      const out = await outcomeOfWebhook(ports, cancelled, "issue_comment", comment("will", body));
      expect({ events: out.events, replies: out.replies }).toEqual({
        events: [refusal("cmd:comment-77:0", ENDED_CANCELLED, verb, phase)],
        replies: [ENDED_CANCELLED],
      });
    }
    const clicked = await commandOutcome(ports, REF, cancelled, button("will", "approve", "design"), {});
    expect(clicked.replies).toEqual([ENDED_CANCELLED]);
  });

  it("that succeeded, approve says it has ended, with no advice to retry", async () => {
    const { ports } = serveRepo(gh);
    const done = applyEvents(openGatesExecution({ a: {} }), [
      { id: "a", type: "gate_approved", phase: "a", by: "lead" },
    ]).state;
    expect(done.status).toBe("succeeded");
    const out = await outcomeOfWebhook(ports, done, "issue_comment", comment("will", "/orchestrate approve"));
    expect(out.replies).toEqual([
      "@will this execution has ended (succeeded), so no gate waits for a decision. Nothing was changed.",
    ]);
  });

  it("after its time limit, approving by comment or review says the execution has ended", async () => {
    const { ports, head } = serveRepo(gh);
    const state = gatedExecution();
    const timedOut = applyEvents(state, [
      { id: "t", type: "timer_fired", timer: "execution", at: state.timers.execution!.at },
    ]).state;
    expect(gateView(timedOut)).toMatchObject({ gate: "open", design: "under_review", status: "failed" });
    const commented = await outcomeOfWebhook(
      ports,
      timedOut,
      "issue_comment",
      comment("will", "/orchestrate approve"),
    );
    expect({ events: commented.events, replies: commented.replies }).toEqual({
      events: [refusal("cmd:comment-77:0", ENDED_TIMED_OUT, "approve")],
      replies: [ENDED_TIMED_OUT],
    });
    const reviewed = await outcomeOfWebhook(
      ports,
      timedOut,
      "pull_request_review",
      review("will", "approved", head()),
    );
    expect({ events: reviewed.events, replies: reviewed.replies }).toEqual({
      events: [refusal(REVIEW_ID, ENDED_TIMED_OUT, "approve")],
      replies: [ENDED_TIMED_OUT],
    });
  });
});

describe("a gate decision read back late", () => {
  const said = (body: string, at?: number) =>
    ({
      kind: "comment",
      delivery: "comment-77",
      commentId: 77,
      user: "will",
      userType: "User",
      body,
      ...(at !== undefined ? { at } : {}),
    }) as const;

  it("decides only a gate that was open when it was written, and says so otherwise", async () => {
    const { ports, head } = serveRepo(gh);
    const state = gatedExecution();
    const opened = state.phase_state.design!.gate!.opened_at!;
    const early = await commandOutcome(ports, REF, state, said("/orchestrate approve", opened - 1));
    const reply = `@will the gate of phase \`design\` opened after this was written (${new Date(opened).toISOString()}), so it does not decide it: decide it again now. Nothing was changed.`;
    expect(early).toEqual({
      events: [refusal("cmd:comment-77:0", reply, "approve")],
      replies: [reply],
      react: false,
    });
    const inTime = await commandOutcome(ports, REF, state, said("/orchestrate approve", opened));
    expect(inTime.events).toMatchObject([{ id: "cmd:comment-77:0", type: "gate_approved", phase: "design" }]);
    // A review submitted before the gate opened, the same.
    const reviewed = await commandOutcome(ports, REF, state, {
      kind: "review",
      delivery: "d2",
      user: "will",
      userType: "User",
      state: "approved",
      commitId: head(),
      body: "",
      pull: 40,
      reviewId: 5,
      at: opened - 1,
    });
    expect(reviewed.events).toEqual([refusal("cmd:review-5:0", reply, "approve", "design")]);
  });

  it("gate decisions only: other commands of the comment are left out, their places kept", async () => {
    const { ports } = serveRepo(gh);
    const state = gatedExecution();
    const options = { gateDecisionsOnly: true };
    const both = await commandOutcome(
      ports,
      REF,
      state,
      said("/orchestrate status\n/orchestrate approve"),
      options,
    );
    expect(both.replies).toEqual([]);
    expect(both.events).toMatchObject([{ id: "cmd:comment-77:1", type: "gate_approved", phase: "design" }]);
    for (const body of [
      "/orchestrate status",
      "/orchestrate retry",
      "/orchestrate reject",
      "/orchestrate deploy",
    ])
      expect(await commandOutcome(ports, REF, state, said(body), options)).toEqual({
        events: [],
        replies: [],
        react: false,
      });
    expect(await commandOutcome(ports, REF, state, button("will", "approve", "design"), options)).toEqual({
      events: [],
      replies: [],
      react: false,
    });
  });
});
