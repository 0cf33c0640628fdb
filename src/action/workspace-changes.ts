import { execFile } from "node:child_process";
import { lstat, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { TaskFailure } from "../core/errors.ts";
import type { TaskFile } from "../github/task-commit.ts";

/** Largest file an attempt may commit (GitHub refuses blobs over 100 MB). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Most files one attempt may commit. */
export const MAX_FILES = 2000;

/** Paths an agent's changes never reach the task branch through, and why. */
export const LEFT_OUT: readonly { prefix: string; why: string }[] = [
  { prefix: ".orchestrate/", why: "reserved for result records and artifacts" },
  { prefix: ".github/workflows/", why: "agents do not change workflows" },
];

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["-c", "core.quotepath=off", ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

/** The commit checked out in `cwd`, or undefined when `cwd` is not a git work tree with a commit. */
export async function checkoutHead(cwd: string): Promise<string | undefined> {
  try {
    const inside = (await git(cwd, ["rev-parse", "--is-inside-work-tree"])).trim();
    if (inside !== "true") return undefined;
    return (await git(cwd, ["rev-parse", "--verify", "HEAD^{commit}"])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when the checkout keeps an HTTP authorization header in its git config (actions/checkout's
 * default `persist-credentials: true`): a process in the checkout could then push with that token.
 */
export async function hasPersistedCredentials(cwd: string): Promise<boolean> {
  try {
    const out = await git(cwd, ["config", "--includes", "--get-regexp", "^http\\..*\\.extraheader$"]);
    return out.trim() !== "";
  } catch {
    return false; // exit code 1: no such setting
  }
}

/** The work an agent left in the checkout: files to commit, and paths left out with the reason. */
export interface WorkspaceChanges {
  files: TaskFile[];
  leftOut: { path: string; why: string }[];
}

/** Why a submodule's path is left out. */
const SUBMODULE =
  "a submodule: what changed inside it belongs to its own repository, and the commit keeps it as it was";
/** Why a git repository the agent created or cloned into the checkout is left out. */
const NESTED_REPOSITORY = "a git repository inside the checkout: nested repositories are not committed";

/**
 * What changed in the checkout since HEAD: tracked files modified or deleted, and new files not
 * ignored by `.gitignore`, with their git modes (executable bit, symlinks). Paths under
 * `LEFT_OUT`, submodules (a gitlink is never changed or deleted by an attempt) and git
 * repositories inside the checkout are not taken. Too many files or one too large fail the
 * attempt (`output_invalid`).
 */
export async function workspaceChanges(cwd: string): Promise<WorkspaceChanges> {
  const { paths: tracked, gitlinks } = trackedChanges(
    await git(cwd, ["diff", "HEAD", "--raw", "--no-renames", "-z"]),
  );
  const untracked = (await git(cwd, ["ls-files", "--others", "--exclude-standard", "-z"])).split("\0");
  const paths = [...new Set([...tracked, ...untracked].filter((p) => p !== ""))].sort();
  const files: TaskFile[] = [];
  const leftOut: WorkspaceChanges["leftOut"] = [];
  for (const path of paths) {
    const rule = LEFT_OUT.find((r) => path.startsWith(r.prefix));
    // Untracked files are listed one by one; a folder only when it holds a repository of its own.
    const why =
      rule?.why ?? (gitlinks.has(path) ? SUBMODULE : path.endsWith("/") ? NESTED_REPOSITORY : undefined);
    const file = why === undefined ? await fileAt(cwd, path) : why;
    if (typeof file === "string") leftOut.push({ path, why: file });
    else files.push(file);
  }
  if (files.length > MAX_FILES) {
    throw new TaskFailure(
      "output_invalid",
      `the agent changed ${files.length} files; at most ${MAX_FILES} are committed (ignore build output in .gitignore)`,
    );
  }
  return { files, leftOut };
}

/**
 * The paths of `git diff --raw -z` output, and those that are or were a submodule (mode 160000
 * on either side: changed inside, moved to another commit, removed, or added as one).
 */
function trackedChanges(raw: string): { paths: string[]; gitlinks: Set<string> } {
  const fields = raw.split("\0");
  const paths: string[] = [];
  const gitlinks = new Set<string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode, newMode] = fields[i]!.replace(/^:/, "").split(" ");
    const path = fields[i + 1]!;
    paths.push(path);
    if (oldMode === "160000" || newMode === "160000") gitlinks.add(path);
  }
  return { paths, gitlinks };
}

/** The file at `path` to commit (`content: null` when it is gone), or why it is left out. */
async function fileAt(cwd: string, path: string): Promise<TaskFile | string> {
  const full = join(cwd, path);
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(full);
  } catch {
    return { path, content: null };
  }
  if (stats.isSymbolicLink()) return { path, content: Buffer.from(await readlink(full)), mode: "120000" };
  // A tracked file replaced by a folder: the file is deleted (the folder's files are listed apart).
  if (stats.isDirectory()) return { path, content: null };
  if (!stats.isFile()) return "not a regular file, folder or symlink";
  if (stats.size > MAX_FILE_BYTES) {
    throw new TaskFailure(
      "output_invalid",
      `${path} is ${stats.size} bytes; files over ${MAX_FILE_BYTES} bytes are not committed`,
    );
  }
  const executable = (stats.mode & 0o111) !== 0;
  return { path, content: await readFile(full), mode: executable ? "100755" : "100644" };
}
