import { failure, messageOf, statusOf } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { RepoRef } from "./ports.ts";
import { readFile } from "./read-file.ts";
import {
  type ResultRecord,
  ResultRecordSchema,
  resultPath,
  sameExecution,
  taskBranch,
} from "./result-record.ts";

/** A file of a task's commit: new content (with its git mode), or `null` to delete it. */
export interface TaskFile {
  path: string;
  content: Buffer | null;
  /** `100644` (default), `100755` (executable) or `120000` (symlink; the content is its target). */
  mode?: "100644" | "100755" | "120000";
}

/** What one attempt commits to its task branch. */
export interface TaskCommit {
  issue: number;
  /** The commit the attempt started from (the checkout of the working branch). */
  base: string;
  files: TaskFile[];
  /** Written to `resultPath(record.task)`. */
  record: ResultRecord;
  message: string;
}

/** The task branch holds a later attempt than the one committing: its result is not wanted. */
export class StaleAttemptError extends Error {
  readonly current: number;
  constructor(task: string, attempt: number, current: number) {
    super(
      current === attempt
        ? `attempt ${attempt} of ${task} was published already (a job run again): its task branch holds its result`
        : `attempt ${attempt} of ${task} is stale: its task branch already holds attempt ${current}`,
    );
    this.name = "StaleAttemptError";
    this.current = current;
  }
}

export interface TaskCommitOptions {
  /** Ref updates tried before giving up when the task branch keeps moving. Default 5. */
  tries?: number;
  /** Blob uploads at once. Default 6. */
  concurrency?: number;
}

/**
 * Largest file, as a JSON string, sent inline in a tree request. A file that is not UTF-8 text, or
 * larger, is uploaded as a blob of its own: one write request each, which GitHub asks to space
 * about a second apart (and counts towards its 80 a minute, 500 an hour content-creation limits).
 */
export const INLINE_MAX_BYTES = 256 * 1024;
/**
 * Bounds on one tree request: its entries' JSON size, and their number. GitHub documents no limit
 * for creating a tree, but requests of a few MB have been seen to fail (502, 422 timeouts); an
 * attempt's entries are sent over as many requests as these allow, each on top of the last tree.
 */
export const TREE_REQUEST_BYTES = 1024 * 1024;
/**
 * Most files of one attempt uploaded as blobs (binary, with carriage returns, or over
 * `INLINE_MAX_BYTES`). Each is a write request GitHub spaces about a second apart, within 500
 * content-creating requests an hour: more would not publish within the publish job's time, so
 * the attempt fails at once, saying so, rather than at the job's time limit.
 */
export const MAX_BLOB_FILES = 300;
export const TREE_REQUEST_ENTRIES = 1000;

const PERMISSION = "contents: write" as const;

/**
 * Commits an attempt's files and result record on top of `base` and moves the task branch
 * (`taskBranch(issue, task)`) to it. The branch is created when missing; when it exists, its head
 * becomes the second parent, so the update is a fast-forward and earlier attempts stay in its
 * history while the tree is exactly `base` plus this attempt's files. A branch that moved meanwhile
 * is re-read and the commit made again (up to `tries`); a branch already holding a later attempt
 * stops with a StaleAttemptError. Returns the commit sha.
 *
 * Writes are few, since GitHub spaces them about a second apart: text files travel inline in the
 * tree requests (a few thousand small files take a handful of requests), and only binary or large
 * files are uploaded as blobs, one request each.
 */
export async function commitTaskResult(
  client: GitHubClient,
  repo: RepoRef,
  commit: TaskCommit,
  options: TaskCommitOptions = {},
): Promise<string> {
  const { record } = commit;
  const branch = taskBranch(commit.issue, record.task);
  const where = `${repo.owner}/${repo.repo}`;
  const write = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw failure(`${what} in ${where}`, error, PERMISSION);
    }
  };

  // Text files go inline in the tree requests; only the others are uploaded, one request each.
  const inline = new Map<string, string>();
  for (const file of commit.files) {
    const text = inlineText(file.content);
    if (text !== undefined) inline.set(file.path, text);
  }
  const uploads = commit.files.filter((file) => file.content !== null && !inline.has(file.path));
  const blobs = await uploadBlobs(client, repo, uploads, options.concurrency ?? 6, write);
  const baseCommit = await write(`read commit ${commit.base}`, () =>
    client.rest.git.getCommit({ owner: repo.owner, repo: repo.repo, commit_sha: commit.base }),
  );
  const entries: TreeEntry[] = [
    ...commit.files.map((file): TreeEntry => {
      const entry = { path: file.path, mode: file.mode ?? ("100644" as const), type: "blob" as const };
      const content = inline.get(file.path);
      return content !== undefined ? { ...entry, content } : { ...entry, sha: blobs.get(file.path) ?? null };
    }),
    {
      path: resultPath(commit.issue, record.task),
      mode: "100644",
      type: "blob",
      content: `${JSON.stringify(record, null, 2)}\n`,
    },
  ];
  let tree = baseCommit.data.tree.sha;
  for (const batch of treeBatches(entries)) {
    const base_tree = tree;
    const made = await write(`create the tree of ${record.task}`, () =>
      client.rest.git.createTree({ owner: repo.owner, repo: repo.repo, base_tree, tree: batch }),
    );
    tree = made.data.sha;
  }

  const tries = options.tries ?? 5;
  for (let attempt = 1; attempt <= tries; attempt++) {
    const head = await branchHead(client, repo, branch);
    if (head !== undefined) await assertNotStale(client, repo, head, commit.issue, record);
    const parents = head === undefined || head === commit.base ? [commit.base] : [commit.base, head];
    const created = await write(`create the commit of ${record.task}`, () =>
      client.rest.git.createCommit({
        owner: repo.owner,
        repo: repo.repo,
        message: commit.message,
        tree,
        parents,
      }),
    );
    const sha = created.data.sha;
    try {
      if (head === undefined) {
        await client.rest.git.createRef({
          owner: repo.owner,
          repo: repo.repo,
          ref: `refs/heads/${branch}`,
          sha,
          request: { retries: 0 },
        });
      } else {
        await client.rest.git.updateRef({
          owner: repo.owner,
          repo: repo.repo,
          ref: `heads/${branch}`,
          sha,
          force: false,
        });
      }
      return sha;
    } catch (error) {
      const said = messageOf(error);
      // A 5xx whose move landed: the branch is at our commit already.
      if ((statusOf(error) ?? 0) >= 500 && (await branchHead(client, repo, branch)) === sha) return sha;
      // A 5xx may or may not have moved the branch: re-read it and commit again (a fast-forward).
      const moved =
        statusOf(error) === 409 ||
        (statusOf(error) ?? 0) >= 500 ||
        (statusOf(error) === 422 && /already exists|fast.?forward|does not exist/i.test(said));
      if (!moved) throw failure(`move ${branch} to ${sha} in ${where}`, error, PERMISSION);
    }
  }
  throw failure(
    `move ${branch} in ${where}`,
    new Error(`the branch kept moving (${tries} tries)`),
    PERMISSION,
  );
}

/** One entry of a tree request: its content inline, a blob's sha, or `sha: null` to delete. */
type TreeEntry = { path: string; mode: NonNullable<TaskFile["mode"]>; type: "blob" } & (
  | { content: string }
  | { sha: string | null }
);

/** Whether committing `content` takes a blob upload of its own (see `inlineText`). */
export function needsBlob(content: Buffer | null): boolean {
  return content !== null && inlineText(content) === undefined;
}

/**
 * The file's content as a string to send inline, when that string is exactly its bytes: UTF-8
 * text without NUL (binary) or carriage returns (left to the blob API, which takes bytes as
 * given), of at most `INLINE_MAX_BYTES` as JSON. Otherwise undefined: the file becomes a blob.
 */
function inlineText(content: Buffer | null): string | undefined {
  if (content === null || content.length > INLINE_MAX_BYTES) return undefined;
  if (content.includes(0) || content.includes(13)) return undefined;
  const text = content.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(content)) return undefined; // not valid UTF-8
  return Buffer.byteLength(JSON.stringify(text)) <= INLINE_MAX_BYTES ? text : undefined;
}

/**
 * The tree entries split into requests within `TREE_REQUEST_BYTES` and `TREE_REQUEST_ENTRIES`,
 * deletions first: each request builds on the tree the one before made, so a file that replaces
 * a deleted folder (or a folder that replaces a deleted file) must come after the deletion.
 */
function treeBatches(entries: readonly TreeEntry[]): TreeEntry[][] {
  const deletions = entries.filter((e) => "sha" in e && e.sha === null);
  const ordered = [...deletions, ...entries.filter((e) => !deletions.includes(e))];
  const batches: TreeEntry[][] = [];
  let current: TreeEntry[] = [];
  let bytes = 0;
  for (const entry of ordered) {
    const size = Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (current.length > 0 && (bytes + size > TREE_REQUEST_BYTES || current.length >= TREE_REQUEST_ENTRIES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  batches.push(current);
  return batches;
}

/** Uploads the files' contents as blobs (`concurrency` at once); their shas by path. */
async function uploadBlobs(
  client: GitHubClient,
  repo: RepoRef,
  files: readonly TaskFile[],
  concurrency: number,
  write: <T>(what: string, fn: () => Promise<T>) => Promise<T>,
): Promise<Map<string, string>> {
  const shas = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      if (file.content === null) continue;
      const content = file.content.toString("base64");
      const blob = await write(`upload ${file.path}`, () =>
        client.rest.git.createBlob({ owner: repo.owner, repo: repo.repo, content, encoding: "base64" }),
      );
      shas.set(file.path, blob.data.sha);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
  return shas;
}

async function branchHead(client: GitHubClient, repo: RepoRef, branch: string): Promise<string | undefined> {
  try {
    const { data } = await client.rest.git.getRef({
      owner: repo.owner,
      repo: repo.repo,
      ref: `heads/${branch}`,
    });
    return data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw failure(`read branch ${branch} of ${repo.owner}/${repo.repo}`, error, "contents: read");
  }
}

/** Throws when the record at `head` is of this attempt of the same task or a later one. */
async function assertNotStale(
  client: GitHubClient,
  repo: RepoRef,
  head: string,
  issue: number,
  record: ResultRecord,
) {
  const current = await recordedAttempt(client, repo, head, issue, record.task, record.execution_created_at);
  // The same attempt's result already there: a job run again (its first run committed; the
  // first delivery of an attempt is the one applied). Our own landed commit never gets here: a
  // move that landed returns before the branch is read again.
  if (current !== undefined && current >= record.attempt) {
    throw new StaleAttemptError(record.task, record.attempt, current);
  }
}

/**
 * The attempt of `task` whose result record `head` holds, if a readable one of the execution
 * created at `createdAt` (a record an earlier execution of the issue left is replaced).
 */
async function recordedAttempt(
  client: GitHubClient,
  repo: RepoRef,
  head: string,
  issue: number,
  task: string,
  createdAt: number | undefined,
): Promise<number | undefined> {
  let text: string | undefined;
  try {
    text = (await readFile(client, repo, resultPath(issue, task), head))?.text;
  } catch (error) {
    throw failure(`read ${resultPath(issue, task)} at ${head}`, error, "contents: read");
  }
  if (text === undefined) return undefined;
  try {
    const parsed = ResultRecordSchema.safeParse(JSON.parse(text));
    return parsed.success &&
      parsed.data.task === task &&
      sameExecution(parsed.data.execution_created_at, createdAt)
      ? parsed.data.attempt
      : undefined;
  } catch {
    return undefined; // an unreadable record is replaced
  }
}

/**
 * The attempt of `task` whose result its task branch holds now, if any (before running it again);
 * a result of another execution than the one created at `createdAt` does not count.
 */
export async function publishedAttempt(
  client: GitHubClient,
  repo: RepoRef,
  issue: number,
  task: string,
  createdAt?: number,
): Promise<number | undefined> {
  const head = await branchHead(client, repo, taskBranch(issue, task));
  return head === undefined ? undefined : recordedAttempt(client, repo, head, issue, task, createdAt);
}
