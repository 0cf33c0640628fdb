/**
 * Makes the contents API of a fake repository answer as GitHub does for files over 1 MB: the
 * metadata and blob sha, `encoding: "none"` and empty `content` (the git blob API has the bytes).
 */
import type { FakeRepo } from "../support/github/fake-repo.ts";
import type { GitHubMock } from "../support/github/mock-github.ts";

export function serveAsLargeFiles(gh: GitHubMock, repo: FakeRepo): void {
  gh.on("GET /repos/{owner}/{repo}/contents/{path}", ({ params, query }) => {
    const at = typeof query.ref === "string" ? query.ref : repo.defaultBranch;
    const commit = repo.git.resolve(at);
    const blob = commit
      ? repo.git.trees.get(repo.git.commits.get(commit)!.tree)?.get(params.path!)
      : undefined;
    if (!blob) return [404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" }];
    const api = `https://api.github.com/repos/${repo.owner}/${repo.repo}`;
    const links = { self: `${api}/contents/${params.path}`, git: `${api}/git/blobs/${blob}`, html: null };
    return [
      200,
      {
        type: "file",
        encoding: "none",
        content: "",
        size: repo.git.blobs.get(blob)!.length,
        name: params.path!.split("/").pop(),
        path: params.path,
        sha: blob,
        url: links.self,
        git_url: links.git,
        html_url: null,
        download_url: null,
        _links: links,
      },
    ];
  });
}
