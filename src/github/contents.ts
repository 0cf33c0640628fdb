import { failure } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { ContentsPort, RepoRef } from "./ports.ts";
import { readFile } from "./read-file.ts";

/** Reads files with the contents API (404 → undefined; files over 1 MB through the blob API). */
export class Contents implements ContentsPort {
  readonly #client: GitHubClient;

  constructor(client: GitHubClient) {
    this.#client = client;
  }

  async read(repo: RepoRef, path: string, at: string): Promise<string | undefined> {
    try {
      return (await readFile(this.#client, repo, path, at))?.text;
    } catch (error) {
      throw failure(`read ${path} at ${at} in ${repo.owner}/${repo.repo}`, error, "contents: read");
    }
  }

  async list(repo: RepoRef, sha: string): Promise<string[]> {
    try {
      const { data } = await this.#client.rest.git.getTree({
        owner: repo.owner,
        repo: repo.repo,
        tree_sha: sha,
        recursive: "1",
      });
      return data.tree.filter((e) => e.type === "blob" && e.path).map((e) => e.path!);
    } catch (error) {
      if ((error as { status?: number }).status === 409) return []; // empty repository
      throw failure(`list files at ${sha} in ${repo.owner}/${repo.repo}`, error, "contents: read");
    }
  }
}
