import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fakeRepo } from "./fake-repo.ts";
import { useGitHubMock } from "./mock-github.ts";
import { testOctokit } from "./octokit.ts";

const owner = "o";
const repo = "r";

/** What `git hash-object` prints for `text`. */
function gitBlobSha(text: string): string {
  return createHash("sha1")
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest("hex");
}

describe("fakeRepo", () => {
  const gh = useGitHubMock();

  it("writes a commit with the git data API and moves a branch by fast-forward only", async () => {
    const { git } = fakeRepo(gh, { files: { "README.md": "hi\n" } });
    const octokit = testOctokit();
    const main = (await octokit.rest.git.getRef({ owner, repo, ref: "heads/main" })).data.object.sha;
    await octokit.rest.git.createRef({ owner, repo, ref: "refs/heads/orchestrate-state", sha: main });
    const base = (await octokit.rest.git.getCommit({ owner, repo, commit_sha: main })).data;

    const tree = await octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: base.tree.sha,
      tree: [{ path: "executions/7/state.json", mode: "100644", type: "blob", content: '{"v":1}' }],
    });
    const commit = await octokit.rest.git.createCommit({
      owner,
      repo,
      message: "state",
      tree: tree.data.sha,
      parents: [main],
    });
    expect(commit.status).toBe(201);
    const ref = "heads/orchestrate-state";
    await octokit.rest.git.updateRef({ owner, repo, ref, sha: commit.data.sha, force: false });
    expect(git.head("orchestrate-state")).toBe(commit.data.sha);
    expect(git.readFile("orchestrate-state", "executions/7/state.json")).toBe('{"v":1}');
    expect(git.readFile("orchestrate-state", "README.md")).toBe("hi\n");

    // A writer that read `main` before our update loses the compare-and-swap.
    const stale = await octokit.rest.git.createCommit({
      owner,
      repo,
      message: "stale",
      tree: tree.data.sha,
      parents: [main],
    });
    await expect(
      octokit.rest.git.updateRef({ owner, repo, ref, sha: stale.data.sha, force: false }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining("Update is not a fast forward"),
    });
    await octokit.rest.git.updateRef({ owner, repo, ref, sha: stale.data.sha, force: true });
    expect(git.head("orchestrate-state")).toBe(stale.data.sha);
  });

  it("rejects refs that exist or do not, as GitHub does", async () => {
    const { git } = fakeRepo(gh);
    const octokit = testOctokit();
    const sha = git.head("main")!;
    await expect(
      octokit.rest.git.createRef({ owner, repo, ref: "refs/heads/main", sha }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining("Reference already exists"),
    });
    await expect(octokit.rest.git.getRef({ owner, repo, ref: "heads/missing" })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      octokit.rest.git.updateRef({ owner, repo, ref: "heads/missing", sha }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining("Reference does not exist"),
    });
    git.commitFiles("orchestrate/issue-7-a", {}, "task a");
    git.commitFiles("orchestrate/issue-7-b", {}, "task b");
    const refs = await octokit.rest.git.listMatchingRefs({ owner, repo, ref: "heads/orchestrate/issue-7-" });
    expect(refs.data.map((r) => r.ref)).toEqual([
      "refs/heads/orchestrate/issue-7-a",
      "refs/heads/orchestrate/issue-7-b",
    ]);
    await octokit.rest.git.deleteRef({ owner, repo, ref: "heads/orchestrate/issue-7-a" });
    expect(git.head("orchestrate/issue-7-a")).toBeUndefined();
  });

  it("serves contents as base64 with git's blob sha, and lists directories", async () => {
    const text = `${"x".repeat(100)}\n한국어\n`;
    fakeRepo(gh, { files: { ".github/orchestrate.yml": text, ".github/workflows/agents.yml": "on: {}\n" } });
    const octokit = testOctokit();
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path: ".github/orchestrate.yml" });
    if (Array.isArray(data) || data.type !== "file") throw new Error("expected a file");
    expect(data.encoding).toBe("base64");
    expect(data.content).toContain("\n");
    expect(Buffer.from(data.content, "base64").toString("utf8")).toBe(text);
    expect(data.sha).toBe(gitBlobSha(text));
    const listing = await octokit.rest.repos.getContent({ owner, repo, path: ".github" });
    expect((listing.data as Array<{ name: string; type: string }>).map((e) => [e.name, e.type])).toEqual([
      ["orchestrate.yml", "file"],
      ["workflows", "dir"],
    ]);
    await expect(
      octokit.rest.repos.getContent({ owner, repo, path: "nope.md", ref: "main" }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it("writes contents with blob-sha compare-and-swap", async () => {
    const { git } = fakeRepo(gh, { files: { "a.json": "1" } });
    const octokit = testOctokit();
    const put = (sha: string | undefined) =>
      octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path: "a.json",
        message: "m",
        content: Buffer.from("2").toString("base64"),
        ...(sha ? { sha } : {}),
      });
    await expect(put(undefined)).rejects.toMatchObject({ status: 422 });
    await expect(put(gitBlobSha("0"))).rejects.toMatchObject({ status: 409 });
    const { status, data } = await put(gitBlobSha("1"));
    expect(status).toBe(200);
    expect(data.content?.sha).toBe(gitBlobSha("2"));
    expect(git.readFile("main", "a.json")).toBe("2");
  });

  it("merges branches: a merge commit, nothing to merge, a conflict", async () => {
    const { git } = fakeRepo(gh, { files: { "shared.txt": "base\n" } });
    for (const name of ["work", "task-a", "task-b"]) git.branch(name, "main");
    git.commitFiles("work", { "x.txt": "x", "shared.txt": "w\n" });
    git.commitFiles("task-a", { "a.txt": "a" });
    git.commitFiles("task-b", { "shared.txt": "b\n" });
    const octokit = testOctokit();

    const merged = await octokit.rest.repos.merge({
      owner,
      repo,
      base: "work",
      head: "task-a",
      commit_message: "fan-in",
    });
    expect(merged.status).toBe(201);
    expect(merged.data.parents).toHaveLength(2);
    expect(git.readFile("work", "a.txt")).toBe("a");
    expect(git.readFile("work", "shared.txt")).toBe("w\n");

    const again = await octokit.rest.repos.merge({ owner, repo, base: "work", head: "task-a" });
    expect(again.status).toBe(204);

    await expect(
      octokit.rest.repos.merge({ owner, repo, base: "work", head: "task-b" }),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining("Merge conflict"),
    });
    await expect(
      octokit.rest.repos.merge({ owner, repo, base: "nope", head: "task-b" }),
    ).rejects.toMatchObject({
      status: 404,
    });
    expect(gh.countByRoute()).toEqual({ "POST /repos/{owner}/{repo}/merges": 4 });
  });

  it("answers 404 for another repository", async () => {
    fakeRepo(gh);
    await expect(testOctokit().rest.repos.get({ owner: "other", repo })).rejects.toMatchObject({
      status: 404,
    });
    const { data } = await testOctokit().rest.repos.get({ owner, repo });
    expect(data.default_branch).toBe("main");
  });
});
