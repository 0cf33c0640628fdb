import { describe, expect, it } from "vitest";
import { EventSchema, type ExecutionEvent, reduce } from "../../src/core/state/index.ts";
import { ESCALATED_LABEL, escalatedNow, escalatedPhases, Labels } from "../../src/github/labels.ts";
import { createTestOctokit } from "../../src/github/octokit.ts";
import { Permissions } from "../../src/github/permissions.ts";
import { triggersOf } from "../../src/github/webhook-triggers.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";
import { applyEvents, gatedExecution } from "./commands-fixtures.ts";

const gh = useGitHubMock();
/** `triggersOf` for a typed example payload. */
const route = (name: string, payload: object, delivery: string) =>
  triggersOf(name, payload as never, delivery, { label: "orchestrate" });
const REPO = { name: "r", owner: { login: "o" } };

function issueComment(
  action: "created" | "edited" | "deleted",
  body: string,
  issue: object = { number: 12 },
) {
  return withPatch(examplePayload("issue_comment", action), {
    issue,
    comment: { body },
    repository: REPO,
  } as never);
}

describe("triggersOf: commands", () => {
  it("a new issue comment with a command concerns that issue", () => {
    expect(route("issue_comment", issueComment("created", "/orchestrate status"), "d1")).toEqual([
      {
        ref: { owner: "o", repo: "r", issue: 12 },
        trigger: {
          kind: "comment",
          delivery: "d1",
          commentId: 492700400,
          user: "Codertocat",
          userType: "User",
          body: "/orchestrate status",
          // When it was written, as the tick's read-back of it knows too.
          at: Date.parse("2019-05-15T15:20:21Z"),
        },
      },
    ]);
  });

  it("a comment or review carries when it was written, when its payload says", () => {
    const review = (submitted_at: string | null) =>
      withPatch(examplePayload("pull_request_review", "submitted"), {
        review: { state: "approved", submitted_at },
        pull_request: { head: { ref: "orchestrate/issue-12", repo: { full_name: "o/r" } } },
        repository: REPO,
      } as never);
    expect(route("pull_request_review", review("2026-11-22T10:00:00Z"), "d1")).toMatchObject([
      { trigger: { kind: "review", at: Date.parse("2026-11-22T10:00:00Z") } },
    ]);
    // Without a time it is judged against the gates waiting now, as before.
    expect(route("pull_request_review", review(null), "d1")[0]!.trigger).not.toHaveProperty("at");
    const comment = withPatch(issueComment("created", "/orchestrate approve"), {
      comment: { created_at: "not a time" },
    } as never);
    expect(route("issue_comment", comment, "d1")[0]!.trigger).not.toHaveProperty("at");
  });

  it.each<[string, ReturnType<typeof issueComment>]>([
    ["edited", issueComment("edited", "/orchestrate approve")],
    ["deleted", issueComment("deleted", "/orchestrate approve")],
    ["without a command", issueComment("created", "I approve of this.")],
    ["with a command only in a quote", issueComment("created", "> /orchestrate approve")],
  ])("a comment %s is not routed", (_name, payload) => {
    expect(route("issue_comment", payload, "d1")).toEqual([]);
  });

  it("a pull request comment maps to the one issue its body closes", () => {
    const pr = (body: string) => ({
      number: 40,
      body,
      pull_request: { url: "https://api.github.com/repos/o/r/pulls/40" },
    });
    const issueOf = (body: string) =>
      route("issue_comment", issueComment("created", "/orchestrate approve", pr(body)), "d1").map(
        (t) => t.ref.issue,
      );
    expect(issueOf("Orchestrate: signup.\n\nCloses #12")).toEqual([12]);
    expect(issueOf("fixes: #12, and Resolves #12")).toEqual([12]);
    expect(issueOf("Closes #12\nCloses #13")).toEqual([]);
    expect(issueOf("Part of #12")).toEqual([]);
  });

  it("a pull request comment whose payload names the head branch maps by the branch only", () => {
    const payload = withPatch(
      issueComment("created", "/orchestrate approve", {
        number: 40,
        body: "Closes #9",
        pull_request: { url: "x" },
      }),
      { pull_request: { head: { ref: "orchestrate/issue-12" } } } as never,
    );
    expect(route("issue_comment", payload, "d1").map((t) => t.ref.issue)).toEqual([12]);
  });

  it("a requested action on a phase check run names the issue and phase of its external id", () => {
    const payload = withPatch(examplePayload("check_run", "requested_action"), {
      check_run: { external_id: "12:design" },
      requested_action: { identifier: "approve" },
      repository: REPO,
    } as never);
    expect(route("check_run", payload, "d2")).toEqual([
      {
        ref: { owner: "o", repo: "r", issue: 12 },
        trigger: {
          kind: "check_action",
          delivery: "d2",
          user: "codebytere",
          userType: "User",
          identifier: "approve",
          phase: "design",
        },
      },
    ]);
    const foreign = withPatch(payload, { check_run: { external_id: "" } } as never);
    expect(route("check_run", foreign, "d2")).toEqual([]);
  });
});

describe("Permissions.inTeam", () => {
  const member = async (answer: [number, unknown]) => {
    gh.on("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", () => answer);
    return new Permissions(createTestOctokit()).inTeam("org", "leads", "alice");
  };

  it("is true for an active membership only; 404 is false", async () => {
    expect(await member([200, { url: "u", role: "member", state: "active" }])).toBe(true);
    expect(await member([200, { url: "u", role: "maintainer", state: "pending" }])).toBe(false);
    expect(await member([404, { message: "Not Found" }])).toBe(false);
    expect(gh.requests.map((r) => r.params)).toContainEqual({
      org: "org",
      team_slug: "leads",
      username: "alice",
    });
  });

  it("names members: read when GitHub refuses", async () => {
    await expect(member([403, { message: "Resource not accessible by integration" }])).rejects.toThrow(
      /needs members: read/,
    );
  });
});

describe("escalation label", () => {
  it("Labels.add posts the labels to the issue", async () => {
    gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", () => [200, []]);
    await new Labels(createTestOctokit()).add({ owner: "o", repo: "r", issue: 12 }, [ESCALATED_LABEL]);
    expect(gh.requests.map((r) => [r.params.issue_number, r.body])).toEqual([
      ["12", { labels: ["orchestrate:escalated"] }],
    ]);
  });

  it("marks a gate past its SLA once, and a rejection past the revision limit", () => {
    const state = gatedExecution({ sla: "1h", max_revisions: 0 });
    const timer = Object.values(state.timers).find((t) => t.kind === "gate_sla")!;
    const fired = EventSchema.parse({
      id: "t",
      at: timer.at,
      type: "timer_fired",
      timer: timer.id,
    }) as ExecutionEvent;
    const after = reduce(state, fired).state;
    expect(escalatedPhases(after, [fired])).toEqual(["design"]);
    const rejected = applyEvents(state, [
      { id: "r", type: "gate_rejected", phase: "design", by: "will", reason: "no" },
    ]);
    const event = {
      id: "r",
      at: 60_000,
      type: "gate_rejected",
      phase: "design",
      by: "will",
      reason: "no",
    } as const;
    expect(escalatedPhases(rejected.state, [event])).toEqual(["design"]);
    expect(escalatedPhases(state, [])).toEqual([]);
    // Waiting on its approvers while escalated or past the SLA; not before, nor once retried.
    expect([escalatedNow(state), escalatedNow(after), escalatedNow(rejected.state)]).toEqual([
      false,
      true,
      true,
    ]);
    const retried = applyEvents(rejected.state, [
      { id: "rt", type: "retry_requested", by: "will", target: "design" },
    ]);
    expect(escalatedNow(retried.state)).toBe(false);
  });

  it("Labels.remove takes the label off, and a label the issue does not carry is no error", async () => {
    let answer: [number, unknown] = [200, []];
    gh.on("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", () => answer);
    const labels = new Labels(createTestOctokit());
    await labels.remove({ owner: "o", repo: "r", issue: 12 }, ESCALATED_LABEL);
    answer = [404, { message: "Label does not exist" }];
    await labels.remove({ owner: "o", repo: "r", issue: 12 }, ESCALATED_LABEL);
    answer = [403, { message: "Resource not accessible by integration" }];
    await expect(labels.remove({ owner: "o", repo: "r", issue: 12 }, ESCALATED_LABEL)).rejects.toThrow(
      /issues: write/,
    );
    expect(gh.requests.map((r) => r.path)).toEqual(
      Array(3).fill("/repos/o/r/issues/12/labels/orchestrate%3Aescalated"),
    );
  });
});
