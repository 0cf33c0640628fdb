import { describe, expect, it } from "vitest";
import { Branches } from "../../src/github/branches.ts";
import { createTestOctokit } from "../../src/github/octokit.ts";
import { fakeRepo } from "../support/github/fake-repo.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";

const gh = useGitHubMock();
const repo = { owner: "o", repo: "r" };
function repoWithMain() {
  const { git } = fakeRepo(gh, { files: { "README.md": "hello\n" } });
  return { git, main: git.head("main")! };
}

describe("Branches", () => {
  it("head: the branch's sha, undefined when it does not exist", async () => {
    const { main } = repoWithMain();
    const branches = new Branches(createTestOctokit());
    expect(await branches.head(repo, "main")).toBe(main);
    expect(await branches.head(repo, "orchestrate/issue-12")).toBeUndefined();
  });

  it("ensure: creates a missing branch at the sha", async () => {
    const { git, main } = repoWithMain();
    expect(await new Branches(createTestOctokit()).ensure(repo, "orchestrate/issue-12", main)).toBe(main);
    expect(git.head("orchestrate/issue-12")).toBe(main);
    expect(gh.requests.map((r) => r.route)).toEqual(["POST /repos/{owner}/{repo}/git/refs"]);
    expect(gh.requests[0]!.body).toEqual({ ref: "refs/heads/orchestrate/issue-12", sha: main });
  });

  it("ensure: returns the head of an existing branch (422 already exists)", async () => {
    const { git, main } = repoWithMain();
    const ahead = git.commitFiles("orchestrate/issue-12", { "a.txt": "a" }).sha;
    expect(await new Branches(createTestOctokit()).ensure(repo, "orchestrate/issue-12", main)).toBe(ahead);
    expect(gh.requests.map((r) => r.route)).toEqual([
      "POST /repos/{owner}/{repo}/git/refs",
      "GET /repos/{owner}/{repo}/git/ref/{ref}",
    ]);
  });

  /** A client whose answers to `lost` requests are lost after they reached GitHub (a 502 comes back). */
  const losing = (lost: (method: string, url: string) => boolean) =>
    createTestOctokit({
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        return lost(String(init?.method ?? "GET").toUpperCase(), String(url))
          ? new Response("Bad Gateway", { status: 502 })
          : response;
      },
    });

  it("ensure: a branch created whose answer was lost is found and its head returned", async () => {
    const { git, main } = repoWithMain();
    const branches = new Branches(losing((method, url) => method === "POST" && url.endsWith("/git/refs")));
    expect(await branches.ensure(repo, "orchestrate/issue-12", main)).toBe(main);
    expect(git.head("orchestrate/issue-12")).toBe(main);
    expect(gh.requests.map((r) => r.route)).toEqual([
      "POST /repos/{owner}/{repo}/git/refs",
      "GET /repos/{owner}/{repo}/git/ref/{ref}",
    ]);
  });

  it("ensure: a 5xx that created nothing is an error saying so", async () => {
    const { main } = repoWithMain();
    gh.on("POST /repos/{owner}/{repo}/git/refs", () => [502, { message: "Bad Gateway" }]);
    await expect(new Branches(createTestOctokit()).ensure(repo, "x", main)).rejects.toThrow(
      /create branch x at .* failed \(HTTP 502\)/,
    );
  });

  it("fastForward: a move whose answer was lost is found done; one that did not happen is an error", async () => {
    const { git, main } = repoWithMain();
    git.branch("work", main);
    const ahead = git.commitFiles("main", { "a.txt": "a" }).sha;
    const lost = new Branches(losing((method) => method === "PATCH"));
    expect(await lost.fastForward(repo, "work", ahead)).toBe(true);
    expect(git.head("work")).toBe(ahead);
    const further = git.commitFiles("main", { "b.txt": "b" }).sha;
    gh.on("PATCH /repos/{owner}/{repo}/git/refs/{ref}", () => [502, { message: "Bad Gateway" }]);
    await expect(new Branches(createTestOctokit()).fastForward(repo, "work", further)).rejects.toThrow(
      /fast-forward work to .* failed \(HTTP 502\)/,
    );
    expect(git.head("work")).toBe(ahead);
  });

  it("changedFiles: what a branch changed since it forked (three-dot compare); a missing branch is an error", async () => {
    const { git, main } = repoWithMain();
    git.branch("feature", main);
    git.commitFiles("feature", { "a.txt": "a", "README.md": null });
    git.commitFiles("main", { "b.txt": "b" });
    const branches = new Branches(createTestOctokit());
    expect(await branches.changedFiles(repo, "main", "feature")).toEqual(["README.md", "a.txt"]);
    expect(await branches.changedFiles(repo, "feature", "main")).toEqual(["b.txt"]);
    expect(gh.requests[0]).toMatchObject({
      route: "GET /repos/{owner}/{repo}/compare/{basehead}",
      params: { basehead: "main...feature" },
    });
    await expect(branches.changedFiles(repo, "main", "gone")).rejects.toThrow(
      /compare main\.\.\.gone in o\/r.*contents: read/s,
    );
  });

  it("merge: 201 merged with its sha, 204 nothing to merge, 409 conflict", async () => {
    const { git } = repoWithMain();
    const branches = new Branches(createTestOctokit());
    git.commitFiles("task-a", { "a.txt": "a" });
    git.refs.set("refs/heads/task-b", git.head("main")!);
    git.commitFiles("task-b", { "README.md": "b\n" });
    git.refs.set("refs/heads/task-c", git.head("main")!);
    git.commitFiles("task-c", { "README.md": "c\n" });

    const merged = await branches.merge(repo, "main", "task-b", "Merge task b");
    expect(merged).toEqual({ merged: true, sha: git.head("main") });
    expect(gh.requests.at(-1)!.body).toEqual({
      base: "main",
      head: "task-b",
      commit_message: "Merge task b",
    });
    expect(await branches.merge(repo, "main", "task-b", "again")).toEqual({ merged: false, conflict: false });
    expect(await branches.merge(repo, "main", "task-c", "Merge task c")).toEqual({
      merged: false,
      conflict: true,
    });
    // A 409 that is not a conflict (a rule refusing the update) is an error saying what GitHub said.
    gh.on("POST /repos/{owner}/{repo}/merges", () => [409, { message: "Repository rule violations found" }]);
    await expect(branches.merge(repo, "main", "task-a", "m")).rejects.toThrow(/Repository rule violations/);
  });

  it("defaultBranch: the repository's default branch and its head", async () => {
    const { main } = repoWithMain();
    gh.on("GET /repos/{owner}/{repo}", () => [
      200,
      { id: 1, name: "r", full_name: "o/r", default_branch: "main" },
    ]);
    expect(await new Branches(createTestOctokit()).defaultBranch(repo)).toEqual({ name: "main", sha: main });
  });

  it("names the missing permission when creating a branch is forbidden", async () => {
    repoWithMain();
    gh.on("POST /repos/{owner}/{repo}/git/refs", () => [
      403,
      { message: "Resource not accessible by integration" },
    ]);
    await expect(new Branches(createTestOctokit()).ensure(repo, "x", "b".repeat(40))).rejects.toThrow(
      /create branch x .* failed \(HTTP 403\).*needs contents: write/,
    );
  });
});
