import { randomUUID } from "node:crypto";
import type { ExecutionEvent } from "../core/state/events.ts";
import type { ExecutionState } from "../core/state/types.ts";
import { failure, GitHubError, graphqlErrors, messageOf, statusOf } from "./errors.ts";
import { LruCache } from "./lru-cache.ts";
import type { GitHubClient } from "./octokit.ts";
import {
  appendEvents,
  executionPaths,
  FINISHED_BLOB,
  finishedText,
  parseEvents,
  parseState,
  stateText,
} from "./parse-stored.ts";
import {
  ConflictError,
  CorruptStateError,
  type ExecutionRef,
  type ExecutionStateStore,
  type RepoRef,
  STATE_BRANCH,
  type StoredExecution,
} from "./ports.ts";
import { NotAFileError, readFile } from "./read-file.ts";

/** One execution's files at one commit, parsed. */
interface IssueFiles {
  eventsText: string;
  state: ExecutionState;
  events: ExecutionEvent[];
}

/** What is known of one commit of the state branch: its tree, and executions read at it (null: none). */
interface CommitEntry {
  tree?: string;
  issues: Map<number, IssueFiles | null>;
}

export interface StateStoreOptions {
  /** Commits of the state branch kept in memory. Default 32. */
  cacheSize?: number;
  /**
   * Content larger than this (characters) is uploaded as a blob with the git data API; up to it,
   * a save is one GraphQL `createCommitOnBranch`. Default 512 KiB.
   */
  inlineLimit?: number;
  /** Commit with GraphQL `createCommitOnBranch` (default true); false: always the git data API. */
  graphql?: boolean;
}

const REF = `heads/${STATE_BRANCH}`;
const PERMISSION = "contents: write" as const;

/**
 * ExecutionStateStore on the `orchestrate-state` branch: `executions/<issue>/state.json` and
 * `events.jsonl`, both written in one commit, the branch moved by fast-forward only (compare and
 * swap on its head). Files read at a commit are cached by commit sha, so a load at an unchanged
 * head costs one request (the ref, none when the caller already read it) and a save after a load
 * costs one (GraphQL `createCommitOnBranch` with the head as `expectedHeadOid`); the branch's
 * first commit, and files over the inline limit, take the git data API (tree, commit, ref).
 */
export class StateStore implements ExecutionStateStore {
  readonly #client: GitHubClient;
  readonly #cache: LruCache<string, CommitEntry>;
  readonly #inlineLimit: number;
  readonly #graphql: boolean;
  /** The branch head at which `load` last found an issue without an execution (null: no branch). */
  readonly #absentAt = new LruCache<string, string | null>(1024);

  constructor(client: GitHubClient, options: StateStoreOptions = {}) {
    this.#client = client;
    this.#cache = new LruCache(options.cacheSize ?? 32);
    this.#inlineLimit = options.inlineLimit ?? 512 * 1024;
    this.#graphql = options.graphql ?? true;
  }

  async load(ref: ExecutionRef, known?: { head: string | null }): Promise<StoredExecution | undefined> {
    const head = known ? (known.head ?? undefined) : await this.#head(ref);
    if (head === undefined) {
      this.#absentAt.set(issueKey(ref), null);
      return undefined;
    }
    const key = cacheKey(ref, head);
    const entry: CommitEntry = this.#cache.get(key) ?? { issues: new Map() };
    let files = entry.issues.get(ref.issue);
    if (files === undefined) {
      files = await this.#readIssue(ref, head);
      this.#keep(ref, key, entry, files);
    }
    if (files === null) {
      this.#absentAt.set(issueKey(ref), head);
      return undefined;
    }
    return { state: structuredClone(files.state), events: structuredClone(files.events), version: head };
  }

  async save(
    ref: ExecutionRef,
    update: { state: ExecutionState; newEvents: ExecutionEvent[]; version: string | undefined },
  ): Promise<string> {
    // A new execution on an existing branch is committed on the head at which it was found
    // missing (compare-and-swap on that head); without a branch, the first commit creates it.
    const version = update.version ?? (await this.#headWithout(ref));
    const paths = executionPaths(ref.issue);
    const base = version === undefined ? undefined : this.#cache.get(cacheKey(ref, version));
    const baseTree = version === undefined ? undefined : base?.tree;
    // The execution as it is at `version`: from the cache, else read (a corrupt log is never appended to).
    const known = base?.issues.get(ref.issue);
    const prior =
      version === undefined ? null : known !== undefined ? known : await this.#readIssue(ref, version);
    const eventsText = appendEvents(prior?.eventsText ?? "", update.newEvents);
    const state = stateText(update.state);

    const files = [
      { path: paths.state, content: state },
      { path: paths.events, content: eventsText },
      { path: paths.finished, content: finishedText(update.state) },
    ];
    const message = commitMessage(ref.issue, update.newEvents);
    const small = files.every((f) => Buffer.byteLength(f.content) <= this.#inlineLimit);
    const { sha, tree } =
      version !== undefined && small && this.#graphql
        ? await this.#commitOnBranch(ref, version, message, files)
        : await this.#commitWithGitData(ref, version, baseTree, message, files);

    // Cache what the files now hold (through JSON, exactly as a fresh load would read them); the
    // other executions' files are unchanged by this commit, so what is known of them carries over.
    this.#keep(
      ref,
      cacheKey(ref, sha),
      { tree, issues: new Map(base?.issues ?? []) },
      {
        eventsText,
        state: JSON.parse(state) as ExecutionState,
        events: [
          ...(prior?.events ?? []),
          ...(JSON.parse(JSON.stringify(update.newEvents)) as ExecutionEvent[]),
        ],
      },
    );
    return sha;
  }

  /**
   * Caches an execution's files at a commit. Its files at other commits are dropped: an event
   * log grows with every save, and a copy per cached commit would hold the cache's size times
   * the log. Loads and saves go on from the newest commit, so none needs an older one.
   */
  #keep(ref: ExecutionRef, key: string, entry: CommitEntry, files: IssueFiles | null): void {
    entry.issues.set(ref.issue, files);
    const repo = cacheKey(ref, "");
    for (const [other, commit] of this.#cache.entries()) {
      if (other === key || !other.startsWith(repo)) continue;
      const held = commit.issues.get(ref.issue);
      if (held && held !== files) commit.issues.delete(ref.issue);
    }
    this.#cache.set(key, entry);
  }

  /**
   * For a new execution: the state branch head it is to be committed on (undefined: no branch).
   * ConflictError when the execution exists there (another writer created it meanwhile).
   */
  async #headWithout(ref: ExecutionRef): Promise<string | undefined> {
    const found = this.#absentAt.get(issueKey(ref));
    this.#absentAt.delete(issueKey(ref));
    // No branch at the load: creating it fails with ConflictError if another writer made it since.
    if (found === null) return undefined;
    const head = found ?? (await this.#head(ref));
    if (head === undefined) return undefined;
    const cached = this.#cache.get(cacheKey(ref, head))?.issues.get(ref.issue);
    const files = cached !== undefined ? cached : await this.#readIssue(ref, head);
    if (files !== null) {
      throw new ConflictError(`${ref.owner}/${ref.repo}#${ref.issue}: the execution was created meanwhile`);
    }
    return head;
  }

  /** Forgets every cached commit (the next load reads the files again). */
  clearCache(): void {
    this.#cache.clear();
  }

  /**
   * Issue numbers of the executions on the state branch that have not finished (one tree read: a
   * `finished` file saying `true` is known by its blob id). Executions stored before that file
   * existed are listed.
   */
  async list(repo: RepoRef): Promise<number[]> {
    const head = await this.#head(repo);
    if (!head) return [];
    try {
      const { data } = await this.#client.rest.git.getTree({
        owner: repo.owner,
        repo: repo.repo,
        tree_sha: head,
        recursive: "1",
      });
      const issues = new Set<number>();
      const finished = new Set<number>();
      for (const entry of data.tree) {
        const match = /^executions\/(\d+)\/(state\.json|finished)$/.exec(entry.path ?? "");
        if (match?.[2] === "state.json") issues.add(Number(match[1]));
        else if (match && entry.sha === FINISHED_BLOB) finished.add(Number(match[1]));
      }
      return [...issues].filter((issue) => !finished.has(issue)).sort((a, b) => a - b);
    } catch (error) {
      throw failure(
        `list executions on ${STATE_BRANCH} of ${repo.owner}/${repo.repo}`,
        error,
        "contents: read",
      );
    }
  }

  async #head(repo: RepoRef): Promise<string | undefined> {
    try {
      const { data } = await this.#client.rest.git.getRef({ owner: repo.owner, repo: repo.repo, ref: REF });
      return data.object.sha;
    } catch (error) {
      // 404: no state branch yet; 409: the repository is empty (no branch at all).
      if (statusOf(error) === 404 || statusOf(error) === 409) return undefined;
      throw failure(`read the ${STATE_BRANCH} branch of ${repo.owner}/${repo.repo}`, error, "contents: read");
    }
  }

  async #treeOf(repo: RepoRef, commit: string): Promise<string> {
    return (await this.#commitAt(repo, commit)).tree;
  }

  async #read(ref: ExecutionRef, path: string, at: string): Promise<string | undefined> {
    try {
      return (await readFile(this.#client, ref, path, at))?.text;
    } catch (error) {
      if (error instanceof NotAFileError) throw new CorruptStateError(path, error.message);
      throw failure(`read ${path} on ${STATE_BRANCH} at ${at}`, error, "contents: read");
    }
  }

  async #readIssue(ref: ExecutionRef, at: string): Promise<IssueFiles | null> {
    const paths = executionPaths(ref.issue);
    const [stateFile, eventsFile] = await Promise.all([
      this.#read(ref, paths.state, at),
      this.#read(ref, paths.events, at),
    ]);
    if (stateFile === undefined && eventsFile === undefined) return null;
    if (stateFile === undefined) throw new CorruptStateError(paths.state, `missing (${paths.events} exists)`);
    if (eventsFile === undefined)
      throw new CorruptStateError(paths.events, `missing (${paths.state} exists)`);
    const state = parseState(stateFile, paths.state);
    const events = parseEvents(eventsFile, paths.events);
    return { eventsText: eventsFile, state, events };
  }

  async #writeTree(
    ref: ExecutionRef,
    baseTree: string | undefined,
    files: { path: string; content: string }[],
  ) {
    const entries = await Promise.all(
      files.map(async ({ path, content }) => {
        const entry = { path, mode: "100644" as const, type: "blob" as const };
        if (content.length <= this.#inlineLimit) return { ...entry, content };
        const blob = await this.#write(ref, `upload ${path}`, () =>
          this.#client.rest.git.createBlob({ owner: ref.owner, repo: ref.repo, content, encoding: "utf-8" }),
        );
        return { ...entry, sha: blob.data.sha };
      }),
    );
    const { data } = await this.#write(ref, "create the state tree", () =>
      this.#client.rest.git.createTree({
        owner: ref.owner,
        repo: ref.repo,
        tree: entries,
        ...(baseTree === undefined ? {} : { base_tree: baseTree }),
      }),
    );
    return data.sha;
  }

  /**
   * One request: GraphQL `createCommitOnBranch`, whose `expectedHeadOid` is the compare-and-swap
   * (the branch must still be at `version`).
   */
  async #commitOnBranch(
    ref: ExecutionRef,
    version: string,
    headline: string,
    files: { path: string; content: string }[],
  ): Promise<{ sha: string; tree: string }> {
    // A mark only this save carries: if the answer is lost, the branch's history tells whether it landed.
    const mark = `save ${randomUUID()}`;
    const input = {
      branch: { repositoryNameWithOwner: `${ref.owner}/${ref.repo}`, branchName: STATE_BRANCH },
      expectedHeadOid: version,
      message: { headline, body: mark },
      fileChanges: {
        additions: files.map((f) => ({ path: f.path, contents: Buffer.from(f.content).toString("base64") })),
      },
    };
    try {
      const data = await this.#client.graphql<{
        createCommitOnBranch: { commit: { oid: string; tree: { oid: string } } };
      }>(COMMIT_ON_BRANCH, { input });
      const commit = data.createCommitOnBranch.commit;
      return { sha: commit.oid, tree: commit.tree.oid };
    } catch (error) {
      const said = messageOf(error);
      const errors = graphqlErrors(error);
      if (STALE_HEAD.test(said) || errors.some((e) => e.type === "STALE_DATA")) {
        throw new ConflictError(
          `${ref.owner}/${ref.repo}#${ref.issue}: the ${STATE_BRANCH} branch moved since ${version} (${said})`,
        );
      }
      // No answer (a 5xx, a dropped connection, GitHub's own timeout): the commit may have landed.
      // A mutation is never re-sent blindly; the branch says what happened instead.
      const unclear =
        errors.length === 0 ? (statusOf(error) ?? 500) >= 500 : /went wrong|timeout|timed out/i.test(said);
      if (unclear) {
        const landed = await this.#landed(
          ref,
          version,
          (commit) => commit.message.includes(mark) && commit.parent === version,
        );
        if (landed) return landed;
      }
      throw failure(`commit the state to ${STATE_BRANCH}`, error, PERMISSION);
    }
  }

  /**
   * After a write with no clear answer: the commit `ours` recognises, if it is on the state branch
   * (it landed), found by walking first parents from the head back to `version` (undefined: to
   * the root), at most LANDED_DEPTH commits: another writer may have committed on top of ours
   * before the head was read. Undefined if the branch is still at `version` (or, for a first
   * commit, still missing): nothing happened. A ConflictError if the walk reached `version`
   * without finding it: someone else wrote.
   */
  async #landed(
    ref: ExecutionRef,
    version: string | undefined,
    ours: (commit: { sha: string; message: string; parent: string | undefined }) => boolean,
  ): Promise<{ sha: string; tree: string } | undefined> {
    const head = await this.#head(ref);
    if (head === version) return undefined;
    const moved = `${ref.owner}/${ref.repo}#${ref.issue}: the ${STATE_BRANCH} branch ${
      version === undefined ? "was created meanwhile" : `moved since ${version}`
    } (now ${head ?? "deleted"})`;
    let sha = head;
    for (let depth = 0; sha !== undefined && sha !== version; depth++) {
      if (depth === LANDED_DEPTH) {
        const what = `tell whether the state commit landed on ${STATE_BRANCH}`;
        throw new GitHubError(
          what,
          `GitHub: could not ${what}: its answer was lost, and the branch moved more than ${LANDED_DEPTH} commits past ${version ?? "its creation"} before it was read again. The execution is loaded again on its next event.`,
          undefined,
        );
      }
      const commit = await this.#commitAt(ref, sha);
      if (ours({ sha, message: commit.message, parent: commit.parent })) return { sha, tree: commit.tree };
      sha = commit.parent;
    }
    throw new ConflictError(moved);
  }

  /** A commit of the state branch: its message, tree and first parent. */
  async #commitAt(
    ref: RepoRef,
    sha: string,
  ): Promise<{ message: string; tree: string; parent: string | undefined }> {
    try {
      const { data } = await this.#client.rest.git.getCommit({
        owner: ref.owner,
        repo: ref.repo,
        commit_sha: sha,
      });
      return { message: data.message, tree: data.tree.sha, parent: data.parents[0]?.sha };
    } catch (error) {
      throw failure(`read commit ${sha} of ${STATE_BRANCH}`, error, "contents: read");
    }
  }

  /** Blobs (when large), tree, commit and ref: the git data API's three or more requests. */
  async #commitWithGitData(
    ref: ExecutionRef,
    version: string | undefined,
    knownTree: string | undefined,
    message: string,
    files: { path: string; content: string }[],
  ): Promise<{ sha: string; tree: string }> {
    const baseTree = version === undefined ? undefined : (knownTree ?? (await this.#treeOf(ref, version)));
    const tree = await this.#writeTree(ref, baseTree, files);
    const commit = await this.#write(ref, "create the state commit", () =>
      this.#client.rest.git.createCommit({
        owner: ref.owner,
        repo: ref.repo,
        message,
        tree,
        parents: version === undefined ? [] : [version],
      }),
    );
    await this.#moveBranch(ref, commit.data.sha, version);
    return { sha: commit.data.sha, tree };
  }

  /**
   * Moves the branch to `sha` by fast-forward from `version`, or creates it; a lost race →
   * ConflictError. Sent once: after an answer lost on the way back (a 5xx, a dropped connection)
   * the branch is read again, and `sha` on it means the move landed.
   */
  async #moveBranch(ref: ExecutionRef, sha: string, version: string | undefined): Promise<void> {
    const where = `${ref.owner}/${ref.repo}#${ref.issue}`;
    try {
      if (version === undefined) {
        await this.#client.rest.git.createRef({
          owner: ref.owner,
          repo: ref.repo,
          ref: `refs/${REF}`,
          sha,
          request: { retries: 0 },
        });
      } else {
        await this.#client.rest.git.updateRef({
          owner: ref.owner,
          repo: ref.repo,
          ref: REF,
          sha,
          force: false,
          request: { retries: 0 },
        });
      }
    } catch (error) {
      const status = statusOf(error);
      const said = messageOf(error);
      if (version === undefined && status === 422 && /already exists/i.test(said)) {
        throw new ConflictError(`${where}: the ${STATE_BRANCH} branch was created meanwhile (${said})`);
      }
      if (
        version !== undefined &&
        (status === 409 || (status === 422 && /fast.?forward|does not exist/i.test(said)))
      ) {
        throw new ConflictError(`${where}: the ${STATE_BRANCH} branch moved since ${version} (${said})`);
      }
      if ((status ?? 500) >= 500 && (await this.#landed(ref, version, (commit) => commit.sha === sha)))
        return;
      throw failure(`move the ${STATE_BRANCH} branch to ${sha}`, error, PERMISSION);
    }
  }

  async #write<T>(ref: RepoRef, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw failure(`${what} in ${ref.owner}/${ref.repo}`, error, PERMISSION);
    }
  }
}

/** Commits of the state branch walked back from its head to find a commit whose answer was lost. */
const LANDED_DEPTH = 10;

const COMMIT_ON_BRANCH =
  "mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid tree { oid } } } }";

/** GitHub's answer when `expectedHeadOid` is no longer the branch head, or the branch is gone. */
const STALE_HEAD =
  /expectedHeadOid|expected branch to point to|but it did not|STALE_DATA|does not exist|could not resolve to a ref/i;

function issueKey(ref: ExecutionRef): string {
  return `${ref.owner}/${ref.repo}#${ref.issue}`.toLowerCase();
}

function cacheKey(repo: RepoRef, sha: string): string {
  return `${repo.owner}/${repo.repo}@${sha}`.toLowerCase();
}

function commitMessage(issue: number, events: readonly ExecutionEvent[]): string {
  const types = [...new Set(events.map((event) => event.type))];
  const what = types.length === 0 ? "state" : types.join(", ");
  const line = `orchestrate #${issue}: ${what}`;
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
