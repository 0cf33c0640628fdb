import { describe, expect, it } from "vitest";
import { findOperation, isFound, loadSpec, SPEC_FILE, specLoadMs, validateRequest } from "./openapi.ts";

const API = "https://api.github.com";

function route(method: string, url: string): string {
  const found = findOperation(method, url);
  if (!isFound(found)) throw new Error(found.problem);
  return found.route;
}

describe("loadSpec", () => {
  it("reads api.github.com.json once per process and reports how long it took", () => {
    const spec = loadSpec();
    expect(loadSpec()).toBe(spec);
    expect(Object.keys(spec.paths).length).toBeGreaterThan(500);
    console.info(`${SPEC_FILE}: loaded in ${specLoadMs.toFixed(0)} ms (once per test process)`);
    expect(specLoadMs).toBeGreaterThan(0);
  });
});

describe("findOperation", () => {
  it("matches refs whose {ref} spans slashes, encoded or literal, and keeps the query apart", () => {
    const found = findOperation("GET", `${API}/repos/o/r/git/ref/heads%2Forchestrate%2Fissue-1?x=1`);
    expect(found).toMatchObject({
      route: "GET /repos/{owner}/{repo}/git/ref/{ref}",
      params: { owner: "o", repo: "r", ref: "heads/orchestrate/issue-1" },
      query: { x: "1" },
    });
    expect(findOperation("PATCH", "/repos/o/r/git/refs/heads/orchestrate/issue-1")).toMatchObject({
      route: "PATCH /repos/{owner}/{repo}/git/refs/{ref}",
      params: { ref: "heads/orchestrate/issue-1" },
    });
    expect(route("DELETE", "/repos/o/r/git/refs/heads%2Forchestrate%2Fissue-1")).toBe(
      "DELETE /repos/{owner}/{repo}/git/refs/{ref}",
    );
  });

  it("matches contents paths with directories", () => {
    expect(
      findOperation("GET", "/repos/o/r/contents/executions/7/state.json?ref=orchestrate-state"),
    ).toMatchObject({
      route: "GET /repos/{owner}/{repo}/contents/{path}",
      params: { path: "executions/7/state.json" },
      query: { ref: "orchestrate-state" },
    });
    expect(findOperation("PUT", "/repos/o/r/contents/a%2Fb.md")).toMatchObject({
      params: { path: "a/b.md" },
    });
  });

  it("prefers literal segments over parameters", () => {
    expect(route("POST", "/repos/o/r/git/refs")).toBe("POST /repos/{owner}/{repo}/git/refs");
    expect(route("GET", "/repos/o/r/commits/heads/main/check-runs")).toBe(
      "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
    );
    expect(route("GET", "/repos/o/r/commits/abc123")).toBe("GET /repos/{owner}/{repo}/commits/{ref}");
    expect(route("GET", "/repos/o/r/issues/comments/5")).toBe(
      "GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
    );
    expect(route("GET", "/repos/o/r/issues/5")).toBe("GET /repos/{owner}/{repo}/issues/{issue_number}");
  });

  it("takes a preferred template among several that match", () => {
    const url = "/repos/o/r/compare/main...feature";
    expect(route("GET", url)).toBe("GET /repos/{owner}/{repo}/compare/{base}...{head}");
    const preferred = findOperation("GET", url, (r) => r.endsWith("{basehead}"));
    expect(preferred).toMatchObject({ params: { basehead: "main...feature" } });
  });

  it("names unknown routes and unknown methods", () => {
    expect(findOperation("GET", "/repos/o/r/nope")).toEqual({
      problem: `no operation GET /repos/o/r/nope in ${SPEC_FILE}`,
    });
    expect(findOperation("DELETE", "/repos/o/r/git/ref/heads/main")).toEqual({
      problem: `no operation DELETE /repos/{owner}/{repo}/git/ref/{ref} in ${SPEC_FILE} (it has GET)`,
    });
  });
});

describe("validateRequest fails", () => {
  it("an unknown route", () => {
    expect(validateRequest({ method: "GET", url: `${API}/repos/o/r/nope` })).toEqual([
      `no operation GET /repos/o/r/nope in ${SPEC_FILE}`,
    ]);
  });

  it("an unknown query parameter, a query parameter of the wrong type or enum, a missing required one", () => {
    const url = "/repos/o/r/issues/1/comments?per_page=many&perpage=100";
    expect(validateRequest({ method: "GET", url })).toEqual([
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments: unknown query parameter "perpage"',
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments: query parameter per_page must be integer",
    ]);
    expect(validateRequest({ method: "GET", url: "/repos/o/r/issues?state=done" })).toEqual([
      "GET /repos/{owner}/{repo}/issues: query parameter state must be equal to one of the allowed values: open, closed, all",
    ]);
    expect(validateRequest({ method: "GET", url: "/search/issues?per_page=5" })).toEqual([
      'GET /search/issues: missing required query parameter "q"',
    ]);
  });

  it("a path parameter of the wrong type or enum", () => {
    expect(validateRequest({ method: "GET", url: "/repos/o/r/issues/seven/comments" })).toEqual([
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments: path parameter issue_number must be integer",
    ]);
    expect(validateRequest({ method: "GET", url: "/orgs/o/packages/pip/x" })[0]).toContain(
      "path parameter package_type must be equal to one of the allowed values: npm, maven",
    );
  });

  it("a body with a field the operation does not take (a misspelling GitHub would ignore)", () => {
    expect(
      validateRequest({
        method: "POST",
        url: "/repos/o/r/issues/1/comments",
        body: { body: "x", bdoy: "y" },
      }),
    ).toEqual([
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments: body has unknown property "bdoy"',
    ]);
    const dispatch = { ref: "main", input: { a: "1" } };
    expect(
      validateRequest({
        method: "POST",
        url: "/repos/o/r/actions/workflows/w.yml/dispatches",
        body: dispatch,
      }),
    ).toEqual([
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches: body has unknown property "input"',
    ]);
    const merge = { commit_mesage: "m" };
    expect(validateRequest({ method: "PUT", url: "/repos/o/r/pulls/1/merge", body: merge })).toEqual([
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge: body has unknown property "commit_mesage"',
    ]);
    // Nested objects are closed too; free-form maps (inputs) stay open.
    const check = { name: "x", head_sha: "abc", output: { title: "t", summary: "s", sumary: "s" } };
    expect(validateRequest({ method: "POST", url: "/repos/o/r/check-runs", body: check })).toEqual([
      'POST /repos/{owner}/{repo}/check-runs: body/output has unknown property "sumary"',
    ]);
    const inputs = { ref: "main", inputs: { anything: "1" } };
    expect(
      validateRequest({ method: "POST", url: "/repos/o/r/actions/workflows/w.yml/dispatches", body: inputs }),
    ).toEqual([]);
  });

  it("a body failing the requestBody schema", () => {
    const url = "/repos/o/r/check-runs";
    expect(validateRequest({ method: "POST", url, body: { head_sha: "abc" } })).toEqual([
      "POST /repos/{owner}/{repo}/check-runs: body must have required property 'name'",
    ]);
    expect(
      validateRequest({ method: "POST", url, body: { name: "x", head_sha: "abc", status: "done" } }),
    ).toEqual([
      "POST /repos/{owner}/{repo}/check-runs: body/status must be equal to one of the allowed values: queued, in_progress, completed",
    ]);
    const tree = { tree: [{ path: "a", mode: "100645", type: "blob", content: "x" }] };
    expect(validateRequest({ method: "POST", url: "/repos/o/r/git/trees", body: tree })[0]).toContain(
      "body/tree/0/mode must be equal to one of the allowed values",
    );
    expect(
      validateRequest({ method: "PATCH", url: "/repos/o/r/git/refs/heads/x", body: { force: true } }),
    ).toEqual(["PATCH /repos/{owner}/{repo}/git/refs/{ref}: body must have required property 'sha'"]);
  });

  it("a body JSON string is parsed before validation", () => {
    const body = JSON.stringify({ ref: "main", inputs: "nope" });
    expect(
      validateRequest({ method: "POST", url: "/repos/o/r/actions/workflows/agents.yml/dispatches", body }),
    ).toEqual([
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches: body/inputs must be object",
    ]);
  });

  it("a body sent to an operation that takes none, a missing required body, a wrong content type", () => {
    expect(validateRequest({ method: "GET", url: "/repos/o/r/issues/1", body: { a: 1 } })).toEqual([
      "GET /repos/{owner}/{repo}/issues/{issue_number}: a request body was sent, but the operation takes none",
    ]);
    expect(validateRequest({ method: "POST", url: "/repos/o/r/git/refs" })).toEqual([
      "POST /repos/{owner}/{repo}/git/refs: missing required request body",
    ]);
    const headers = { "Content-Type": "text/plain" };
    expect(validateRequest({ method: "POST", url: "/repos/o/r/merges", headers, body: "x" })).toEqual([
      "POST /repos/{owner}/{repo}/merges: content-type text/plain is not one of application/json",
    ]);
  });
});

describe("validateRequest passes", () => {
  const sha = "a".repeat(40);
  const json = { "content-type": "application/json; charset=utf-8" };
  const valid: Array<[string, string, unknown?]> = [
    ["GET", "/repos/o/r/git/ref/heads%2Forchestrate-state"],
    ["GET", "/repos/o/r/git/matching-refs/heads/orchestrate/"],
    ["POST", "/repos/o/r/git/refs", { ref: "refs/heads/orchestrate/issue-1", sha }],
    ["PATCH", "/repos/o/r/git/refs/heads%2Forchestrate-state", { sha, force: false }],
    ["DELETE", "/repos/o/r/git/refs/heads/orchestrate/task-a"],
    [
      "POST",
      "/repos/o/r/git/trees",
      { base_tree: sha, tree: [{ path: "a/b.json", mode: "100644", type: "blob", content: "{}" }] },
    ],
    [
      "POST",
      "/repos/o/r/git/trees",
      { tree: [{ path: "gone.txt", mode: "100644", type: "blob", sha: null }] },
    ],
    ["POST", "/repos/o/r/git/commits", { message: "state", tree: sha, parents: [sha] }],
    ["GET", "/repos/o/r/contents/executions%2F7%2Fstate.json?ref=orchestrate-state"],
    ["PUT", "/repos/o/r/contents/a.json", { message: "m", content: "e30=", sha, branch: "main" }],
    ["GET", "/repos/o/r/issues/7/comments?per_page=100&page=2"],
    ["POST", "/repos/o/r/issues/7/comments", { body: "hello" }],
    ["PATCH", "/repos/o/r/issues/comments/99", { body: "edited" }],
    ["POST", "/repos/o/r/issues/comments/99/reactions", { content: "eyes" }],
    ["POST", "/repos/o/r/check-runs", { name: "design", head_sha: sha, status: "in_progress" }],
    [
      "PATCH",
      "/repos/o/r/check-runs/5",
      {
        status: "completed",
        conclusion: "action_required",
        output: { title: "t", summary: "s" },
        actions: [{ label: "Approve", description: "Open the gate", identifier: "approve" }],
      },
    ],
    [
      "POST",
      "/repos/o/r/actions/workflows/agents.yml/dispatches",
      { ref: "orchestrate/issue-7", inputs: { tasks: "[]" } },
    ],
    ["POST", "/repos/o/r/dispatches", { event_type: "orchestrate-result", client_payload: { task: "a" } }],
    [
      "POST",
      "/repos/o/r/merges",
      { base: "orchestrate/issue-7", head: "orchestrate/issue-7-a", commit_message: "m" },
    ],
    ["GET", "/repos/o/r/collaborators/octocat/permission"],
    ["POST", "/repos/o/r/pulls", { title: "t", head: "orchestrate/issue-7", base: "main", body: "b" }],
    [
      "POST",
      "/repos/o/r/deployments",
      { ref: "main", environment: "staging", auto_merge: false, required_contexts: [] },
    ],
  ];

  it.each(valid)("%s %s", (method, url, body) => {
    expect(validateRequest({ method, url: `${API}${url}`, headers: body ? json : {}, body })).toEqual([]);
  });
});
