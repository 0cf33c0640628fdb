import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type GitHubMock, mockGitHub, useGitHubMock } from "./mock-github.ts";
import { TEST_TOKEN, testOctokit } from "./octokit.ts";

const owner = "o";
const repo = "r";

describe("mockGitHub fails the test", () => {
  let gh: GitHubMock;
  afterEach(() => gh.restore());

  it("for a handler route that is not in the description, at registration", () => {
    gh = mockGitHub();
    expect(() => gh.on("GET /repos/{owner}/{repo}/nope", () => [200, {}])).toThrow(
      "no operation GET /repos/{owner}/{repo}/nope in api.github.com.json",
    );
  });

  it("for an invalid body: the client gets GitHub's 422, assertValid throws", async () => {
    gh = mockGitHub();
    gh.on("POST /repos/{owner}/{repo}/check-runs", () => [201, { id: 1 }]);
    const octokit = testOctokit();
    // A call the types would reject, as untyped code might make it.
    const params = { owner, repo, head_sha: "abc" } as unknown as Parameters<
      typeof octokit.rest.checks.create
    >[0];
    await expect(octokit.rest.checks.create(params)).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining("body must have required property 'name'"),
    });
    expect(() => gh.assertValid()).toThrow(
      "POST /repos/o/r/check-runs → POST /repos/{owner}/{repo}/check-runs: body must have required property 'name'",
    );
  });

  it("for an unknown route or query parameter even when a nock-style interceptor answered it", async () => {
    gh = mockGitHub();
    gh.scope.get("/repos/o/r/nope").reply(200, {});
    gh.scope.get("/repos/o/r/issues/1/comments").query(true).reply(200, []);
    const octokit = testOctokit();
    await octokit.request("GET /repos/{owner}/{repo}/nope", { owner, repo });
    await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner,
      repo,
      issue_number: 1,
      perpage: 5,
    });
    expect(gh.problems()).toEqual([
      "GET /repos/o/r/nope → no operation GET /repos/o/r/nope in api.github.com.json",
      'GET /repos/o/r/issues/1/comments → GET /repos/{owner}/{repo}/issues/{issue_number}/comments: unknown query parameter "perpage"',
    ]);
    expect(() => gh.assertValid()).toThrow("2 problem(s) with GitHub requests");
  });

  it("for an unmatched request: the client's request fails, assertValid names method and path", async () => {
    gh = mockGitHub();
    gh.on("GET /repos/{owner}/{repo}", () => [200, { id: 1 }]);
    const octokit = testOctokit();
    await expect(octokit.rest.issues.get({ owner, repo, issue_number: 3 })).rejects.toThrow(/No match/);
    expect(gh.problems()).toEqual([
      'GET /repos/o/r/issues/3 → not mocked: add gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}", …) or a scope interceptor',
    ]);
  });

  it("for a request when nothing is mocked at all (net connect disabled)", async () => {
    gh = mockGitHub();
    await expect(testOctokit().rest.repos.get({ owner, repo })).rejects.toThrow(/Disallowed net connect/);
    expect(gh.problems()).toEqual([
      'GET /repos/o/r → not mocked: add gh.on("GET /repos/{owner}/{repo}", …) or a scope interceptor',
    ]);
  });

  it("for a request to another host; localhost stays reachable", async () => {
    gh = mockGitHub();
    await expect(fetch("https://example.com/hook")).rejects.toThrow();
    expect(gh.problems()).toEqual([
      "GET https://example.com/hook → not mocked: a request to example.com, and net connect is disabled",
    ]);
    const server = createServer((_req, res) => res.end("local")).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("local");
    } finally {
      server.close();
    }
    expect(gh.problems()).toHaveLength(1);
  });

  it("for a handler that throws", async () => {
    gh = mockGitHub();
    gh.on("GET /repos/{owner}/{repo}", () => {
      throw new Error("boom");
    });
    await expect(testOctokit().rest.repos.get({ owner, repo })).rejects.toMatchObject({ status: 500 });
    expect(gh.problems()[0]).toContain("handler for GET /repos/{owner}/{repo} threw: Error: boom");
  });

  it("for nock-style interceptors left unused, with done()", () => {
    gh = mockGitHub();
    gh.scope.get("/repos/o/r").reply(200, {});
    expect(() => gh.done()).toThrow("Mocks not yet satisfied");
  });
});

describe("mockGitHub handlers", () => {
  let gh: GitHubMock;
  afterEach(() => gh.restore());

  it("parse route params, keep state, and log every request by route", async () => {
    gh = mockGitHub();
    const comments: Array<{ id: number; body: string }> = [];
    gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", ({ body }) => {
      const comment = { id: comments.length + 1, body: (body as { body: string }).body };
      comments.push(comment);
      return [201, comment];
    });
    gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", ({ params }) => [
      200,
      params.issue_number === "7" ? comments : [],
    ]);
    const octokit = testOctokit();
    await octokit.rest.issues.createComment({ owner, repo, issue_number: 7, body: "first" });
    await octokit.rest.issues.createComment({ owner, repo, issue_number: 7, body: "second" });
    const { data } = await octokit.rest.issues.listComments({ owner, repo, issue_number: 7, per_page: 100 });
    expect(data.map((c) => c.body)).toEqual(["first", "second"]);
    expect(gh.countByRoute()).toEqual({
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": 2,
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": 1,
    });
    expect(gh.requests[2]).toMatchObject({
      method: "GET",
      path: "/repos/o/r/issues/7/comments",
      params: { owner, repo, issue_number: "7" },
      query: { per_page: "100" },
      body: undefined,
      problems: [],
    });
    expect(gh.requests[0]?.body).toEqual({ body: "first" });
    gh.assertValid();
  });

  it("serve greedy refs, decoded, and paginate with Link headers", async () => {
    gh = mockGitHub();
    const sha = "b".repeat(40);
    gh.on("GET /repos/{owner}/{repo}/git/ref/{ref}", ({ params }) => [
      200,
      { ref: `refs/${params.ref}`, node_id: "n", url: "u", object: { sha, type: "commit", url: "u" } },
    ]);
    gh.on("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", ({ query }) =>
      query.page === "2"
        ? [200, [{ id: 2 }]]
        : [
            200,
            [{ id: 1 }],
            { link: '<https://api.github.com/repos/o/r/issues/1/comments?page=2>; rel="next"' },
          ],
    );
    const octokit = testOctokit();
    const { data } = await octokit.rest.git.getRef({ owner, repo, ref: "heads/orchestrate/issue-1" });
    expect(data.ref).toBe("refs/heads/orchestrate/issue-1");
    const all = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: 1 });
    expect(all.map((c) => c.id)).toEqual([1, 2]);
    expect(gh.requests[0]?.params.ref).toBe("heads/orchestrate/issue-1");
    gh.assertValid();
  });

  it("answer with 204 and no body", async () => {
    gh = mockGitHub();
    gh.on("POST /repos/{owner}/{repo}/dispatches", () => [204]);
    const { status } = await testOctokit().rest.repos.createDispatchEvent({
      owner,
      repo,
      event_type: "orchestrate-result",
      client_payload: { task: "a" },
    });
    expect(status).toBe(204);
    gh.assertValid();
  });

  it("coexist with nock-style interceptors", async () => {
    gh = mockGitHub();
    gh.on("GET /repos/{owner}/{repo}", () => [200, { id: 1 }]);
    gh.scope.get("/repos/o/r/collaborators/octocat/permission").reply(200, { permission: "write" });
    const octokit = testOctokit();
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner,
      repo,
      username: "octocat",
    });
    expect(data.permission).toBe("write");
    await octokit.rest.repos.get({ owner, repo });
    gh.done();
    gh.assertValid();
  });
});

describe("useGitHubMock", () => {
  const gh = useGitHubMock({ requireDone: true });

  it("gives each test a fresh mock and checks it afterwards", async () => {
    expect(gh.requests).toEqual([]);
    gh.scope.post("/repos/o/r/actions/workflows/agents.yml/dispatches").reply(204);
    await testOctokit().rest.actions.createWorkflowDispatch({
      owner,
      repo,
      workflow_id: "agents.yml",
      ref: "orchestrate/issue-7",
      inputs: { tasks: "[]" },
    });
    expect(gh.countByRoute()).toEqual({
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches": 1,
    });
  });

  it("starts the next test empty", () => {
    expect(gh.requests).toEqual([]);
  });

  // `it.fails` passes only when the test fails: here the failure comes from the afterEach check.
  it.fails("fails a test whose request was invalid, even though the test body passed", async () => {
    gh.scope.get("/repos/o/r/nope").reply(200, {});
    await testOctokit().request("GET /repos/{owner}/{repo}/nope", { owner, repo });
  });

  it.fails("fails a test that left a nock-style interceptor unused (requireDone)", () => {
    gh.scope.get("/repos/o/r").reply(200, {});
  });
});

describe("GraphQL requests", () => {
  it("are validated against GitHub's GraphQL schema and answered by their top-level field", async () => {
    const gh = mockGitHub();
    gh.onGraphQL("markPullRequestReadyForReview", (vars) => ({
      markPullRequestReadyForReview: { pullRequest: { isDraft: false, id: vars.id } },
    }));
    const ok = await testOctokit().graphql<{
      markPullRequestReadyForReview: { pullRequest: { isDraft: boolean } };
    }>(
      "mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }",
      { id: "PR_1" },
    );
    expect(ok.markPullRequestReadyForReview.pullRequest.isDraft).toBe(false);
    expect(gh.problems()).toEqual([]);
    await expect(
      testOctokit().graphql(
        "mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { nope } } }",
        { id: "PR_1" },
      ),
    ).rejects.toThrow(/nope/);
    await expect(
      testOctokit().graphql(
        "mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }",
        {},
      ),
    ).rejects.toThrow(/\$id/);
    expect(gh.problems()).toHaveLength(2);
    gh.restore();
  });

  it("are recorded with the headers they were sent with", async () => {
    const gh = mockGitHub();
    gh.onGraphQL("viewer", () => ({ viewer: { login: "octocat" } }));
    await testOctokit().graphql("query { viewer { login } }");
    await testOctokit({ auth: "ghs_other" }).graphql("query { viewer { login } }");
    expect(gh.requests.map((r) => [r.route, r.headers.authorization])).toEqual([
      ["POST /graphql viewer", `token ${TEST_TOKEN}`],
      ["POST /graphql viewer", "token ghs_other"],
    ]);
    expect(gh.requests[0]!.headers["content-type"]).toMatch(/^application\/json/);
    expect(gh.problems()).toEqual([]);
    gh.restore();
  });
});
