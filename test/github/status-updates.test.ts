import { describe, expect, it } from "vitest";
import { Checks } from "../../src/github/checks.ts";
import { Dashboard } from "../../src/github/dashboard.ts";
import { NodeIds } from "../../src/github/node-ids.ts";
import { createTestOctokit } from "../../src/github/octokit.ts";
import type { PhaseCheck } from "../../src/github/ports.ts";
import { StatusUpdates } from "../../src/github/status-updates.ts";
import { fakeIssueSide } from "../support/github/fake-issues.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";

const gh = useGitHubMock();
const ref = { owner: "o", repo: "r", issue: 7 };
const now = () => new Date("2026-01-02T03:04:05Z");

const done: PhaseCheck = {
  phase: "design",
  status: "completed",
  conclusion: "action_required",
  title: "Waiting for approval",
  summary: "Approve with `/orchestrate approve design`.",
  actions: [{ label: "Approve", identifier: "approve", description: "Approve the design phase" }],
};
const running: PhaseCheck = { phase: "build", status: "in_progress", title: "1 of 3 tasks", summary: "…" };

/** A dashboard comment and two check runs created over REST, their node ids learnt on the way. */
async function created() {
  const side = fakeIssueSide(gh);
  const ids = new NodeIds();
  ids.rememberRepository(ref, "R_repo");
  const client = createTestOctokit();
  const dashboard = await new Dashboard(client, ids).upsert(ref, "first");
  const checks = new Checks(client, { ids, now });
  const a = await checks.upsert(ref, "a".repeat(40), { ...running, phase: "design" }, undefined, true);
  const b = await checks.upsert(ref, "a".repeat(40), running, undefined, true);
  gh.requests.length = 0;
  return { side, ids, status: new StatusUpdates(client, ids, { now }), dashboard, a, b };
}

describe("StatusUpdates", () => {
  it("sends the dashboard and every check run update in one GraphQL mutation", async () => {
    const { side, status, dashboard, a, b } = await created();
    const sent = await status.send(ref, {
      dashboard: { id: dashboard, body: "progress 50%" },
      checks: [
        { id: a, check: done },
        { id: b, check: running },
      ],
    });
    expect(sent).toEqual({ dashboard: true, checks: [true, true] });
    expect(gh.requests.map((r) => r.route)).toEqual(["POST /graphql updateIssueComment"]);
    expect(side.comments[0]!.body).toMatch(/progress 50%/);
    expect(side.comments[0]!.body.startsWith("<!--")).toBe(true);
    expect(side.checks.get(a)).toMatchObject({
      name: "orchestrate / design",
      external_id: "7:design",
      status: "completed",
      conclusion: "action_required",
      completed_at: "2026-01-02T03:04:05.000Z",
      output: { title: "Waiting for approval", summary: done.summary },
      actions: [{ label: "Approve", identifier: "approve", description: "Approve the design phase" }],
    });
    expect(side.checks.get(b)).toMatchObject({ status: "in_progress", output: { title: "1 of 3 tasks" } });
    const { variables } = gh.requests[0]!.body as { variables: Record<string, Record<string, unknown>> };
    expect(variables.c0).toMatchObject({
      repositoryId: "R_repo",
      checkRunId: `CR_${a}`,
      status: "COMPLETED",
    });
    expect(variables.c1).not.toHaveProperty("conclusion");
  });

  it("reports what GitHub refused, field by field, and what it could not batch", async () => {
    const { side, ids, status, dashboard, a, b } = await created();
    side.checks.delete(b); // deleted on GitHub: its update fails, the others land
    const sent = await status.send(ref, {
      dashboard: { id: dashboard, body: "x" },
      checks: [
        { id: a, check: done },
        { id: b, check: done },
        { id: 999, check: done },
      ],
    });
    expect(sent).toEqual({ dashboard: true, checks: [true, false, false] });
    expect(side.checks.get(a)).toMatchObject({ status: "completed" });
    // Without the repository's node id no check run can be batched; nothing known → no request.
    const fresh = new StatusUpdates(createTestOctokit(), new NodeIds());
    gh.requests.length = 0;
    expect(await fresh.send(ref, { checks: [{ id: a, check: done }] })).toEqual({
      dashboard: false,
      checks: [false],
    });
    expect(gh.requests).toHaveLength(0);
    expect(ids.checkRun(ref, a)).toBe(`CR_${a}`);
  });

  it("leaves every edit to the REST path when the request itself fails", async () => {
    const { ids, dashboard, a } = await created();
    // The mutation reaches GitHub (the mock checks it); its answer is a 502.
    const failing = createTestOctokit({
      fetch: async (url, init) => {
        await fetch(url, init);
        return new Response(JSON.stringify({ message: "Bad Gateway" }), { status: 502 });
      },
    });
    const sent = await new StatusUpdates(failing, ids).send(ref, {
      dashboard: { id: dashboard, body: "x" },
      checks: [{ id: a, check: done }],
    });
    expect(sent).toEqual({ dashboard: false, checks: [false] });
    expect(gh.requests.map((r) => r.route)).toEqual(["POST /graphql updateIssueComment"]);
  });
});
