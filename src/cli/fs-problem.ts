import { dirname } from "node:path";
import { CliError, EXIT } from "./io.ts";

/** What each file-system error code means, in a few words. */
const MEANING: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "a file is in the way",
  EISDIR: "it is a folder, not a file",
  ENOENT: "it does not exist",
  ENAMETOOLONG: "the path is too long",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  ENFILE: "too many open files on the system",
  EIO: "input/output error",
  EBUSY: "the resource is busy",
};

/**
 * The usual way out, by code. `dir` is what to check the permissions of; `alt` the context's
 * alternative (e.g. `choose another folder with --state-dir`), if any.
 */
const FIX: Record<string, (dir: string, alt: string | undefined) => string> = {
  EACCES: (dir, alt) => `check the permissions of ${dir}${alt ? `, or ${alt}` : ""}`,
  EPERM: (dir, alt) => `check the permissions of ${dir}${alt ? `, or ${alt}` : ""}`,
  EROFS: (_, alt) => (alt ? `${alt} (on a writable file system)` : "use a writable file system"),
  ENOSPC: () => "free some disk space, then try again",
  EDQUOT: () => "free some space within your quota, then try again",
  ENOTDIR: (_, alt) => `move that file away${alt ? `, or ${alt}` : ""}`,
  EEXIST: (_, alt) => `move that file away${alt ? `, or ${alt}` : ""}`,
  EISDIR: () => "give the path of a file",
  ENOENT: () => "check the path",
  ENAMETOOLONG: () => "use a shorter path",
  ELOOP: () => "check the symbolic links on the path",
  EMFILE: () => "close other programs or raise the limit (ulimit -n), then try again",
  ENFILE: () => "close other programs, then try again",
  EIO: () => "check the disk, then try again",
  EBUSY: () => "try again in a moment",
};

/** Verbs for the failing system call. */
const ACTION: Record<string, string> = {
  mkdir: "create the folder",
  open: "open",
  write: "write to",
  read: "read",
  rename: "replace",
  unlink: "remove",
  rmdir: "remove",
  scandir: "list",
  stat: "read",
  lstat: "read",
  fsync: "flush",
  copyfile: "copy",
  cp: "copy",
  symlink: "link",
};

/** System calls that change a folder's entries. */
const CHANGES_FOLDER = new Set(["mkdir", "rename", "unlink", "rmdir", "symlink", "link"]);

/** A Node.js file-system error: a code such as `EACCES`, and usually a system call and a path. */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
  const e = error as NodeJS.ErrnoException | null;
  return (
    e instanceof Error &&
    typeof e.code === "string" &&
    /^E[A-Z0-9]+$/.test(e.code) &&
    (typeof e.syscall === "string" || typeof e.path === "string")
  );
}

export interface FsContext {
  /** What was being done, e.g. `create the state folder`; default: from the system call. */
  action?: string;
  /** The path to name; default: the error's own path. */
  path?: string;
  /** Where else to go, e.g. `choose another folder with --state-dir`. */
  alternative?: string;
}

/**
 * One line saying which path failed, how (the code and its meaning) and what to do:
 * `cannot create the folder /x/.orchestrate/id: EACCES (permission denied); check its permissions, …`.
 */
export function fsProblem(error: NodeJS.ErrnoException, context: FsContext = {}): string {
  const code = error.code ?? "error";
  const action = context.action ?? ACTION[error.syscall ?? ""] ?? error.syscall ?? "use";
  const path = context.path ?? error.path ?? "";
  const meaning = MEANING[code] ?? error.message.replace(/^E[A-Z0-9]+: /, "").split(",")[0];
  // Creating, renaming or removing an entry needs the folder's permissions; opening may need both.
  const dir = !path
    ? "the path"
    : CHANGES_FOLDER.has(error.syscall ?? "")
      ? dirname(path)
      : `${path} and of ${dirname(path)}`;
  const fix = FIX[code]?.(dir, context.alternative);
  return `cannot ${action}${path ? ` ${path}` : ""}: ${code} (${meaning})${fix ? `; ${fix}` : ""}`;
}

/** What a file-system error code means, in a few words (the code itself when it is not known). */
export function fsMeaning(code: string): string {
  return MEANING[code] ?? code;
}

/** A file-system error as a one-line CLI error (exit 2); other errors are returned unchanged. */
export function fsCliError(error: unknown, context: FsContext = {}): unknown {
  return isFsError(error) ? new CliError(fsProblem(error, context), EXIT.usage) : error;
}
