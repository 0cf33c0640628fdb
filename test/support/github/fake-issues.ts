import type { GitHubMock } from "./mock-github.ts";

/** What the fake issue side recorded. */
export interface FakeIssueSide {
  /**
   * Comments of every issue, in order (`issue`: the issue number they were posted on; `user`: a
   * person's login, else the app wrote it; `created_at`: ISO time, else an old one).
   */
  comments: {
    id: number;
    body: string;
    issue?: number;
    user?: string;
    created_at?: string;
    /** ISO time of the last edit (default: `created_at`, never edited). */
    updated_at?: string;
  }[];
  /** Check runs by id, as last created or updated. */
  checks: Map<number, Record<string, unknown>>;
  /** Inputs of each `workflow_dispatch` (the batches of tasks). */
  dispatches: Record<string, string>[];
  workflowDispatches: { workflow: string; ref: string; inputs: Record<string, string> }[];
  resultDispatches: { event_type: string; client_payload: Record<string, unknown> }[];
  reactions: { comment: number; content: string }[];
  /** Labels added by the app (every issue also carries `orchestrate`). */
  labels: string[];
  /** Issues that are closed now, or have lost the `orchestrate` label (read by `GET issues/{n}`). */
  closed: Set<number>;
  unlabeled: Set<number>;
  /** Pull requests opened (by head branch), with whether each is a draft. */
  pulls: { number: number; head: string; draft: boolean; body: string }[];
  /**
   * Workflow runs started by dispatches that asked for their details, by id (from 9000): queued
   * with no jobs until a test says otherwise.
   */
  runs: Map<number, FakeRun>;
  /** Reviews submitted on pull requests (`pull`: its number), as `GET pulls/{n}/reviews` lists them. */
  reviews: {
    pull: number;
    id: number;
    user: string;
    state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
    commit_id: string;
    body: string;
    submitted_at: string;
  }[];
}

/** A workflow run of the fake, and the jobs of its latest attempt. */
export interface FakeRun {
  id: number;
  branch: string;
  /** The workflow file dispatched (default `orchestrate-agents.yml`). */
  workflow?: string;
  /** What started it (default `workflow_dispatch`). */
  event?: string;
  /** Its head repository (default `Codertocat/Hello-World`, the example payloads' repository). */
  repository?: string;
  /** ISO time it was created (default: one far in the future of the tests' clocks). */
  created_at?: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  jobs: {
    name: string;
    status: "queued" | "in_progress" | "completed";
    conclusion: string | null;
    /** ISO time a runner took it. */
    started_at?: string;
  }[];
}

/**
 * GitHub's side of issues (comments, reactions, labels), check runs, collaborator permissions and
 * dispatches, kept in memory behind the validating mock. The user `reader` has read permission;
 * everyone else write. `dispatchAnswer` can make a workflow dispatch fail.
 */
export function fakeIssueSide(
  gh: GitHubMock,
  options: { dispatchAnswer?: () => readonly [number, unknown?, Record<string, string>?] } = {},
): FakeIssueSide {
  const side: FakeIssueSide = {
    comments: [],
    checks: new Map(),
    dispatches: [],
    workflowDispatches: [],
    resultDispatches: [],
    reactions: [],
    labels: [],
    closed: new Set(),
    unlabeled: new Set(),
    pulls: [],
    runs: new Map(),
    reviews: [],
  };
  const pullJson = (p: FakeIssueSide["pulls"][number]) => ({
    number: p.number,
    node_id: `PR_${p.number}`,
    draft: p.draft,
    body: p.body,
    head: { ref: p.head, sha: "0".repeat(40) },
  });
  gh.on("GET /repos/{owner}/{repo}/pulls", ({ query }) => [
    200,
    side.pulls.filter((p) => String(query.head ?? "").endsWith(`:${p.head}`)).map(pullJson),
  ]);
  gh.on("POST /repos/{owner}/{repo}/pulls", ({ body }) => {
    const b = body as { head: string; draft?: boolean; body?: string };
    const pull = {
      number: 200 + side.pulls.length,
      head: b.head,
      draft: b.draft === true,
      body: b.body ?? "",
    };
    side.pulls.push(pull);
    return [201, pullJson(pull)];
  });
  gh.on("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", ({ params, body }) => {
    const pull = side.pulls.find((p) => p.number === Number(params.pull_number))!;
    pull.body = (body as { body?: string }).body ?? pull.body;
    return [200, pullJson(pull)];
  });
  gh.on("GET /repos/{owner}/{repo}/collaborators/{username}/permission", ({ params }) => {
    const level = params.username === "reader" ? "read" : "write";
    return [200, { permission: level, role_name: level, user: null }];
  });
  // Comments listed here were written by the app (a bot), as GitHub reports them.
  const commentJson = (c: FakeIssueSide["comments"][number]) => ({
    id: c.id,
    body: c.body,
    node_id: `IC_${c.id}`,
    user: c.user ? { login: c.user, id: 2, type: "User" } : { login: "orchestrate[bot]", id: 1, type: "Bot" },
    created_at: c.created_at ?? "2026-01-01T00:00:00Z",
    updated_at: c.updated_at ?? c.created_at ?? "2026-01-01T00:00:00Z",
  });
  gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", ({ params, query }) => [
    200,
    side.comments
      .filter((c) => (c.issue ?? Number(params.issue_number)) === Number(params.issue_number))
      .map(commentJson)
      .filter((c) => query.since === undefined || c.updated_at >= String(query.since)),
  ]);
  gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", ({ params, body }) => {
    const comment = {
      id: side.comments.length + 100,
      body: (body as { body: string }).body,
      issue: Number(params.issue_number),
    };
    side.comments.push(comment);
    return [201, commentJson(comment)];
  });
  gh.on("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", ({ params, body }) => {
    const c = side.comments.find((x) => x.id === Number(params.comment_id))!;
    c.body = (body as { body: string }).body;
    return [200, commentJson(c)];
  });
  const unresolved = (id: unknown) =>
    new Error(`Could not resolve to a node with the global id of '${String(id)}'`);
  gh.onGraphQLField("updateIssueComment", ({ input }) => {
    const { id, body } = input as { id: string; body: string };
    const c = side.comments.find((x) => `IC_${x.id}` === id);
    if (!c) throw unresolved(id);
    c.body = body;
    return { issueComment: { id } };
  });
  gh.on("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", ({ params, body }) => {
    const content = (body as { content: string }).content;
    side.reactions.push({ comment: Number(params.comment_id), content });
    return [201, { id: side.reactions.length, content, user: null }];
  });
  gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", ({ body }) => {
    side.labels.push(...(body as { labels: string[] }).labels);
    return [200, side.labels.map((name, id) => ({ id, name }))];
  });
  gh.on("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", ({ params }) => {
    const at = side.labels.indexOf(decodeURIComponent(params.name!));
    if (at < 0) return [404, { message: "Label does not exist" }];
    side.labels.splice(at, 1);
    return [200, side.labels.map((name, id) => ({ id, name }))];
  });
  gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}", ({ params }) => {
    const number = Number(params.issue_number);
    const labels = [...(side.unlabeled.has(number) ? [] : ["orchestrate"]), ...side.labels];
    return [
      200,
      {
        id: number,
        node_id: `I_${number}`,
        number,
        title: "An issue",
        state: side.closed.has(number) ? "closed" : "open",
        labels: labels.map((name, id) => ({ id, name })),
        user: { login: "octocat", id: 1, type: "User" },
      },
    ];
  });
  // GitHub lists the check runs created on a commit (here: by its sha; a branch name finds none).
  gh.on("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", ({ params, query }) => {
    const runs = [...side.checks.values()]
      .filter(
        (c) => c.head_sha === params.ref && (query.check_name === undefined || c.name === query.check_name),
      )
      .reverse();
    return [200, { total_count: runs.length, check_runs: runs }];
  });
  gh.on("POST /repos/{owner}/{repo}/check-runs", ({ body }) => {
    const id = side.checks.size + 1;
    side.checks.set(id, { id, node_id: `CR_${id}`, ...(body as object) });
    return [201, side.checks.get(id)];
  });
  gh.on("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", ({ params, body }) => {
    const id = Number(params.check_run_id);
    side.checks.set(id, { ...side.checks.get(id), ...(body as object) });
    return [200, side.checks.get(id)];
  });
  // The same update through GraphQL, recorded in the REST shape (enums in lower case).
  gh.onGraphQLField("updateCheckRun", ({ input }) => {
    const { repositoryId, checkRunId, externalId, completedAt, status, conclusion, ...rest } =
      input as Record<string, unknown>;
    const id = Number(/^CR_(\d+)$/.exec(String(checkRunId))?.[1]);
    if (!side.checks.has(id) || typeof repositoryId !== "string") throw unresolved(checkRunId);
    side.checks.set(id, {
      ...side.checks.get(id),
      ...rest,
      ...(externalId !== undefined ? { external_id: externalId } : {}),
      ...(status !== undefined ? { status: String(status).toLowerCase() } : {}),
      ...(conclusion !== undefined ? { conclusion: String(conclusion).toLowerCase() } : {}),
      ...(completedAt !== undefined ? { completed_at: completedAt } : {}),
    });
    return { checkRun: { id: checkRunId } };
  });
  gh.on("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", ({ params, body }) => {
    const answer = options.dispatchAnswer?.() ?? ([204] as const);
    if (answer[0] !== 204) return answer;
    const b = body as { ref: string; inputs: Record<string, string>; return_run_details?: boolean };
    side.dispatches.push(b.inputs);
    side.workflowDispatches.push({ workflow: params.workflow_id!, ref: b.ref, inputs: b.inputs });
    if (!b.return_run_details) return [204];
    const id = 9000 + side.runs.size;
    side.runs.set(id, {
      id,
      branch: b.ref,
      workflow: params.workflow_id!,
      repository: `${params.owner}/${params.repo}`,
      status: "queued",
      conclusion: null,
      jobs: [],
    });
    const url = `https://api.github.com/repos/${params.owner}/${params.repo}/actions/runs/${id}`;
    return [
      200,
      {
        workflow_run_id: id,
        run_url: url,
        html_url: `https://github.com/${params.owner}/${params.repo}/actions/runs/${id}`,
      },
    ];
  });
  const runOf = (id: string | undefined) => side.runs.get(Number(id));
  const notFound = [
    404,
    { message: "Not Found", documentation_url: "https://docs.github.com/rest" },
  ] as const;
  gh.on("GET /repos/{owner}/{repo}/actions/runs/{run_id}", ({ params }) => {
    const run = runOf(params.run_id);
    if (!run) return notFound;
    return [
      200,
      {
        id: run.id,
        head_branch: run.branch,
        status: run.status,
        conclusion: run.conclusion,
        event: run.event ?? "workflow_dispatch",
        path: `.github/workflows/${run.workflow ?? "orchestrate-agents.yml"}`,
        workflow_id: 161335,
        head_repository: { full_name: run.repository ?? "Codertocat/Hello-World" },
        created_at: run.created_at ?? "2030-01-01T00:00:00Z",
      },
    ];
  });
  gh.on("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", ({ params }) => [
    200,
    side.reviews
      .filter((r) => r.pull === Number(params.pull_number))
      .map(({ pull: _, user, ...r }) => ({
        ...r,
        node_id: `PRR_${r.id}`,
        user: { login: user, id: 1, type: user.endsWith("[bot]") ? "Bot" : "User" },
        html_url: "",
        pull_request_url: "",
        author_association: "MEMBER",
        _links: {},
      })),
  ]);
  gh.on("GET /repos/{owner}/{repo}/actions/runs", ({ query }) => {
    const runs = [...side.runs.values()].filter(
      (r) =>
        (!query.branch || r.branch === query.branch) &&
        (!query.status || r.status === query.status) &&
        (!query.event || (r.event ?? "workflow_dispatch") === query.event),
    );
    return [
      200,
      {
        total_count: runs.length,
        workflow_runs: runs.map((r) => ({
          id: r.id,
          head_branch: r.branch,
          status: r.status,
          conclusion: r.conclusion,
          event: r.event ?? "workflow_dispatch",
          path: `.github/workflows/${r.workflow ?? "orchestrate-agents.yml"}`,
          workflow_id: 161335,
          head_repository: { full_name: r.repository ?? "Codertocat/Hello-World" },
          created_at: r.created_at ?? "2030-01-01T00:00:00Z",
        })),
      },
    ];
  });
  gh.on("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", ({ params }) => {
    const run = runOf(params.run_id);
    if (!run) return notFound;
    Object.assign(run, { status: "completed", conclusion: "cancelled" });
    return [202, {}];
  });
  gh.on("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs", ({ params }) => {
    const run = runOf(params.run_id);
    if (!run) return notFound;
    const jobs = run.jobs.map((j, i) => ({ id: run.id * 100 + i, run_id: run.id, ...j }));
    return [200, { total_count: jobs.length, jobs }];
  });
  gh.on("POST /repos/{owner}/{repo}/dispatches", ({ body }) => {
    side.resultDispatches.push(body as FakeIssueSide["resultDispatches"][number]);
    return [204];
  });
  return side;
}
