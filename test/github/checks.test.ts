import { describe, expect, it } from "vitest";
import { Checks, checkFields } from "../../src/github/checks.ts";
import { createTestOctokit } from "../../src/github/octokit.ts";
import type { PhaseCheck } from "../../src/github/ports.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";

const gh = useGitHubMock();
const bytes = (text: string) => Buffer.byteLength(text, "utf8");
const ref = { owner: "o", repo: "r", issue: 12 };
const SHA = "a".repeat(40);
const LIST = "GET /repos/{owner}/{repo}/commits/{ref}/check-runs";
const CREATE = "POST /repos/{owner}/{repo}/check-runs";
const UPDATE = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";
const NOW = new Date("2025-03-01T12:00:00Z");

function runJson(id: number, name: string, externalId: string) {
  return {
    id,
    head_sha: SHA,
    node_id: `CR_${id}`,
    external_id: externalId,
    url: "",
    html_url: "",
    details_url: "",
    status: "in_progress",
    conclusion: null,
    started_at: "2025-01-01T00:00:00Z",
    completed_at: null,
    output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: "" },
    name,
    check_suite: { id: 1 },
    app: null,
    pull_requests: [],
  };
}

function serveRuns(runs: ReturnType<typeof runJson>[]) {
  const bodies: unknown[] = [];
  gh.on(LIST, (req) => {
    const mine = runs.filter((r) => r.name === req.query.check_name);
    return [200, { total_count: mine.length, check_runs: mine }];
  });
  gh.on(CREATE, (req) => {
    bodies.push(req.body);
    return [
      201,
      runJson(500, (req.body as { name: string }).name, (req.body as { external_id: string }).external_id),
    ];
  });
  gh.on(UPDATE, (req) => {
    bodies.push(req.body);
    const run = runs.find((r) => r.id === Number(req.params.check_run_id));
    return run ? [200, run] : [404, { message: "Not Found" }];
  });
  return bodies;
}

const checks = () => new Checks(createTestOctokit(), { now: () => NOW });
const queued: PhaseCheck = { phase: "design", status: "queued", title: "Design", summary: "waiting" };

describe("Checks.upsert", () => {
  it("creates the run when none exists for the head sha", async () => {
    const bodies = serveRuns([]);
    expect(await checks().upsert(ref, SHA, queued)).toBe(500);
    expect(gh.requests.map((r) => r.route)).toEqual([LIST, CREATE]);
    expect(gh.requests[0]!.query).toMatchObject({ check_name: "orchestrate / design" });
    expect(bodies[0]).toEqual({
      head_sha: SHA,
      name: "orchestrate / design",
      external_id: "12:design",
      status: "queued",
      output: { title: "Design", summary: "waiting" },
      actions: [],
    });
  });

  it("reuses this execution's run, not another issue's of the same name", async () => {
    const bodies = serveRuns([
      runJson(40, "orchestrate / design", "12:design"),
      runJson(41, "orchestrate / design", "13:design"),
      runJson(39, "orchestrate / design", "12:design"),
    ]);
    const done: PhaseCheck = { ...queued, status: "completed", conclusion: "success", summary: "done" };
    expect(await checks().upsert(ref, SHA, done)).toBe(40);
    expect(gh.requests.map((r) => r.route)).toEqual([LIST, UPDATE]);
    expect(gh.requests[1]!.params.check_run_id).toBe("40");
    expect(bodies[0]).toEqual({
      name: "orchestrate / design",
      external_id: "12:design",
      status: "completed",
      conclusion: "success",
      completed_at: "2025-03-01T12:00:00.000Z",
      output: { title: "Design", summary: "done" },
      actions: [],
    });
  });

  it("updates a known id in one request, with gate actions within GitHub's limits", async () => {
    const bodies = serveRuns([runJson(40, "orchestrate / design", "12:design")]);
    const gate: PhaseCheck = {
      ...queued,
      status: "completed",
      conclusion: "action_required",
      actions: [
        { label: "Approve", identifier: "approve", description: "Open the gate" },
        { label: "Reject with feedback please", identifier: "reject", description: "x".repeat(60) },
        { label: "Retry", identifier: "retry", description: "Run again" },
        { label: "Extra", identifier: "extra", description: "dropped" },
      ],
    };
    expect(await checks().upsert(ref, SHA, gate, 40)).toBe(40);
    expect(gh.requests.map((r) => r.route)).toEqual([UPDATE]);
    const actions = (bodies[0] as { actions: { label: string; description: string; identifier: string }[] })
      .actions;
    expect(actions.map((a) => a.identifier)).toEqual(["approve", "reject", "retry"]);
    expect(actions[1]!.label.length).toBeLessThanOrEqual(20);
    expect(actions[1]!.description.length).toBeLessThanOrEqual(40);
  });

  it("falls back to the lookup when the known run is gone", async () => {
    serveRuns([]);
    expect(await checks().upsert(ref, SHA, queued, 77)).toBe(500);
    expect(gh.requests.map((r) => r.route)).toEqual([UPDATE, LIST, CREATE]);
  });

  it("looks only at this app's runs when its id is known", async () => {
    serveRuns([runJson(40, "orchestrate / design", "12:design")]);
    const mine = new Checks(createTestOctokit(), { now: () => NOW, appId: 42 });
    expect(await mine.upsert(ref, SHA, queued)).toBe(40);
    expect(gh.requests[0]!.query).toMatchObject({ check_name: "orchestrate / design", app_id: "42" });
  });

  it("leaves another app's run of the same name (GitHub refuses its update) and makes its own", async () => {
    const bodies = serveRuns([runJson(40, "orchestrate / design", "12:design")]);
    gh.on(UPDATE, (req) => {
      bodies.push(req.body);
      return req.params.check_run_id === "40"
        ? [
            403,
            {
              message:
                "Invalid app_id `15368` - check run can only be modified by the GitHub App that created it.",
            },
          ]
        : [200, runJson(500, "orchestrate / design", "12:design")];
    });
    const port = checks();
    expect(await port.upsert(ref, SHA, queued)).toBe(500);
    expect(gh.requests.map((r) => r.route)).toEqual([LIST, UPDATE, CREATE]);
    // Looked up again (a restart of the view), the other app's run is not taken for ours.
    gh.requests.length = 0;
    expect(await port.upsert(ref, SHA, queued)).toBe(500);
    expect(gh.requests.map((r) => r.route)).toEqual([LIST, CREATE]);
  });

  it("a creation whose answer was lost is looked up, not made twice", async () => {
    const runs: ReturnType<typeof runJson>[] = [];
    serveRuns(runs);
    gh.on(CREATE, (req) => {
      // It lands, but the answer is lost.
      runs.push(
        runJson(77, (req.body as { name: string }).name, (req.body as { external_id: string }).external_id),
      );
      return [502, { message: "Server Error" }];
    });
    expect(await checks().upsert(ref, SHA, queued, undefined, true)).toBe(77);
    expect(gh.requests.map((r) => r.route)).toEqual([CREATE, LIST, UPDATE]);
    expect(runs).toHaveLength(1);
  });

  it("a creation that failed and left no run fails", async () => {
    serveRuns([]);
    gh.on(CREATE, () => [502, { message: "Server Error" }]);
    await expect(checks().upsert(ref, SHA, queued, undefined, true)).rejects.toThrow(/HTTP 502/);
    expect(gh.requests.map((r) => r.route)).toEqual([CREATE, LIST]);
  });

  it("a run whose update the permission forbids is not taken for another app's", async () => {
    serveRuns([runJson(40, "orchestrate / design", "12:design")]);
    gh.on(UPDATE, () => [403, { message: "Resource not accessible by integration" }]);
    await expect(checks().upsert(ref, SHA, queued, 40)).rejects.toThrow(/The app needs checks: write/);
    expect(gh.requests.map((r) => r.route)).toEqual([UPDATE]);
  });

  it("names checks: write on a 403", async () => {
    gh.on(LIST, () => [200, { total_count: 0, check_runs: [] }]);
    gh.on(CREATE, () => [403, { message: "Resource not accessible by integration" }]);
    await expect(checks().upsert(ref, SHA, queued)).rejects.toThrow(/The app needs checks: write/);
  });
});

describe("checkFields", () => {
  it("sends conclusion only when completed (neutral by default) and always actions (empty clears buttons a gate left)", () => {
    const running = checkFields(ref, { ...queued, status: "in_progress", conclusion: "success" }, NOW);
    expect(running).not.toHaveProperty("conclusion");
    expect(running).not.toHaveProperty("completed_at");
    expect(running).toMatchObject({ actions: [] });
    expect(checkFields(ref, { ...queued, status: "completed" }, NOW)).toMatchObject({
      conclusion: "neutral",
    });
    expect(checkFields(ref, { ...queued, actions: [] }, NOW)).toMatchObject({ actions: [] });
    const cut = checkFields(ref, { ...queued, summary: "s".repeat(70_000) }, NOW).output.summary;
    expect(cut).toBe(`${"s".repeat(65_535 - bytes("\n\n… _(truncated)_"))}\n\n… _(truncated)_`);
    expect(bytes(cut)).toBe(65_535);
  });

  it("keeps the summary and title within GitHub's bytes, without splitting a character", () => {
    const korean = checkFields(
      ref,
      { ...queued, title: "검토".repeat(200), summary: "회".repeat(48_000) },
      NOW,
    );
    expect(bytes(korean.output.summary)).toBeLessThanOrEqual(65_535);
    expect(korean.output.summary).toMatch(/^회+\n\n… _\(truncated\)_$/);
    expect(bytes(korean.output.title)).toBeLessThanOrEqual(255);
    expect(korean.output.title).toMatch(/^(검토)+검?…$/);
    const emoji = checkFields(ref, { ...queued, summary: `a${"😀".repeat(20_000)}` }, NOW).output.summary;
    expect(bytes(emoji)).toBeLessThanOrEqual(65_535);
    expect(emoji).toMatch(/^a(😀)+\n\n… _\(truncated\)_$/);
  });
});

describe("a check run whose summary is long in bytes", () => {
  it("is accepted by GitHub, which counts the summary in bytes", async () => {
    const bodies = serveRuns([runJson(40, "orchestrate / design", "12:design")]);
    // GitHub's answer past 65,535 bytes, although its documentation says characters.
    gh.on(UPDATE, (req) => {
      const summary = (req.body as { output: { summary: string } }).output.summary;
      if (bytes(summary) > 65_535)
        return [
          422,
          {
            message: "Validation Failed",
            errors: [
              {
                resource: "CheckRun",
                code: "custom",
                field: "summary",
                message: "summary exceeds a maximum bytesize of 65535",
              },
            ],
          },
        ];
      bodies.push(req.body);
      return [200, runJson(40, "orchestrate / design", "12:design")];
    });
    const long: PhaseCheck = { ...queued, status: "completed", summary: "요약 ".repeat(24_000) };
    expect(await checks().upsert(ref, SHA, long, 40)).toBe(40);
    expect(gh.requests.map((r) => r.route)).toEqual([UPDATE]);
    expect(bodies).toHaveLength(1);
  });
});
