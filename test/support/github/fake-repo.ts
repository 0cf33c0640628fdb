/**
 * `fakeRepo(gh)`: one in-memory repository served through `mockGitHub()` handlers, for tests of
 * code that reads and writes through GitHub's git data, contents and merges APIs:
 *
 * - `GET /repos/{owner}/{repo}`
 * - refs: `GET git/ref/{ref}`, `GET git/matching-refs/{ref}`, `POST git/refs`,
 *   `PATCH git/refs/{ref}` (`force: false` and not a fast-forward → 422 "Update is not a fast
 *   forward"), `DELETE git/refs/{ref}`
 * - objects: `POST git/blobs`, `GET git/blobs/{file_sha}`, `POST git/trees` (inline `content`,
 *   `sha: null` deletes, `base_tree`), `GET git/trees/{tree_sha}` (`recursive`), `POST git/commits`,
 *   `GET git/commits/{commit_sha}`
 * - contents: `GET contents/{path}` (base64 in 60-column lines, blob sha; directories list),
 *   `PUT`/`DELETE contents/{path}` with blob-sha compare-and-swap (409 on a stale sha)
 * - `POST merges`: 201 merge commit, 204 nothing to merge, 409 "Merge conflict", 404 missing base/head
 * - `GET compare/{base}...{head}`: the merge base and the files `head` changed since it
 * - GraphQL: `createCommitOnBranch` and `repository { ref object }` (see fake-repo-graphql.ts)
 *
 * Requests naming another owner/repo get 404. Status codes and messages follow GitHub's.
 */
import { FakeGit, type FileChanges } from "./fake-git.ts";
import { serveGraphQL } from "./fake-repo-graphql.ts";
import { githubError, type Json, jsonShapes } from "./fake-repo-json.ts";
import type { GitHubMock, Handler, HandlerResult } from "./mock-github.ts";

/** Options of `fakeRepo`. */
export interface FakeRepoOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** Files of the initial commit on the default branch. */
  files?: FileChanges;
}

/** The served repository: its git data, for seeding and for assertions. */
export interface FakeRepo {
  owner: string;
  repo: string;
  defaultBranch: string;
  git: FakeGit;
}

/** Serves a new in-memory repository (default `o/r`, branch `main`) on `gh`; returns it. */
export function fakeRepo(gh: GitHubMock, options: FakeRepoOptions = {}): FakeRepo {
  const { owner = "o", repo = "r", defaultBranch = "main" } = options;
  const git = new FakeGit();
  git.commitFiles(defaultBranch, options.files ?? { "README.md": `# ${repo}\n` }, "Initial commit");
  const json = jsonShapes(git, owner, repo, defaultBranch);
  const error = githubError;

  /** Commits one file change on a branch for the contents API, checking the blob sha. */
  const writeFile = (path: string, body: Json, content: Buffer | null): HandlerResult => {
    const branch = typeof body.branch === "string" ? body.branch : defaultBranch;
    const head = git.head(branch);
    if (!head) return error(404, `Branch ${branch} not found`);
    const existing = git.trees.get(git.commits.get(head)!.tree)!.get(path);
    if (existing && body.sha === undefined) return error(422, `Invalid request.\n\n"sha" wasn't supplied.`);
    if (existing && body.sha !== existing) return error(409, `${path} does not match ${String(body.sha)}`);
    if (!existing && content === null) return error(404, "Not Found");
    const change = content === null ? null : git.putBlob(content);
    const commit = git.putCommit(
      git.treeWith(git.commits.get(head)!.tree, new Map([[path, change]])),
      [head],
      String(body.message),
    );
    git.refs.set(`refs/heads/${branch}`, commit.sha);
    const result = {
      content: change === null ? null : json.file(path, change, false),
      commit: json.commit(commit.sha),
    };
    return [change === null || existing ? 200 : 201, result];
  };

  const routes: Record<string, Handler> = {
    "GET /repos/{owner}/{repo}": () => [200, json.repository()],
    "GET /repos/{owner}/{repo}/git/ref/{ref}": ({ params }) =>
      git.refs.has(`refs/${params.ref}`) ? [200, json.ref(`refs/${params.ref}`)] : error(404, "Not Found"),
    "GET /repos/{owner}/{repo}/git/matching-refs/{ref}": ({ params }) => [
      200,
      [...git.refs.keys()]
        .filter((r) => r.startsWith(`refs/${params.ref}`))
        .sort()
        .map(json.ref),
    ],
    "POST /repos/{owner}/{repo}/git/refs": ({ body }) => {
      const { ref, sha } = body as { ref: string; sha: string };
      if (!/^refs\/[^/]+\/.+/.test(ref))
        return error(422, "Reference name must start with 'refs/' and have at least two slashes.");
      if (git.refs.has(ref)) return error(422, "Reference already exists");
      if (!git.commits.has(sha)) return error(422, "Object does not exist");
      git.refs.set(ref, sha);
      return [201, json.ref(ref)];
    },
    "PATCH /repos/{owner}/{repo}/git/refs/{ref}": ({ params, body }) => {
      const { sha, force = false } = body as { sha: string; force?: boolean };
      const name = `refs/${params.ref}`;
      const current = git.refs.get(name);
      if (!current) return error(422, "Reference does not exist");
      if (!git.commits.has(sha)) return error(422, "Object does not exist");
      if (!force && !git.isAncestor(current, sha)) return error(422, "Update is not a fast forward");
      git.refs.set(name, sha);
      return [200, json.ref(name)];
    },
    "DELETE /repos/{owner}/{repo}/git/refs/{ref}": ({ params }) =>
      git.refs.delete(`refs/${params.ref}`) ? [204] : error(422, "Reference does not exist"),
    "POST /repos/{owner}/{repo}/git/blobs": ({ body }) => {
      const { content, encoding = "utf-8" } = body as { content: string; encoding?: string };
      const sha = git.putBlob(Buffer.from(content, encoding === "base64" ? "base64" : "utf8"));
      return [201, { sha, url: `${json.api}/git/blobs/${sha}` }];
    },
    "GET /repos/{owner}/{repo}/git/blobs/{file_sha}": ({ params }) => {
      return git.blobs.has(params.file_sha!) ? [200, json.blob(params.file_sha!)] : error(404, "Not Found");
    },
    "POST /repos/{owner}/{repo}/git/trees": ({ body }) => {
      const { base_tree, tree } = body as {
        base_tree?: string;
        tree: Array<{ path: string; type?: string; sha?: string | null; content?: string }>;
      };
      if (base_tree && !git.trees.has(base_tree)) return error(422, "Invalid tree info");
      const changes = new Map<string, string | null>();
      for (const item of tree) {
        if (item.content !== undefined) changes.set(item.path, git.putBlob(item.content));
        else if (item.sha === null) changes.set(item.path, null);
        else if (item.type === "tree" && item.sha && git.trees.has(item.sha))
          for (const [p, s] of git.trees.get(item.sha)!) changes.set(`${item.path}/${p}`, s);
        else if (item.sha && git.blobs.has(item.sha)) changes.set(item.path, item.sha);
        else return error(422, "Invalid tree info");
      }
      return [201, json.tree(git.treeWith(base_tree, changes), true)];
    },
    "GET /repos/{owner}/{repo}/git/trees/{tree_sha}": ({ params, query }) => {
      const sha = git.trees.has(params.tree_sha!)
        ? params.tree_sha!
        : git.commits.get(git.resolve(params.tree_sha!) ?? "")?.tree;
      return sha ? [200, json.tree(sha, query.recursive !== undefined)] : error(404, "Not Found");
    },
    "POST /repos/{owner}/{repo}/git/commits": ({ body }) => {
      const { message, tree, parents = [] } = body as { message: string; tree: string; parents?: string[] };
      if (!git.trees.has(tree)) return error(422, "Tree SHA does not exist");
      if (parents.some((p) => !git.commits.has(p)))
        return error(422, "Parent SHA does not exist or is not a commit object");
      return [201, json.commit(git.putCommit(tree, parents, message).sha)];
    },
    "GET /repos/{owner}/{repo}/git/commits/{commit_sha}": ({ params }) =>
      git.commits.has(params.commit_sha!) ? [200, json.commit(params.commit_sha!)] : error(404, "Not Found"),
    "GET /repos/{owner}/{repo}/contents/{path}": ({ params, query }) => {
      const ref = typeof query.ref === "string" ? query.ref : defaultBranch;
      const sha = git.resolve(ref);
      if (!sha) return error(404, `No commit found for the ref ${ref}`);
      const tree = git.trees.get(git.commits.get(sha)!.tree)!;
      const path = params.path!.replace(/^\/+|\/+$/g, "");
      const blob = tree.get(path);
      if (blob) return [200, json.file(path, blob, true)];
      const listing = json.treeEntries(
        new Map(
          [...tree].filter(([p]) => p.startsWith(`${path}/`)).map(([p, s]) => [p.slice(path.length + 1), s]),
        ),
        false,
      );
      if (listing.length === 0) return error(404, "Not Found");
      return [
        200,
        listing.map((e) => ({
          ...e,
          path: `${path}/${String(e.path)}`,
          name: e.path,
          type: e.type === "tree" ? "dir" : "file",
        })),
      ];
    },
    "PUT /repos/{owner}/{repo}/contents/{path}": ({ params, body }) =>
      writeFile(params.path!, body as Json, Buffer.from(String((body as Json).content), "base64")),
    "DELETE /repos/{owner}/{repo}/contents/{path}": ({ params, body }) =>
      writeFile(params.path!, body as Json, null),
    "GET /repos/{owner}/{repo}/compare/{basehead}": ({ params }) => {
      const [base = "", head = ""] = params.basehead!.split("...");
      const found = git.compare(base, head);
      if (!found) return error(404, "Not Found");
      return [
        200,
        {
          url: `${json.api}/compare/${params.basehead}`,
          status: found.files.length > 0 ? "ahead" : "identical",
          merge_base_commit: found.mergeBase ? json.commit(found.mergeBase) : null,
          files: found.files.map((f) => ({
            sha: f.sha,
            filename: f.path,
            status: f.status,
            additions: 0,
            deletions: 0,
            changes: 0,
            blob_url: `${json.html}/blob/${head}/${f.path}`,
            raw_url: `${json.html}/raw/${head}/${f.path}`,
            contents_url: `${json.api}/contents/${f.path}?ref=${head}`,
          })),
        },
      ];
    },
    "POST /repos/{owner}/{repo}/merges": ({ body }) => {
      const { base, head, commit_message } = body as { base: string; head: string; commit_message?: string };
      if (!git.head(base)) return error(404, "Base does not exist");
      if (!git.resolve(head)) return error(404, "Head does not exist");
      const outcome = git.merge(base, head, commit_message ?? `Merge ${head} into ${base}`);
      if (outcome.kind === "up-to-date") return [204];
      if (outcome.kind === "conflict") return error(409, "Merge conflict");
      return [201, { ...json.commit(outcome.commit.sha), commit: json.commit(outcome.commit.sha) }];
    },
  };

  for (const [route, handler] of Object.entries(routes)) {
    gh.on(route, (request) =>
      request.params.owner === owner && request.params.repo === repo
        ? handler(request)
        : error(404, "Not Found"),
    );
  }
  serveGraphQL(gh, git, owner, repo);
  return { owner, repo, defaultBranch, git };
}
