import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { Gate } from "../../src/core/plan/schema.ts";
import type { CommandOptions } from "../../src/github/commands.ts";
import { dashboardBody } from "../../src/github/dashboard.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";
import {
  APP_SLUG,
  comment,
  gatedExecution,
  gateView,
  NO_CHANGE,
  outcomeOfWebhook,
  refusal,
  serveRepo,
  WAITING,
} from "./commands-fixtures.ts";

const gh = useGitHubMock();

const approvedBy = (by: string, sha: string) => ({
  ...WAITING,
  gate: "approved",
  approvals: [`${by} via comment at ${sha.slice(0, 7)}`],
  design: "succeeded",
  build: "queued",
  status: "running",
  audit: [`${by} approved phase design`],
});

interface Row {
  name: string;
  user: string;
  type?: string;
  gate?: z.input<typeof Gate>;
  options?: CommandOptions;
  action?: "created" | "edited";
  /** Approved by this login; otherwise exactly this reply (or none: ignored). */
  approved?: string;
  reply?: string;
}

describe("commenters: `/orchestrate approve` on the issue", () => {
  it.each<Row>([
    { name: "admin", user: "ada", approved: "ada" },
    { name: "maintain", user: "max", approved: "max" },
    { name: "write", user: "will", approved: "will" },
    {
      name: "triage",
      user: "tri",
      reply:
        "@tri `/orchestrate approve` needs write permission on this repository; yours is triage. Nothing was changed.",
    },
    {
      name: "read",
      user: "rea",
      reply:
        "@rea `/orchestrate approve` needs write permission on this repository; yours is read. Nothing was changed.",
    },
    {
      name: "none",
      user: "stranger",
      reply:
        "@stranger `/orchestrate approve` needs write permission on this repository; yours is none. Nothing was changed.",
    },
    { name: "a bot", user: "dependabot[bot]", type: "Bot" },
    { name: "a bot named without its type", user: "dependabot[bot]" },
    {
      name: "an allow-listed bot",
      user: "renovate[bot]",
      type: "Bot",
      options: { appSlug: APP_SLUG, allowBots: ["renovate"] },
      approved: "renovate[bot]",
    },
    {
      name: "the app itself, even allow-listed",
      user: "orchestrate-app[bot]",
      type: "Bot",
      options: { appSlug: APP_SLUG, allowBots: [APP_SLUG] },
    },
    { name: "the requester, allow_requester: true", user: "rita", approved: "rita" },
    {
      name: "the requester, allow_requester: false",
      user: "rita",
      gate: { allow_requester: false },
      reply:
        "@rita whoever requested this execution may not approve its gates (`allow_requester: false` on phase `design`). Nothing was changed.",
    },
    {
      name: "another writer, allow_requester: false",
      user: "will",
      gate: { allow_requester: false },
      approved: "will",
    },
    { name: "an edited comment", user: "will", action: "edited" },
    {
      name: "a writer not among the approvers",
      user: "will",
      gate: { approvers: ["@org/leads", "alice"] },
      reply:
        "@will only the approvers of phase `design` may approve it: @org/leads, @alice. Nothing was changed.",
    },
    {
      name: "an approver by name",
      user: "alice",
      gate: { approvers: ["@org/leads", "@Alice"] },
      approved: "alice",
    },
    { name: "an approver by team", user: "lead", gate: { approvers: ["@org/leads"] }, approved: "lead" },
    {
      name: "a pending team invitation",
      user: "invited",
      gate: { approvers: ["@org/leads"] },
      reply: "@invited only the approvers of phase `design` may approve it: @org/leads. Nothing was changed.",
    },
    {
      name: "an approver without write",
      user: "rea",
      gate: { approvers: ["rea"] },
      reply:
        "@rea `/orchestrate approve` needs write permission on this repository; yours is read. Nothing was changed.",
    },
    {
      name: "a gate decided by review only",
      user: "will",
      gate: { via: "review" },
      reply:
        "@will phase `design` is decided by pull request review only: review the working branch's pull request at its current head. Nothing was changed.",
    },
  ])("$name", async (row) => {
    const { ports, head } = serveRepo(gh);
    const state = gatedExecution(row.gate);
    const body = "Looks right to me.\n\n/orchestrate approve";
    const out = await outcomeOfWebhook(
      ports,
      state,
      "issue_comment",
      comment(row.user, body, row),
      row.options,
    );
    expect(out.refused).toEqual([]);
    expect(out.routed).toHaveLength(row.action === "edited" ? 0 : 1);
    if (row.approved) {
      expect(gateView(out.state)).toEqual(approvedBy(row.approved, head()));
      expect(out.replies).toEqual([]);
      expect(out.react).toBe(true);
      expect(out.events).toEqual([
        {
          id: "cmd:comment-77:0",
          type: "gate_approved",
          phase: "design",
          by: row.approved,
          via: "comment",
          sha: head(),
          digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        },
      ]);
    } else {
      // A refusal is recorded under the command's id: it never decides the gate later.
      const events = row.reply ? [refusal("cmd:comment-77:0", row.reply, "approve")] : [];
      expect({ events: out.events, state: gateView(out.state) }).toEqual({ ...NO_CHANGE, events });
      expect(out.replies).toEqual(row.reply ? [row.reply] : []);
      expect(out.react).toBe(false);
    }
  });
});

describe("Orchestrate's own comments", () => {
  it("are never commands, though a personal token posts them as a person", async () => {
    const { ports } = serveRepo(gh);
    gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", () => [201, { id: 5 }]);
    const state = gatedExecution();
    // A notice quoting text an agent chose, with a line that reads as a command.
    await ports.comments.reply(
      { owner: "o", repo: "r", issue: 12 },
      "Not done: the agent said\n/orchestrate approve design",
    );
    const posted = gh.requests.find(
      (r) => r.route === "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
    );
    const body = (posted!.body as { body: string }).body;
    // Posted by the token's user (`will`, who may approve) and read back as a `User` comment.
    const own = await outcomeOfWebhook(ports, state, "issue_comment", comment("will", body));
    expect(own.routed).toHaveLength(1);
    expect({ events: own.events, replies: own.replies, state: gateView(own.state) }).toEqual({
      ...NO_CHANGE,
      replies: [],
    });
    // The same text without the marker is will's command.
    const unmarked = body.replace(/^<!--[^>]*-->\n/, "");
    const theirs = await outcomeOfWebhook(ports, state, "issue_comment", comment("will", unmarked));
    expect(theirs.events.map((e) => e.type)).toEqual(["gate_approved"]);
  });

  it("include the dashboard, edited in place", async () => {
    const { ports } = serveRepo(gh);
    const state = gatedExecution();
    const body = `${dashboardBody("## Orchestrate\n/orchestrate approve design")}`;
    const out = await outcomeOfWebhook(ports, state, "issue_comment", comment("will", body));
    expect(out.events).toEqual([]);
    expect(out.replies).toEqual([]);
  });
});
