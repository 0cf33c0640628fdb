import { describe, expect, it } from "vitest";
import { RateLimitError } from "../../src/github/errors.ts";
import { createOctokit, isRetryable, type RateLimitInfo } from "../../src/github/octokit.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";

const gh = useGitHubMock();
let clients = 0;

/** The production client with waits shrunk to milliseconds. */
function client(options: Parameters<typeof createOctokit>[0] = {}) {
  return createOctokit({
    auth: "ghs_test",
    timing: { backoffUnitMs: 1, rateLimitUnitMs: 1 },
    throttleId: `test-${++clients}`,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    ...options,
  });
}

/** Answers `route` with `responses` in turn (the last one repeats). */
function sequence(route: string, ...responses: [number, unknown?, Record<string, string>?][]) {
  let n = 0;
  gh.on(route, () => responses[Math.min(n++, responses.length - 1)]!);
}

const GET_REPO = "GET /repos/{owner}/{repo}";
const DISPATCH = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";
const PATCH_REF = "PATCH /repos/{owner}/{repo}/git/refs/{ref}";
const TREES = "POST /repos/{owner}/{repo}/git/trees";
const repoJson = { id: 1, name: "r", full_name: "o/r", default_branch: "main" };
const BAD_GATEWAY: [number, unknown] = [502, { message: "Server Error" }];

describe("createOctokit", () => {
  it("retries a GET on 502 with backoff, then succeeds", async () => {
    sequence(GET_REPO, BAD_GATEWAY, BAD_GATEWAY, [200, repoJson]);
    const { data } = await client().rest.repos.get({ owner: "o", repo: "r" });
    expect(data.default_branch).toBe("main");
    expect(gh.requests).toHaveLength(3);
  });

  it("gives up on a GET after `retries` retries", async () => {
    sequence(GET_REPO, BAD_GATEWAY);
    const error = await client({ retries: 2 })
      .rest.repos.get({ owner: "o", repo: "r" })
      .catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(502);
    expect(gh.requests).toHaveLength(3);
  });

  it("never retries a 409", async () => {
    sequence(PATCH_REF, [409, { message: "Reference update failed" }]);
    const error = await client()
      .rest.git.updateRef({
        owner: "o",
        repo: "r",
        ref: "heads/orchestrate-state",
        sha: "a".repeat(40),
        force: false,
      })
      .catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(409);
    expect(gh.requests).toHaveLength(1);
  });

  it("does not re-send a workflow dispatch after a 502", async () => {
    sequence(DISPATCH, BAD_GATEWAY, [204]);
    const error = await client()
      .rest.actions.createWorkflowDispatch({ owner: "o", repo: "r", workflow_id: "agents.yml", ref: "main" })
      .catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(502);
    expect(gh.requests).toHaveLength(1);
  });

  it("does not re-send a comment after a network failure", async () => {
    gh.scope.post("/repos/o/r/issues/12/comments").replyWithError("socket hang up");
    const error = await client()
      .rest.issues.createComment({ owner: "o", repo: "r", issue_number: 12, body: "hi" })
      .catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(500);
    expect(gh.requests).toHaveLength(1);
  });

  it("retries content-addressed git object creation after a 502", async () => {
    sequence(TREES, BAD_GATEWAY, [201, { sha: "t".repeat(40), url: "", truncated: false, tree: [] }]);
    const { data } = await client().rest.git.createTree({
      owner: "o",
      repo: "r",
      tree: [{ path: "a.txt", mode: "100644", type: "blob", content: "a" }],
    });
    expect(data.sha).toBe("t".repeat(40));
    expect(gh.requests).toHaveLength(2);
  });

  it("does not retry content-addressed creation on a 4xx, and retries a GET after a network failure", async () => {
    sequence(TREES, [422, { message: "Invalid tree info" }]);
    const error = await client()
      .rest.git.createTree({
        owner: "o",
        repo: "r",
        tree: [{ path: "a", mode: "100644", type: "blob", sha: "x" }],
      })
      .catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(422);
    expect(gh.requests).toHaveLength(1);

    gh.requests.length = 0;
    gh.scope.get("/repos/o/r").replyWithError("ECONNRESET");
    gh.on(GET_REPO, () => [200, repoJson]);
    const { data } = await client().rest.repos.get({ owner: "o", repo: "r" });
    expect(data.name).toBe("r");
    expect(gh.requests).toHaveLength(2);
  });

  it("waits out a secondary rate limit (retry-after) and then succeeds", async () => {
    const seen: RateLimitInfo[] = [];
    sequence(
      GET_REPO,
      [
        403,
        {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        },
        { "retry-after": "1" },
      ],
      [200, repoJson],
    );
    const { data } = await client({ onRateLimit: (info) => seen.push(info) }).rest.repos.get({
      owner: "o",
      repo: "r",
    });
    expect(data.full_name).toBe("o/r");
    expect(gh.requests).toHaveLength(2);
    expect(seen).toEqual([
      expect.objectContaining({ kind: "secondary", retryAfter: 1, retryCount: 0, willRetry: true }),
    ]);
  });

  it("waits out a primary rate limit until x-ratelimit-reset", async () => {
    const seen: RateLimitInfo[] = [];
    // Half a minute ahead (waited in milliseconds here): a second's rounding cannot make it past.
    const reset = String(Math.floor(Date.now() / 1000) + 30);
    sequence(
      GET_REPO,
      [
        403,
        { message: "API rate limit exceeded for installation." },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      ],
      [200, repoJson],
    );
    await client({ onRateLimit: (info) => seen.push(info) }).rest.repos.get({ owner: "o", repo: "r" });
    expect(gh.requests).toHaveLength(2);
    expect(seen[0]).toMatchObject({ kind: "primary", willRetry: true });
    expect(seen[0]!.retryAfter).toBeGreaterThanOrEqual(29);
    expect(seen[0]!.retryAfter).toBeLessThanOrEqual(31);
  });

  it("retries a rate-limited dispatch (GitHub did not run it), and fails clearly when the limit persists", async () => {
    sequence(
      DISPATCH,
      [429, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "1" }],
      [204],
    );
    await client().rest.actions.createWorkflowDispatch({
      owner: "o",
      repo: "r",
      workflow_id: "agents.yml",
      ref: "main",
    });
    expect(gh.requests).toHaveLength(2);

    gh.requests.length = 0;
    sequence(GET_REPO, [
      403,
      { message: "You have exceeded a secondary rate limit." },
      { "retry-after": "1" },
    ]);
    const error = await client({ rateLimitRetries: 2 })
      .rest.repos.get({ owner: "o", repo: "r" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toMatch(/secondary rate limit exceeded on GET .* after 2 retries/);
    expect(gh.requests).toHaveLength(3);
  });

  it("does not wait longer than maxRateLimitWait", async () => {
    sequence(GET_REPO, [
      403,
      { message: "You have exceeded a secondary rate limit." },
      { "retry-after": "3600" },
    ]);
    const error = await client({ maxRateLimitWait: 60 })
      .rest.repos.get({ owner: "o", repo: "r" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(3600);
    expect(gh.requests).toHaveLength(1);
  });
});

describe("isRetryable", () => {
  it("allows every non-POST and only content-addressed POSTs", () => {
    expect(isRetryable("GET", "/repos/{owner}/{repo}/git/ref/{ref}")).toBe(true);
    expect(isRetryable("PATCH", "/repos/{owner}/{repo}/git/refs/{ref}")).toBe(true);
    expect(isRetryable("POST", "/repos/{owner}/{repo}/git/trees")).toBe(true);
    expect(isRetryable("POST", "/repos/o/r/git/blobs")).toBe(true);
    expect(isRetryable("POST", "https://ghe.example/api/v3/repos/o/r/git/blobs")).toBe(true);
    expect(isRetryable("POST", "/repos/o/api/git/blobs")).toBe(true);
    expect(isRetryable("POST", "/repos/{owner}/{repo}/git/commits")).toBe(true);
    expect(isRetryable("POST", "/repos/{owner}/{repo}/git/refs")).toBe(false);
    expect(isRetryable("POST", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches")).toBe(
      false,
    );
    expect(isRetryable("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")).toBe(false);
    expect(isRetryable("POST", "/repos/{owner}/{repo}/check-runs")).toBe(false);
    expect(isRetryable("POST", "/repos/{owner}/{repo}/merges")).toBe(false);
  });

  it("repeats GraphQL reads, never mutations", () => {
    expect(isRetryable("POST", "/graphql", "query($o: String!) { repository(owner: $o) { id } }")).toBe(true);
    expect(isRetryable("POST", "https://ghe.example/api/graphql", "  { viewer { login } }")).toBe(true);
    expect(
      isRetryable(
        "POST",
        "/graphql",
        "mutation($input: X!) { createCommitOnBranch(input: $input) { commit { oid } } }",
      ),
    ).toBe(false);
    expect(isRetryable("POST", "/graphql")).toBe(false);
  });
});
