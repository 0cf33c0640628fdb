/**
 * An in-memory git object store with refs: blobs (with git's real blob shas), flat trees
 * (path → blob sha), commits with parents, ancestry and three-way merges of whole files.
 * `fake-repo.ts` serves it over GitHub's git data, contents and merges APIs.
 */
import { createHash } from "node:crypto";

/** A commit as stored. */
export interface FakeCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  date: string;
}

/** What a merge did. */
export type MergeOutcome =
  | { kind: "merged"; commit: FakeCommit }
  | { kind: "up-to-date" }
  | { kind: "conflict"; paths: string[] };

/** A file change for `commitFiles`: new content, or null to delete. */
export type FileChanges = Record<string, string | Buffer | null>;

const EPOCH = Date.UTC(2025, 0, 1);

function sha1(text: string | Buffer): string {
  return createHash("sha1").update(text).digest("hex");
}

/** The in-memory repository data. Refs are full names (`refs/heads/main`). */
export class FakeGit {
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, Map<string, string>>();
  readonly commits = new Map<string, FakeCommit>();
  readonly refs = new Map<string, string>();
  private clock = 0;

  /** Stores content; the sha is git's (`sha1("blob <size>\0<content>")`). */
  putBlob(content: string | Buffer): string {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    const sha = sha1(Buffer.concat([Buffer.from(`blob ${data.length}\0`), data]));
    this.blobs.set(sha, data);
    return sha;
  }

  /** Stores a flat tree (full path → blob sha); its sha depends only on its entries. */
  putTree(entries: Map<string, string>): string {
    const sorted = new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const sha = sha1(`tree ${JSON.stringify([...sorted])}`);
    this.trees.set(sha, sorted);
    return sha;
  }

  /** Stores a commit; each commit gets a later timestamp, so every commit sha is new. */
  putCommit(tree: string, parents: string[], message: string): FakeCommit {
    const date = new Date(EPOCH + ++this.clock * 1000).toISOString().replace(".000Z", "Z");
    const sha = sha1(`commit ${JSON.stringify({ tree, parents, message, date })}`);
    const commit = { sha, tree, parents, message, date };
    this.commits.set(sha, commit);
    return commit;
  }

  /** The commit a name denotes: a commit sha, `heads/x`, `tags/x`, `refs/...`, or a bare branch/tag name. */
  resolve(name: string): string | undefined {
    if (this.commits.has(name)) return name;
    for (const full of [name, `refs/${name}`, `refs/heads/${name}`, `refs/tags/${name}`]) {
      const sha = full.startsWith("refs/") ? this.refs.get(full) : undefined;
      if (sha) return sha;
    }
    return undefined;
  }

  /** Head commit sha of a branch. */
  head(branch: string): string | undefined {
    return this.refs.get(`refs/heads/${branch}`);
  }

  /** The files of a commit (or of whatever `resolve` accepts), path → content. */
  files(name: string): Map<string, Buffer> {
    const sha = this.resolve(name);
    const tree = sha ? this.trees.get(this.commits.get(sha)!.tree) : undefined;
    const out = new Map<string, Buffer>();
    for (const [path, blob] of tree ?? []) out.set(path, this.blobs.get(blob)!);
    return out;
  }

  /** A file's text at a branch, tag or commit; undefined when absent. */
  readFile(name: string, path: string): string | undefined {
    return this.files(name).get(path)?.toString("utf8");
  }

  /** True when `ancestor` is `descendant` or one of its ancestors. */
  isAncestor(ancestor: string, descendant: string): boolean {
    const seen = new Set<string>();
    const queue = [descendant];
    while (queue.length > 0) {
      const sha = queue.shift()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  /** The nearest common ancestor of two commits, if any. */
  mergeBase(a: string, b: string): string | undefined {
    const queue = [b];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const sha = queue.shift()!;
      if (seen.has(sha)) continue;
      seen.add(sha);
      if (this.isAncestor(sha, a)) return sha;
      queue.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return undefined;
  }

  /**
   * What `head` changed since it forked from `base` (a three-dot comparison): the merge base and
   * each path whose blob differs, with its status. Undefined when either name does not resolve.
   */
  compare(
    base: string,
    head: string,
  ):
    | { mergeBase: string | undefined; files: { path: string; status: string; sha: string | null }[] }
    | undefined {
    const ours = this.resolve(base);
    const theirs = this.resolve(head);
    if (!ours || !theirs) return undefined;
    const mergeBase = this.mergeBase(ours, theirs);
    const tree = (sha: string | undefined) =>
      sha
        ? (this.trees.get(this.commits.get(sha)!.tree) ?? new Map<string, string>())
        : new Map<string, string>();
    const before = tree(mergeBase);
    const after = tree(theirs);
    const files: { path: string; status: string; sha: string | null }[] = [];
    for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const a = before.get(path);
      const b = after.get(path);
      if (a === b) continue;
      files.push({
        path,
        status: a === undefined ? "added" : b === undefined ? "removed" : "modified",
        sha: b ?? null,
      });
    }
    return { mergeBase, files };
  }

  /** A tree: `base` (a tree sha) with `changes` applied (null deletes a file or a directory). */
  treeWith(base: string | undefined, changes: Map<string, string | null>): string {
    const entries = new Map(base ? this.trees.get(base) : undefined);
    for (const [path, blob] of changes) {
      if (blob !== null) {
        entries.set(path, blob);
        continue;
      }
      for (const existing of [...entries.keys()]) {
        if (existing === path || existing.startsWith(`${path}/`)) entries.delete(existing);
      }
    }
    return this.putTree(entries);
  }

  /** Creates or moves branch `name` to the commit `from` denotes (a branch, ref or sha); returns the sha. */
  branch(name: string, from: string): string {
    const sha = this.resolve(from);
    if (!sha) throw new Error(`fake git: nothing named ${from}`);
    this.refs.set(`refs/heads/${name}`, sha);
    return sha;
  }

  /**
   * Commits `changes` on top of a branch and moves the branch: for seeding a repository, or for
   * a concurrent writer in a conflict test. A missing branch starts with a root commit; use
   * `branch(name, from)` first to fork one.
   */
  commitFiles(branch: string, changes: FileChanges, message = "test commit"): FakeCommit {
    const parent = this.head(branch);
    const blobs = new Map<string, string | null>();
    for (const [path, content] of Object.entries(changes)) {
      blobs.set(path, content === null ? null : this.putBlob(content));
    }
    const baseTree = parent ? this.commits.get(parent)!.tree : undefined;
    const commit = this.putCommit(this.treeWith(baseTree, blobs), parent ? [parent] : [], message);
    this.refs.set(`refs/heads/${branch}`, commit.sha);
    return commit;
  }

  /** Merges `head` (branch or sha) into branch `base` with a merge commit, as the merges API does. */
  merge(base: string, head: string, message: string): MergeOutcome {
    const ours = this.head(base)!;
    const theirs = this.resolve(head)!;
    if (this.isAncestor(theirs, ours)) return { kind: "up-to-date" };
    const ancestor = this.mergeBase(ours, theirs);
    const b = ancestor ? this.trees.get(this.commits.get(ancestor)!.tree)! : new Map<string, string>();
    const o = this.trees.get(this.commits.get(ours)!.tree)!;
    const t = this.trees.get(this.commits.get(theirs)!.tree)!;
    const merged = new Map<string, string>();
    const conflicts: string[] = [];
    for (const path of new Set([...o.keys(), ...t.keys()])) {
      const [inBase, inOurs, inTheirs] = [b.get(path), o.get(path), t.get(path)];
      const pick =
        inOurs === inTheirs ? inOurs : inOurs === inBase ? inTheirs : inTheirs === inBase ? inOurs : null;
      if (pick === null) conflicts.push(path);
      else if (pick !== undefined) merged.set(path, pick);
    }
    if (conflicts.length > 0) return { kind: "conflict", paths: conflicts.sort() };
    const commit = this.putCommit(this.putTree(merged), [ours, theirs], message);
    this.refs.set(`refs/heads/${base}`, commit.sha);
    return { kind: "merged", commit };
  }
}
