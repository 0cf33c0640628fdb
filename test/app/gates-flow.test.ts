import { describe, expect, it } from "vitest";
import { REPOSITORY } from "../support/github/app.ts";
import { useGitHubMock } from "../support/github/index.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";
import { gatedApp } from "./gated-app.ts";

const PLAN = `version: 1
agents:
  architect: { run: ./architect.sh }
  dev: { run: ./dev.sh }
phases:
  - { id: design, agents: [architect], gate: { sla: 1h, max_revisions: 2 } }
  - { id: build, needs: [design], agents: [dev] }
`;

const HOUR = 3_600_000;

const gh = useGitHubMock();

/** The app over a served repository with `plan` (see `gatedApp`), driving issue 7. */
const gated = (plan = PLAN, options: { seed?: number; allowBots?: string[] } = {}) =>
  gatedApp(gh, plan, options);

describe("GitHub App: a gate is rejected with feedback, revised, and approved", () => {
  it("reject → the phase runs again with the feedback → SLA escalation → approving review → next phase", async () => {
    const { repo, side, host, time, receive, label, complete, comment, state } = await gated();
    const dispatched = (n: number) => JSON.parse(side.dispatches[n]!.tasks!) as Record<string, unknown>[];
    await label({ title: "Signup", body: "Project: signup\nRequirements: OAuth" });
    expect(dispatched(0)).toMatchObject([{ id: "design/architect", attempt: 1 }]);
    expect(dispatched(0)[0]).not.toHaveProperty("feedback");

    // The design phase ends: its gate opens; the check run asks for action with buttons (no
    // Retry: work under review has nothing to run again).
    await complete("design/architect", 1);
    expect(state().phase_state.design.gate.status).toBe("open");
    const designCheck = [...side.checks.values()].find((c) => c.name === "orchestrate / design")!;
    expect(designCheck).toMatchObject({ conclusion: "action_required" });
    expect((designCheck.actions as { identifier: string }[]).map((a) => a.identifier)).toEqual([
      "approve",
      "reject",
    ]);

    // A reader may not reject: one reply, nothing changes.
    const before = side.comments.length;
    await receive("issue_comment", comment("reader", "/orchestrate reject needs more", 501));
    expect(side.comments.slice(before).map((c) => c.body)).toEqual([
      "<!-- orchestrate:comment -->\n@reader `/orchestrate reject` needs write permission on this repository; yours is read. Nothing was changed.",
    ]);
    expect(side.reactions).toEqual([]);
    expect(state().phase_state.design.gate.status).toBe("open");

    // A writer rejects with a reason: 👀, and design runs again with the feedback.
    const reject = comment(
      "Codertocat",
      "Close, but:\n/orchestrate reject design add rate limits to the API",
      502,
    );
    await receive("issue_comment", reject, "reject-delivery");
    expect(side.reactions).toEqual([{ comment: 502, content: "eyes" }]);
    expect(side.dispatches).toHaveLength(2);
    expect(dispatched(1)).toMatchObject([{ id: "design/architect", attempt: 2 }]);
    // Not in the inputs (a long review would take them past GitHub's limit): the job reads the state.
    expect(dispatched(1)[0]).not.toHaveProperty("feedback");
    expect(state().tasks["design/architect"].feedback).toBe("add rate limits to the API");
    expect(state().audit.map((a: { what: string }) => a.what)).toContain(
      "rejected phase design: add rate limits to the API",
    );
    // Redelivery of the same webhook changes nothing.
    await receive("issue_comment", reject, "reject-delivery");
    expect(side.dispatches).toHaveLength(2);
    expect(state().phase_state.design.gate.revisions).toBe(1);

    // The revision ends; the gate opens again and waits past its SLA: escalated once, labelled.
    await complete("design/architect", 2);
    expect(state().phase_state.design.gate.status).toBe("open");
    time.now += 2 * HOUR;
    await host().tick();
    await host().queue.idle();
    expect(side.labels).toEqual(["orchestrate:escalated"]);
    expect(side.comments.at(-1)!.body).toBe(
      "<!-- orchestrate:comment -->\nthe gate of phase design has waited past its SLA",
    );
    await host().tick();
    await host().queue.idle();
    expect(side.labels).toEqual(["orchestrate:escalated"]);

    // An approving review of a stale head is refused; one of the current head opens the gate.
    const head = repo.git.head("orchestrate/issue-7")!;
    // Each review is its own (its id keys its decision: a refused one stays refused).
    const review = (commit: string, id: number) =>
      withPatch(examplePayload("pull_request_review", "submitted"), {
        review: {
          id,
          state: "approved",
          commit_id: commit,
          body: "",
          user: { login: "Codertocat", type: "User" },
          submitted_at: new Date(time.now).toISOString(),
        },
        pull_request: { head: { ref: "orchestrate/issue-7" } },
        repository: REPOSITORY,
      } as never);
    await receive("pull_request_review", review("ec26c3e57ca3a959ca5aad62de7213c562f8c821", 901));
    expect(side.comments.at(-1)!.body).toBe(
      `<!-- orchestrate:comment -->\n@Codertocat your review is of ec26c3e, but \`orchestrate/issue-7\` is now at ${head.slice(0, 7)}: review the current head. Nothing was changed.`,
    );
    expect(side.dispatches).toHaveLength(2);
    await receive("pull_request_review", review(head, 902));
    expect(state().phase_state.design.gate).toMatchObject({
      status: "approved",
      approvals: [{ by: "Codertocat", sha: head, via: "review" }],
    });
    expect(dispatched(2)).toMatchObject([{ id: "build/dev", attempt: 1 }]);
    // Decided: the issue no longer waits for its approvers.
    expect(side.labels).toEqual([]);
    const dashboard = side.comments.find((c) => c.body.startsWith("<!-- orchestrate:dashboard -->"))!;
    expect(dashboard.body).not.toContain("Waiting for approval");
  });

  it("`/orchestrate approve` opens the gate and dispatches the next phase", async () => {
    const { repo, side, receive, label, complete, comment, state } = await gated(PLAN, { seed: 2 });
    await label();
    await complete("design/architect", 1);
    await receive("issue_comment", comment("Codertocat", "/orchestrate approve", 600));
    expect(side.reactions).toEqual([{ comment: 600, content: "eyes" }]);
    expect(JSON.parse(side.dispatches[1]!.tasks!)).toMatchObject([{ id: "build/dev", attempt: 1 }]);
    expect(state().phase_state.design.gate.approvals).toMatchObject([
      { by: "Codertocat", via: "comment", sha: repo.git.head("orchestrate/issue-7") },
    ]);
    expect(state().audit).toContainEqual(
      expect.objectContaining({ by: "Codertocat", what: "approved phase design" }),
    );
  });
  it("approving reviews whose webhooks were lost count at the next tick, each once", async () => {
    const { repo, side, time, receive, label, complete, tick, state } = await gated(
      PLAN.replace("max_revisions: 2 }", "max_revisions: 2, min_approvals: 2 }"),
      { seed: 2 },
    );
    await label();
    await complete("design/architect", 1);
    const [pull] = side.pulls;
    expect(pull).toMatchObject({ head: "orchestrate/issue-7", draft: true });
    const head = repo.git.head("orchestrate/issue-7")!;
    time.now += 60_000;
    const submitted = (id: number, user: string, state: "APPROVED" | "CHANGES_REQUESTED", sha = head) => ({
      pull: pull!.number,
      id,
      user,
      state,
      commit_id: sha,
      body: "",
      submitted_at: new Date(time.now).toISOString(),
    });
    // GitHub took three reviews whose webhooks never came: one by a reader, one of an old head,
    // and an approval that counts.
    side.reviews.push(
      submitted(1, "reader", "APPROVED"),
      submitted(2, "Codertocat", "CHANGES_REQUESTED", "ec26c3e57ca3a959ca5aad62de7213c562f8c821"),
      submitted(3, "Codertocat", "APPROVED"),
      // The same person approving twice: counted once, the second answered once as refused.
      submitted(5, "Codertocat", "APPROVED"),
    );
    const comments = side.comments.length;
    await tick();
    expect(state().phase_state.design.gate).toMatchObject({
      status: "open",
      approvals: [{ by: "Codertocat", sha: head, via: "review" }],
    });
    // The refused reviews are answered now (their webhooks may never come), and recorded as
    // refused: no later tick or webhook decides or answers them again.
    expect(side.comments.slice(comments).map((c) => c.body.split("\n")[1])).toEqual([
      "@reader a review decides a gate only with write permission on this repository; yours is read. Nothing was changed.",
      expect.stringMatching(
        /^@Codertocat your review is of ec26c3e, but `orchestrate\/issue-7` is now at \w+: review the current head/,
      ),
      "Not done: Codertocat already approved phase design.",
    ]);
    expect(state().applied).toMatchObject({
      "cmd:review-1:0": true,
      "cmd:review-2:0": true,
      "cmd:review-5:0": true,
    });
    // The approval's webhook arrives after all, and the next tick reads it again: it counts once.
    await receive(
      "pull_request_review",
      withPatch(examplePayload("pull_request_review", "submitted"), {
        review: {
          id: 3,
          state: "approved",
          commit_id: head,
          body: "",
          user: { login: "Codertocat", type: "User" },
        },
        pull_request: { number: pull!.number, head: { ref: "orchestrate/issue-7" } },
        repository: REPOSITORY,
      } as never),
    );
    await tick();
    expect(state().phase_state.design.gate.approvals).toHaveLength(1);
    expect(side.comments).toHaveLength(comments + 3);
    expect(side.dispatches).toHaveLength(1);
    // A second approver by comment, also unheard (with a cancel in the same comment, an
    // approval from before the gate opened, and a comment edited into an approval after it was
    // posted — anyone with write access can edit it): the approval counts, nothing else is read back.
    const at = (ms: number) => new Date(ms).toISOString();
    const openedAt = state().phase_state.design.gate.opened_at as number;
    side.comments.push(
      {
        // Said half a minute before the gate opened, and answered then: no gate was waiting.
        id: 898,
        body: "/orchestrate approve design",
        issue: 7,
        user: "octocat",
        created_at: at(openedAt - 30_000),
      },
      {
        id: 899,
        body: "/orchestrate approve design",
        issue: 7,
        user: "octocat",
        created_at: at(time.now - 1_000),
        updated_at: at(time.now),
      },
      {
        id: 900,
        body: "/orchestrate approve",
        issue: 7,
        user: "monalisa",
        created_at: at(time.now - 3_600_000),
      },
      {
        id: 901,
        body: "/orchestrate approve design\n/orchestrate cancel",
        issue: 7,
        user: "hubot",
        created_at: at(time.now),
      },
    );
    const seen = side.comments.length;
    await tick();
    expect(state().phase_state.design.gate).toMatchObject({ status: "approved" });
    expect(state().phase_state.design.gate.approvals.map((a: { by: string }) => a.by)).toEqual([
      "Codertocat",
      "hubot",
    ]);
    expect(state().status).toBe("running");
    expect(JSON.parse(side.dispatches[1]!.tasks!)).toMatchObject([{ id: "build/dev", attempt: 1 }]);
    expect(side.comments).toHaveLength(seen);
    // The comment's webhook arrives late: its approval is the one already counted, and only its
    // cancel is new (the reconcile left it to the webhook).
    await receive(
      "issue_comment",
      withPatch(examplePayload("issue_comment", "created"), {
        issue: { number: 7 },
        comment: {
          id: 901,
          body: "/orchestrate approve design\n/orchestrate cancel",
          user: { login: "hubot", type: "User" },
        },
        repository: REPOSITORY,
      }),
    );
    expect(state().phase_state.design.gate.approvals).toHaveLength(2);
    expect(state().status).toBe("cancelled");
    // No reply about the approval: only what the cancel writes (the dashboard is edited in place).
    expect(side.comments.slice(seen).map((c) => c.body.split("\n")[1])).toEqual([
      "# Orchestrate report: Codertocat/Hello-World#7 — Spelling error in the README file",
    ]);
  });

  it("hears bots named in allowBots (ORCHESTRATE_ALLOW_BOTS) and ignores the others", async () => {
    const { side, receive, label, comment } = await gated(PLAN, { allowBots: ["renovate"] });
    await label({ title: "Signup", body: "Project: signup" });
    const byBot = (login: string, id: number) => comment(login, "/orchestrate status", id, "Bot");
    const before = side.comments.length;
    await receive("issue_comment", byBot("dependabot[bot]", 601));
    expect(side.comments.length).toBe(before);
    await receive("issue_comment", byBot("renovate[bot]", 602));
    expect(side.comments.length).toBe(before + 1);
    expect(side.comments.at(-1)!.body).toMatch(/design/);
  });
});
