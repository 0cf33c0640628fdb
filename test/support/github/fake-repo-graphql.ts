/**
 * The GraphQL side of `fakeRepo`: `createCommitOnBranch` (with `expectedHeadOid` checked as
 * GitHub does) and `repository { id ref(qualifiedName:) object(expression:) object(oid:) }` reads
 * (blobs by expression, commits' parents by oid), any number of them under aliases. Fields it does not serve fail the request, so a test never passes on an
 * answer the fake made up.
 */
import type { FieldNode, OperationDefinitionNode } from "graphql";
import type { FakeGit } from "./fake-git.ts";
import { argumentsOf } from "./graphql.ts";
import type { GitHubMock } from "./mock-github.ts";

interface CommitInput {
  branch: { repositoryNameWithOwner?: string; branchName?: string; id?: string };
  expectedHeadOid: string;
  message: { headline: string; body?: string };
  fileChanges?: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
}

/** The node id the fake gives repository `owner/repo` (the same in REST answers). */
export function repositoryNodeId(owner: string, repo: string): string {
  return `R_${Buffer.from(`${owner}/${repo}`).toString("base64url")}`;
}

/** Serves `git` as repository `owner/repo` on GitHub's GraphQL endpoint of `gh`. */
export function serveGraphQL(gh: GitHubMock, git: FakeGit, owner: string, repo: string): void {
  const notFound = (name: string) => new Error(`Could not resolve to a Repository with the name '${name}'.`);

  gh.onGraphQL("createCommitOnBranch", (variables) => {
    const input = variables.input as CommitInput;
    const name = input.branch.repositoryNameWithOwner ?? "";
    if (name.toLowerCase() !== `${owner}/${repo}`.toLowerCase()) throw notFound(name);
    const branch = input.branch.branchName ?? "";
    const head = git.head(branch);
    if (!head)
      throw Object.assign(new Error(`A ref named "refs/heads/${branch}" does not exist.`), {
        type: "NOT_FOUND",
      });
    if (head !== input.expectedHeadOid)
      throw Object.assign(
        new Error(
          `Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`,
        ),
        { type: "STALE_DATA" },
      );
    const changes: Record<string, Buffer | null> = {};
    for (const a of input.fileChanges?.additions ?? []) changes[a.path] = Buffer.from(a.contents, "base64");
    for (const d of input.fileChanges?.deletions ?? []) changes[d.path] = null;
    const message = input.message.body
      ? `${input.message.headline}\n\n${input.message.body}`
      : input.message.headline;
    const commit = git.commitFiles(branch, changes, message);
    return { createCommitOnBranch: { commit: { oid: commit.sha, tree: { oid: commit.tree } } } };
  });

  gh.onGraphQL("repository", (variables, operation: OperationDefinitionNode) => {
    const field = operation.selectionSet.selections[0] as FieldNode;
    const repoArgs = argumentsOf(field, variables);
    const name = `${String(repoArgs.owner)}/${String(repoArgs.name)}`;
    if (name.toLowerCase() !== `${owner}/${repo}`.toLowerCase()) throw notFound(name);
    const out: Record<string, unknown> = {};
    for (const selection of field.selectionSet?.selections ?? []) {
      if (selection.kind !== "Field") throw new Error("fake repository: fragments are not served here");
      const key = selection.alias?.value ?? selection.name.value;
      const args = argumentsOf(selection, variables);
      if (selection.name.value === "id") {
        out[key] = repositoryNodeId(owner, repo);
      } else if (selection.name.value === "ref") {
        const qualified = String(args.qualifiedName);
        const sha = git.refs.get(qualified.startsWith("refs/") ? qualified : `refs/heads/${qualified}`);
        out[key] = sha ? { target: { oid: sha } } : null;
      } else if (selection.name.value === "object" && args.oid !== undefined) {
        const commit = git.commits.get(String(args.oid));
        out[key] = commit
          ? { __typename: "Commit", parents: { nodes: commit.parents.map((oid) => ({ oid })) } }
          : null;
      } else if (selection.name.value === "object") {
        const expression = String(args.expression);
        const at = expression.indexOf(":");
        const [rev, path] = [expression.slice(0, at), expression.slice(at + 1)];
        const data = at < 0 ? undefined : git.files(rev).get(path);
        out[key] =
          data === undefined
            ? null
            : {
                __typename: "Blob",
                text: data.toString("utf8"),
                byteSize: data.length,
                isBinary: data.includes(0),
                isTruncated: false,
              };
      } else {
        throw new Error(`fake repository: field repository.${selection.name.value} is not served`);
      }
    }
    return { repository: out };
  });
}
