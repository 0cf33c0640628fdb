import { failure, messageOf, statusOf } from "./errors.ts";
import { NodeIds } from "./node-ids.ts";
import type { GitHubClient } from "./octokit.ts";
import type { BranchesPort, RepoRef } from "./ports.ts";

type MergeResult =
  | { merged: true; sha: string }
  | { merged: false; conflict: true }
  | { merged: false; conflict: false };

/** Branches over the git refs API; merges over the merges API (sent once, never retried blindly). */
export class Branches implements BranchesPort {
  readonly #client: GitHubClient;

  readonly #ids: NodeIds;

  /** `ids`: where the repository's GraphQL node id is kept when its metadata is read. */
  constructor(client: GitHubClient, ids: NodeIds = new NodeIds()) {
    this.#client = client;
    this.#ids = ids;
  }

  async head(ref: RepoRef, branch: string): Promise<string | undefined> {
    try {
      const { data } = await this.#client.rest.git.getRef({
        owner: ref.owner,
        repo: ref.repo,
        ref: `heads/${branch}`,
      });
      return data.object.sha;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw failure(`read branch ${branch} of ${ref.owner}/${ref.repo}`, error, "contents: read");
    }
  }

  async named(ref: RepoRef, prefix: string): Promise<string[]> {
    try {
      // One answer with every match (the endpoint takes no paging).
      const { data } = await this.#client.rest.git.listMatchingRefs({
        owner: ref.owner,
        repo: ref.repo,
        ref: `heads/${prefix}`,
      });
      return data.map((r) => r.ref.replace(/^refs\/heads\//, ""));
    } catch (error) {
      throw failure(`list the branches ${prefix}… of ${ref.owner}/${ref.repo}`, error, "contents: read");
    }
  }

  /**
   * Sent once; a 422 "already exists", or an answer lost on the way back (a 5xx, a dropped
   * connection) after which the branch is found, gives the branch's head.
   */
  async ensure(ref: RepoRef, branch: string, sha: string): Promise<string> {
    try {
      const { data } = await this.#client.rest.git.createRef({
        owner: ref.owner,
        repo: ref.repo,
        ref: `refs/heads/${branch}`,
        sha,
        request: { retries: 0 },
      });
      return data.object.sha;
    } catch (error) {
      if (statusOf(error) !== 422 || !/already exists/i.test(messageOf(error))) {
        // No answer: the branch may have been created all the same; it says.
        const found = unclear(error) ? await this.head(ref, branch).catch(() => undefined) : undefined;
        if (found !== undefined) return found;
        throw failure(
          `create branch ${branch} at ${sha} in ${ref.owner}/${ref.repo}`,
          error,
          "contents: write",
        );
      }
    }
    const head = await this.head(ref, branch);
    if (head === undefined) {
      throw failure(
        `create branch ${branch} in ${ref.owner}/${ref.repo}`,
        new Error("GitHub said the branch exists, then that it does not (deleted meanwhile?)"),
        "contents: write",
      );
    }
    return head;
  }

  async merge(ref: RepoRef, base: string, head: string, message: string): Promise<MergeResult> {
    try {
      const response = await this.#client.rest.repos.merge({
        owner: ref.owner,
        repo: ref.repo,
        base,
        head,
        commit_message: message,
        request: { retries: 0 },
      });
      // 204: `head` is already contained in `base`.
      if (Number(response.status) === 204) return { merged: false, conflict: false };
      return { merged: true, sha: response.data.sha };
    } catch (error) {
      // 409 "Merge conflict"; another 409 (a rule refusing the update, say) is not a conflict.
      if (statusOf(error) === 409 && /conflict/i.test(messageOf(error)))
        return { merged: false, conflict: true };
      throw failure(`merge ${head} into ${base} in ${ref.owner}/${ref.repo}`, error, "contents: write");
    }
  }

  async fastForward(ref: RepoRef, branch: string, sha: string): Promise<boolean> {
    try {
      await this.#client.rest.git.updateRef({
        owner: ref.owner,
        repo: ref.repo,
        ref: `heads/${branch}`,
        sha,
        force: false,
      });
      return true;
    } catch (error) {
      // 422 "Update is not a fast forward": the branch moved; 409: it changed while updating.
      if (statusOf(error) === 409 || (statusOf(error) === 422 && /fast.?forward/i.test(messageOf(error))))
        return false;
      // No answer (after the retries): the move may have landed; the branch says.
      if (unclear(error) && (await this.head(ref, branch).catch(() => undefined)) === sha) return true;
      throw failure(`fast-forward ${branch} to ${sha} in ${ref.owner}/${ref.repo}`, error, "contents: write");
    }
  }

  async changedFiles(ref: RepoRef, base: string, head: string): Promise<string[]> {
    try {
      const { data } = await this.#client.rest.repos.compareCommitsWithBasehead({
        owner: ref.owner,
        repo: ref.repo,
        basehead: `${base}...${head}`,
      });
      return (data.files ?? []).map((f) => f.filename);
    } catch (error) {
      throw failure(`compare ${base}...${head} in ${ref.owner}/${ref.repo}`, error, "contents: read");
    }
  }

  async defaultBranch(ref: RepoRef): Promise<{ name: string; sha: string }> {
    let name: string;
    try {
      const { data } = await this.#client.rest.repos.get({ owner: ref.owner, repo: ref.repo });
      name = data.default_branch;
      this.#ids.rememberRepository(ref, data.node_id);
    } catch (error) {
      throw failure(`read repository ${ref.owner}/${ref.repo}`, error, "metadata: read");
    }
    const sha = await this.head(ref, name);
    if (sha === undefined) {
      throw failure(
        `read the default branch ${name} of ${ref.owner}/${ref.repo}`,
        new Error("the branch does not exist (is the repository empty?)"),
        "contents: read",
      );
    }
    return { name, sha };
  }
}

/** A failure that does not say whether the write happened: a 5xx, or no answer at all. */
function unclear(error: unknown): boolean {
  return (statusOf(error) ?? 500) >= 500;
}
