/**
 * Response bodies of the fake repository in GitHub's shapes (git refs, commits, trees, blobs,
 * contents, errors), built from a `FakeGit`.
 */
import type { FakeGit } from "./fake-git.ts";
import { repositoryNodeId } from "./fake-repo-graphql.ts";
import { GITHUB_API, type HandlerResult } from "./mock-github.ts";

/** A JSON object. */
export type Json = Record<string, unknown>;

/** GitHub's error response: `{ message, documentation_url, status }`. */
export function githubError(status: number, message: string): HandlerResult {
  return [status, { message, documentation_url: "https://docs.github.com/rest", status: String(status) }];
}

/** Base64 in 60-column lines with a final newline, as the contents and blobs APIs send it. */
export function base64Lines(data: Buffer): string {
  return `${(data.toString("base64").match(/.{1,60}/g) ?? []).join("\n")}\n`;
}

/** Builders of response bodies for one repository. */
export function jsonShapes(git: FakeGit, owner: string, repo: string, defaultBranch: string) {
  const api = `${GITHUB_API}/repos/${owner}/${repo}`;
  const html = `https://github.com/${owner}/${repo}`;
  const blobEntry = (path: string, sha: string): Json => ({
    path,
    mode: "100644",
    type: "blob",
    sha,
    size: git.blobs.get(sha)!.length,
    url: `${api}/git/blobs/${sha}`,
  });

  const shapes = {
    api,
    html,
    repository: (): Json => ({
      id: 1,
      node_id: repositoryNodeId(owner, repo),
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: { login: owner, id: 1, type: "Organization" },
      private: false,
      default_branch: defaultBranch,
      url: api,
      html_url: html,
    }),
    ref: (name: string): Json => {
      const sha = git.refs.get(name)!;
      const object = { sha, type: "commit", url: `${api}/git/commits/${sha}` };
      return { ref: name, node_id: `REF_${name}`, url: `${api}/git/${name}`, object };
    },
    commit: (sha: string): Json => {
      const c = git.commits.get(sha)!;
      const person = { name: "Orchestrate Test", email: "test@example.com", date: c.date };
      return {
        sha,
        node_id: `C_${sha}`,
        url: `${api}/git/commits/${sha}`,
        html_url: `${html}/commit/${sha}`,
        author: person,
        committer: person,
        message: c.message,
        tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
        parents: c.parents.map((p) => ({
          sha: p,
          url: `${api}/git/commits/${p}`,
          html_url: `${html}/commit/${p}`,
        })),
        verification: {
          verified: false,
          reason: "unsigned",
          signature: null,
          payload: null,
          verified_at: null,
        },
      };
    },
    blob: (sha: string): Json => {
      const data = git.blobs.get(sha)!;
      const url = `${api}/git/blobs/${sha}`;
      return {
        sha,
        node_id: `B_${sha}`,
        size: data.length,
        url,
        content: base64Lines(data),
        encoding: "base64",
      };
    },
    file: (path: string, blob: string, withContent: boolean): Json => {
      const data = git.blobs.get(blob)!;
      const links = {
        self: `${api}/contents/${path}`,
        git: `${api}/git/blobs/${blob}`,
        html: `${html}/blob/${defaultBranch}/${path}`,
      };
      const json: Json = {
        type: "file",
        name: path.split("/").pop(),
        path,
        sha: blob,
        size: data.length,
        url: links.self,
        git_url: links.git,
        html_url: links.html,
        download_url: null,
        _links: links,
      };
      return withContent ? { ...json, encoding: "base64", content: base64Lines(data) } : json;
    },
    /** Entries of a flat tree: every blob (recursive), or the top level with sub-trees stored on the fly. */
    treeEntries: (tree: Map<string, string>, recursive: boolean): Json[] => {
      if (recursive) return [...tree].map(([path, sha]) => blobEntry(path, sha));
      const dirs = new Map<string, Map<string, string>>();
      const out: Json[] = [];
      for (const [path, sha] of tree) {
        const [top = "", ...rest] = path.split("/");
        if (rest.length === 0) out.push(blobEntry(path, sha));
        else dirs.set(top, (dirs.get(top) ?? new Map()).set(rest.join("/"), sha));
      }
      for (const [path, entries] of dirs) {
        const sha = git.putTree(entries);
        out.push({ path, mode: "040000", type: "tree", sha, url: `${api}/git/trees/${sha}` });
      }
      return out;
    },
    tree: (sha: string, recursive: boolean): Json => ({
      sha,
      url: `${api}/git/trees/${sha}`,
      tree: shapes.treeEntries(git.trees.get(sha)!, recursive),
      truncated: false,
    }),
  };
  return shapes;
}
