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
}
