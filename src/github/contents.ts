import { failure, graphqlErrors, statusOf } from "./errors.ts";
import { NodeIds } from "./node-ids.ts";
import type { GitHubClient } from "./octokit.ts";
import type { ContentsPort, RepoRef } from "./ports.ts";
import { readFile } from "./read-file.ts";

/** Reads files with the contents API (404 → undefined; files over 1 MB through the blob API). */
export class Contents implements ContentsPort {
  readonly #client: GitHubClient;
  readonly #ids: NodeIds;

  /** `ids`: where the repository's GraphQL node id is kept (read along with every snapshot). */
  constructor(client: GitHubClient, ids: NodeIds = new NodeIds()) {
    this.#client = client;
    this.#ids = ids;
  }

  async read(repo: RepoRef, path: string, at: string): Promise<string | undefined> {
    try {
      return (await readFile(this.#client, repo, path, at))?.text;
    } catch (error) {
      throw failure(`read ${path} at ${at} in ${repo.owner}/${repo.repo}`, error, "contents: read");
    }
  }

  /**
   * One GraphQL query: `ref(qualifiedName:)` per branch and `object(expression: "<at>:<path>")`
   * per file. A file GitHub returns truncated or as binary is read again with the contents API.
   */
  async snapshot(
    repo: RepoRef,
    ask: {
      branches: readonly string[];
      files: readonly { path: string; at: string }[];
      commits?: readonly string[];
    },
  ): Promise<{ heads: (string | null)[]; files: (string | undefined)[]; parents: string[][] }> {
    const variables: Record<string, string> = { owner: repo.owner, name: repo.repo };
    const fields: string[] = [];
    const declared = ["$owner: String!", "$name: String!"];
    ask.branches.forEach((branch, i) => {
      variables[`b${i}`] = `refs/heads/${branch}`;
      declared.push(`$b${i}: String!`);
      fields.push(`b${i}: ref(qualifiedName: $b${i}) { target { oid } }`);
    });
    ask.files.forEach((file, i) => {
      variables[`f${i}`] = `${file.at}:${file.path}`;
      declared.push(`$f${i}: String!`);
      fields.push(`f${i}: object(expression: $f${i}) { ... on Blob { text isBinary isTruncated } }`);
    });
    const commits = ask.commits ?? [];
    commits.forEach((sha, i) => {
      variables[`c${i}`] = sha;
      declared.push(`$c${i}: GitObjectID!`);
      fields.push(`c${i}: object(oid: $c${i}) { ... on Commit { parents(first: 5) { nodes { oid } } } }`);
    });
    const query = `query(${declared.join(", ")}) { repository(owner: $owner, name: $name) { id ${fields.join(" ")} } }`;
    type Answer = Record<
      string,
      {
        target?: { oid: string };
        text?: string | null;
        isBinary?: boolean;
        isTruncated?: boolean;
        parents?: { nodes: { oid: string }[] };
      } | null
    >;
    let answer: Answer;
    try {
      const data = await this.#client.graphql<{ repository: Answer | null }>(query, variables);
      if (!data.repository) throw new Error(`repository ${repo.owner}/${repo.repo} not found`);
      answer = data.repository;
      this.#ids.rememberRepository(repo, answer.id);
    } catch (error) {
      // GitHub answered, refusing the query (a field, a GraphQL outage): read the REST way.
      if (graphqlErrors(error).length > 0) return this.#snapshotRest(repo, ask.branches, ask.files, commits);
      throw failure(
        `read ${ask.files.length} file(s) and ${ask.branches.length} branch head(s) in ${repo.owner}/${repo.repo}`,
        error,
        "contents: read",
      );
    }
    const heads = ask.branches.map((_, i) => answer[`b${i}`]?.target?.oid ?? null);
    const files = await Promise.all(
      ask.files.map(async (file, i) => {
        const blob = answer[`f${i}`];
        if (!blob) return undefined;
        if (typeof blob.text === "string" && !blob.isTruncated && !blob.isBinary) return blob.text;
        // Not a blob (a directory), binary or too large for GraphQL's text: the REST read decides.
        return this.read(repo, file.path, file.at);
      }),
    );
    const parents = commits.map((_, i) => answer[`c${i}`]?.parents?.nodes.map((n) => n.oid) ?? []);
    return { heads, files, parents };
  }

  /** The same reads over REST, one request each (when GraphQL refused the query). */
  async #snapshotRest(
    repo: RepoRef,
    branches: readonly string[],
    files: readonly { path: string; at: string }[],
    commits: readonly string[],
  ): Promise<{ heads: (string | null)[]; files: (string | undefined)[]; parents: string[][] }> {
    const where = `${repo.owner}/${repo.repo}`;
    const orNull = async <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
      try {
        return await fn();
      } catch (error) {
        const status = statusOf(error);
        if (status === 404 || status === 422) return null;
        throw failure(`${what} in ${where}`, error, "contents: read");
      }
    };
    const owner = { owner: repo.owner, repo: repo.repo };
    return {
      heads: await Promise.all(
        branches.map(
          async (b) =>
            (
              await orNull(`read branch ${b}`, () =>
                this.#client.rest.git.getRef({ ...owner, ref: `heads/${b}` }),
              )
            )?.data.object.sha ?? null,
        ),
      ),
      files: await Promise.all(files.map((f) => this.read(repo, f.path, f.at))),
      parents: await Promise.all(
        commits.map(
          async (sha) =>
            (
              await orNull(`read commit ${sha}`, () =>
                this.#client.rest.git.getCommit({ ...owner, commit_sha: sha }),
              )
            )?.data.parents.map((p) => p.sha) ?? [],
        ),
      ),
    };
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
