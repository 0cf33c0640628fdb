import { describe, expect, it } from "vitest";
import { Comments } from "../../src/github/comments.ts";
import { Contents } from "../../src/github/contents.ts";
import { Delivery } from "../../src/github/delivery.ts";
import { Dispatch } from "../../src/github/dispatch.ts";
import { githubPorts } from "../../src/github/index.ts";
import { LruCache } from "../../src/github/lru-cache.ts";
import { createTestOctokit } from "../../src/github/octokit.ts";
import { Permissions } from "../../src/github/permissions.ts";
import { Runs } from "../../src/github/runs.ts";
import { fakeRepo } from "../support/github/fake-repo.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";
import { serveAsLargeFiles } from "./large-files.ts";

const gh = useGitHubMock();
const repo = { owner: "o", repo: "r" };
const ref = { ...repo, issue: 12 };

describe("Dispatch", () => {
  it("posts ref and string inputs to the workflow's dispatches", async () => {
    gh.on("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", () => [204]);
    const run = await new Dispatch(createTestOctokit()).dispatch(ref, "agents.yml", "orchestrate/issue-12", {
      tasks: '["a","b"]',
      issue: "12",
    });
    expect(run).toBeUndefined();
    expect(gh.requests).toHaveLength(1);
    expect(gh.requests[0]!.params).toMatchObject({ workflow_id: "agents.yml" });
    expect(gh.requests[0]!.body).toEqual({
      ref: "orchestrate/issue-12",
      inputs: { tasks: '["a","b"]', issue: "12" },
      return_run_details: true,
    });
  });

  it("returns the run GitHub started, and asks again without run details where they are unknown", async () => {
    gh.on("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", () => [
      200,
      {
        workflow_run_id: 4242,
        run_url: "https://api.github.com/repos/o/r/actions/runs/4242",
        html_url: "https://github.com/o/r/actions/runs/4242",
      },
    ]);
    const dispatch = new Dispatch(createTestOctokit());
    expect(await dispatch.dispatch(ref, "agents.yml", "main", {})).toEqual({
      id: 4242,
      url: "https://github.com/o/r/actions/runs/4242",
    });
    // An older GitHub Enterprise Server refuses the parameter: nothing started, so it is sent again.
    gh.on("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", ({ body }) =>
      (body as { return_run_details?: boolean }).return_run_details
        ? [422, { message: 'Invalid request.\n\n"return_run_details" is not a permitted key.' }]
        : [204],
    );
    expect(await dispatch.dispatch(ref, "agents.yml", "main", {})).toBeUndefined();
    // …and not asked for again by this client.
    expect(await dispatch.dispatch(ref, "agents.yml", "main", {})).toBeUndefined();
    expect(
      gh.requests.slice(1).map((r) => (r.body as { return_run_details?: boolean }).return_run_details),
    ).toEqual([true, undefined, undefined]);
    // Any other refusal is not sent again.
    gh.on("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", () => [
      422,
      { message: 'Unexpected inputs provided: ["extra"]' },
    ]);
    await expect(dispatch.dispatch(ref, "agents.yml", "main", {})).rejects.toThrow(/Unexpected inputs/);
    expect(gh.requests).toHaveLength(5);
  });

  it("names actions: write when refused, and rejects more than 25 inputs without a request", async () => {
    gh.on("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", () => [
      403,
      { message: "Resource not accessible by integration" },
    ]);
    const dispatch = new Dispatch(createTestOctokit());
    await expect(dispatch.dispatch(ref, "agents.yml", "main", {})).rejects.toThrow(/needs actions: write/);
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, "v"]));
    await expect(dispatch.dispatch(ref, "agents.yml", "main", many)).rejects.toThrow(/at most 25/);
    expect(gh.requests).toHaveLength(1);
  });
});

describe("Delivery", () => {
  it("a workflow token refused a pull request: the error names the repository setting to turn on", async () => {
    gh.on("GET /repos/{owner}/{repo}/pulls", () => [200, []]);
    gh.on("POST /repos/{owner}/{repo}/pulls", () => [
      403,
      { message: "GitHub Actions is not permitted to create or approve pull requests." },
    ]);
    const pull = { head: "orchestrate/issue-12", base: "main", title: "t", body: "b", draft: true };
    await expect(new Delivery(createTestOctokit()).ensurePull(ref, pull)).rejects.toThrow(
      /Allow GitHub Actions to create and approve pull requests/,
    );
  });
});

describe("Runs", () => {
  it("reads a run's status and the jobs of its latest attempt, naming actions on refusal", async () => {
    gh.on("GET /repos/{owner}/{repo}/actions/runs/{run_id}", () => [
      200,
      { id: 7, status: "completed", conclusion: "startup_failure" },
    ]);
    gh.on("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs", ({ query }) => {
      expect(query).toMatchObject({ filter: "latest" });
      return [
        200,
        {
          total_count: 1,
          jobs: [{ id: 1, run_id: 7, name: "a#1 (issue 12)", status: "completed", conclusion: "failure" }],
        },
      ];
    });
    const runs = new Runs(createTestOctokit());
    expect(await runs.run(repo, 7)).toEqual({ status: "completed", conclusion: "startup_failure" });
    expect(await runs.jobs(repo, 7)).toEqual([
      { name: "a#1 (issue 12)", status: "completed", conclusion: "failure" },
    ]);
    gh.on("GET /repos/{owner}/{repo}/actions/runs/{run_id}", () => [404, { message: "Not Found" }]);
    await expect(runs.run(repo, 8)).rejects.toThrow(/read workflow run 8 of o\/r failed \(HTTP 404\)/);
  });
});

describe("Contents", () => {
  it("decodes a file, and returns undefined when it is missing", async () => {
    fakeRepo(gh, { files: { ".github/orchestrate.yml": "phases: {}\n", "docs/é.md": "é ✓ 😀\n" } });
    const contents = new Contents(createTestOctokit());
    expect(await contents.read(repo, ".github/orchestrate.yml", "main")).toBe("phases: {}\n");
    expect(await contents.read(repo, "docs/é.md", "main")).toBe("é ✓ 😀\n");
    expect(await contents.read(repo, "missing.yml", "main")).toBeUndefined();
    await expect(contents.read(repo, ".github", "main")).rejects.toThrow(/is a directory/);
  });

  it("reads a file over 1 MB through its blob", async () => {
    const served = fakeRepo(gh, { files: { "big.txt": "é".repeat(200) } });
    serveAsLargeFiles(gh, served);
    expect(await new Contents(createTestOctokit()).read(repo, "big.txt", "main")).toBe("é".repeat(200));
    expect(gh.requests.map((r) => r.route)).toEqual([
      "GET /repos/{owner}/{repo}/contents/{path}",
      "GET /repos/{owner}/{repo}/git/blobs/{file_sha}",
    ]);
  });
});

describe("Contents.snapshot", () => {
  it("reads branch heads and files at their refs in one GraphQL query", async () => {
    const served = fakeRepo(gh, { files: { "a.json": "{}", "b/c.md": "é ✓\n" } });
    const head = served.git.head("main")!;
    const child = served.git.commitFiles("main", { "a.json": "[]" }).sha;
    const snap = await new Contents(createTestOctokit()).snapshot(repo, {
      branches: ["main", "missing-branch"],
      files: [
        { path: "a.json", at: head },
        { path: "b/c.md", at: "main" },
        { path: "nope.txt", at: head },
      ],
      commits: [child, head, "f".repeat(40)],
    });
    expect(snap).toEqual({
      heads: [child, null],
      files: ["{}", "é ✓\n", undefined],
      parents: [[head], [], []],
    });
    expect(gh.requests.map((r) => r.route)).toEqual(["POST /graphql repository"]);
    const { variables } = gh.requests[0]!.body as { variables: Record<string, string> };
    expect(variables).toMatchObject({ b0: "refs/heads/main", f0: `${head}:a.json`, f2: `${head}:nope.txt` });
  });

  it("reads a truncated or binary blob again with the contents API", async () => {
    fakeRepo(gh, { files: { "big.txt": "x".repeat(50) } });
    gh.onGraphQL("repository", () => ({
      repository: { f0: { text: "x".repeat(10), isBinary: false, isTruncated: true } },
    }));
    const snap = await new Contents(createTestOctokit()).snapshot(repo, {
      branches: [],
      files: [{ path: "big.txt", at: "main" }],
    });
    expect(snap.files).toEqual(["x".repeat(50)]);
    expect(gh.requests.map((r) => r.route)).toEqual([
      "POST /graphql repository",
      "GET /repos/{owner}/{repo}/contents/{path}",
    ]);
  });

  it("reads the REST way when GitHub refuses the query, with the same answers", async () => {
    const served = fakeRepo(gh, { files: { "a.json": "{}" } });
    const head = served.git.head("main")!;
    const child = served.git.commitFiles("main", { "a.json": "[]" }).sha;
    const ask = {
      branches: ["main", "gone"],
      files: [
        { path: "a.json", at: head },
        { path: "nope", at: head },
      ],
      commits: [child, "f".repeat(40)],
    };
    const contents = new Contents(createTestOctokit());
    const viaGraphQL = await contents.snapshot(repo, ask);
    gh.onGraphQL("repository", () => {
      throw new Error("Something went wrong while executing your query.");
    });
    expect(await contents.snapshot(repo, ask)).toEqual(viaGraphQL);
    expect(viaGraphQL).toEqual({ heads: [child, null], files: ["{}", undefined], parents: [[head], []] });
  });

  it("names the permission when GitHub refuses the REST reads too", async () => {
    fakeRepo(gh);
    gh.onGraphQL("repository", () => {
      throw new Error("Resource not accessible by integration");
    });
    gh.on("GET /repos/{owner}/{repo}/git/ref/{ref}", () => [
      403,
      { message: "Resource not accessible by integration" },
    ]);
    await expect(
      new Contents(createTestOctokit()).snapshot(repo, { branches: ["main"], files: [] }),
    ).rejects.toThrow(/HTTP 403.*contents: read/s);
  });
});

describe("Permissions", () => {
  const level = async (data: Record<string, unknown> | undefined) => {
    gh.on("GET /repos/{owner}/{repo}/collaborators/{username}/permission", () =>
      data ? [200, { user: null, ...data }] : [404, { message: "Not Found" }],
    );
    return new Permissions(createTestOctokit()).level(repo, "alice");
  };

  it("uses role_name for maintain and triage, else permission; 404 is none", async () => {
    expect(await level({ permission: "write", role_name: "maintain" })).toBe("maintain");
    expect(await level({ permission: "read", role_name: "triage" })).toBe("triage");
    expect(await level({ permission: "admin", role_name: "admin" })).toBe("admin");
    expect(await level({ permission: "write", role_name: "security-reviewer" })).toBe("write");
    expect(await level({ permission: "read" })).toBe("read");
    expect(await level({ permission: "none", role_name: "" })).toBe("none");
    expect(await level(undefined)).toBe("none");
  });
});

describe("Comments", () => {
  it("replies with an issue comment and reacts (an existing reaction is fine)", async () => {
    gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", () => [201, { id: 5 }]);
    let reactions = 0;
    gh.on("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", () =>
      ++reactions === 1 ? [201, { id: 1, content: "eyes" }] : [422, { message: "Reaction already exists" }],
    );
    const comments = new Comments(createTestOctokit());
    await comments.reply(ref, "Refused: you need write access.");
    await comments.react(repo, 77, "eyes");
    await comments.react(repo, 77, "eyes");
    expect(gh.requests.map((r) => r.body)).toEqual([
      { body: "<!-- orchestrate:comment -->\nRefused: you need write access." },
      { content: "eyes" },
      { content: "eyes" },
    ]);
    expect(gh.requests[1]!.params.comment_id).toBe("77");
  });
});

describe("githubPorts", () => {
  it("wires every port over one client", () => {
    const ports = githubPorts(createTestOctokit());
    expect(Object.keys(ports).sort()).toEqual(
      [
        "branches",
        "checks",
        "comments",
        "contents",
        "dashboard",
        "delivery",
        "dispatch",
        "labels",
        "permissions",
        "runs",
        "status",
        "store",
      ].sort(),
    );
  });
});

describe("LruCache", () => {
  it("drops the least recently used entry past its capacity", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect([cache.get("a"), cache.get("c"), cache.size]).toEqual([1, 3, 2]);
  });
});
