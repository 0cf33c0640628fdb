import { describe, expect, it } from "vitest";
import { COMMENT_LIMIT } from "../../src/github/comments.ts";
import { DASHBOARD_MARKER, Dashboard, dashboardBody } from "../../src/github/dashboard.ts";
import { GitHubError } from "../../src/github/errors.ts";
import { createTestOctokit } from "../../src/github/octokit.ts";
import { type HandlerRequest, useGitHubMock } from "../support/github/mock-github.ts";

const gh = useGitHubMock();
const ref = { owner: "o", repo: "r", issue: 12 };
const LIST = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
const CREATE = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const UPDATE = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";

interface Comment {
  id: number;
  body: string;
  user: string;
  created_at: string;
}

function commentJson(c: Comment) {
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `https://api.github.com/repos/o/r/issues/comments/${c.id}`,
    html_url: `https://github.com/o/r/issues/12#issuecomment-${c.id}`,
    body: c.body,
    user: { login: c.user, id: 1, type: c.user.endsWith("[bot]") ? "Bot" : "User" },
    created_at: c.created_at,
    updated_at: c.created_at,
    issue_url: "https://api.github.com/repos/o/r/issues/12",
    author_association: "NONE",
  };
}

/** An issue's comments, served in pages of `perPage` (GitHub's Link header), created and updated in place. */
function serveComments(initial: Comment[], perPage = 2) {
  const comments = [...initial];
  let next = 1000;
  gh.on(LIST, (req: HandlerRequest) => {
    const page = Number(req.query.page ?? 1);
    const slice = comments.slice((page - 1) * perPage, page * perPage);
    const last = Math.max(1, Math.ceil(comments.length / perPage));
    const headers: Record<string, string> =
      page < last
        ? {
            link: `<https://api.github.com/repos/o/r/issues/12/comments?per_page=100&page=${page + 1}>; rel="next"`,
          }
        : {};
    return [200, slice.map(commentJson), headers];
  });
  gh.on(CREATE, (req) => {
    const c = {
      id: next++,
      body: (req.body as { body: string }).body,
      user: "orchestrate[bot]",
      created_at: "2025-02-01T00:00:00Z",
    };
    comments.push(c);
    return [201, commentJson(c)];
  });
  gh.on(UPDATE, (req) => {
    const c = comments.find((x) => x.id === Number(req.params.comment_id));
    if (!c) return [404, { message: "Not Found" }];
    c.body = (req.body as { body: string }).body;
    return [200, commentJson(c)];
  });
  return comments;
}

const routes = () => gh.requests.map((r) => r.route);

describe("Dashboard.upsert", () => {
  it("creates the comment, marker first, when none exists", async () => {
    const comments = serveComments([
      { id: 1, body: "hello", user: "alice", created_at: "2025-01-01T00:00:00Z" },
    ]);
    const id = await new Dashboard(createTestOctokit()).upsert(ref, "## Status\nrunning");
    expect(id).toBe(1000);
    expect(comments.at(-1)!.body).toBe(`${DASHBOARD_MARKER}\n## Status\nrunning`);
    expect(routes()).toEqual([LIST, CREATE]);
  });

  it("finds the newest marked comment by a bot across pages and edits it", async () => {
    const comments = serveComments([
      { id: 1, body: "hello", user: "alice", created_at: "2025-01-01T00:00:00Z" },
      {
        id: 2,
        body: `${DASHBOARD_MARKER}\nold`,
        user: "orchestrate[bot]",
        created_at: "2025-01-02T00:00:00Z",
      },
      { id: 3, body: "see the dashboard", user: "bob", created_at: "2025-01-03T00:00:00Z" },
      {
        id: 4,
        body: `${DASHBOARD_MARKER}\nnewer`,
        user: "github-actions[bot]",
        created_at: "2025-01-04T00:00:00Z",
      },
      { id: 5, body: `quoting ${DASHBOARD_MARKER}`, user: "carol", created_at: "2025-01-05T00:00:00Z" },
      // A person's comment that starts with the marker is not the dashboard: it is never edited.
      { id: 6, body: `${DASHBOARD_MARKER}\nfake`, user: "mallory", created_at: "2025-01-06T00:00:00Z" },
    ]);
    const id = await new Dashboard(createTestOctokit()).upsert(ref, "now");
    expect(id).toBe(4);
    expect(comments.find((c) => c.id === 4)!.body).toBe(`${DASHBOARD_MARKER}\nnow`);
    expect(comments.find((c) => c.id === 2)!.body).toBe(`${DASHBOARD_MARKER}\nold`);
    expect(comments.find((c) => c.id === 6)!.body).toBe(`${DASHBOARD_MARKER}\nfake`);
    expect(routes()).toEqual([LIST, LIST, LIST, UPDATE]);
  });

  it("also finds the marked comment of a trusted author (the user of a personal token)", async () => {
    serveComments([
      { id: 1, body: `${DASHBOARD_MARKER}\nmine`, user: "octo-user", created_at: "2025-01-01T00:00:00Z" },
      { id: 2, body: `${DASHBOARD_MARKER}\nfake`, user: "mallory", created_at: "2025-01-02T00:00:00Z" },
    ]);
    expect(await new Dashboard(createTestOctokit(), undefined, ["Octo-User"]).find(ref)).toBe(1);
    expect(await new Dashboard(createTestOctokit()).find(ref)).toBeUndefined();
  });

  it("with a known id updates in one request", async () => {
    const comments = serveComments([
      { id: 7, body: `${DASHBOARD_MARKER}\nx`, user: "orchestrate[bot]", created_at: "2025-01-01T00:00:00Z" },
    ]);
    expect(await new Dashboard(createTestOctokit()).upsert(ref, "y", 7)).toBe(7);
    expect(comments[0]!.body).toBe(`${DASHBOARD_MARKER}\ny`);
    expect(routes()).toEqual([UPDATE]);
  });

  it("falls back to the lookup when the known comment was deleted (404)", async () => {
    serveComments([
      { id: 8, body: `${DASHBOARD_MARKER}\nx`, user: "orchestrate[bot]", created_at: "2025-01-01T00:00:00Z" },
    ]);
    expect(await new Dashboard(createTestOctokit()).upsert(ref, "y", 99)).toBe(8);
    expect(routes()).toEqual([UPDATE, LIST, UPDATE]);
    gh.requests.length = 0;
    serveComments([]);
    expect(await new Dashboard(createTestOctokit()).upsert(ref, "z", 99)).toBe(1000);
    expect(routes()).toEqual([UPDATE, LIST, CREATE]);
  });

  it("caps the body at GitHub's limit with a note", async () => {
    const comments = serveComments([]);
    await new Dashboard(createTestOctokit()).upsert(ref, "x".repeat(70_000));
    const body = comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.startsWith(DASHBOARD_MARKER)).toBe(true);
    expect(body).toMatch(/truncated/);
    expect(dashboardBody("short")).toBe(`${DASHBOARD_MARKER}\nshort`);
    expect(dashboardBody(`${DASHBOARD_MARKER}\nalready`)).toBe(`${DASHBOARD_MARKER}\nalready`);
    // A surrogate pair at the cut is not split.
    const emoji = dashboardBody("😀".repeat(40_000));
    expect(emoji.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it("names the missing permission on a 403", async () => {
    gh.on(LIST, () => [403, { message: "Resource not accessible by integration" }]);
    const error = await new Dashboard(createTestOctokit()).upsert(ref, "y").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as Error).message).toMatch(/list the comments of o\/r#12 failed \(HTTP 403\)/);
    expect((error as Error).message).toMatch(/needs issues: write/);
  });
});
