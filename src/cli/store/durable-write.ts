import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";

let tempCounter = 0;

/** A write by descriptor fails naming no file: `path` is added for the message. */
export function withPath(error: unknown, path: string): unknown {
  const e = error as NodeJS.ErrnoException | null;
  if (e instanceof Error && typeof e.code === "string" && e.path === undefined) e.path = path;
  return error;
}

/**
 * Appends `text` to `path` and flushes it to disk (fsync) before returning: once this returns,
 * the text survives a crash or power loss.
 */
export function appendDurably(path: string, text: string): void {
  const buffer = Buffer.from(text, "utf8");
  const fd = openSync(path, "a");
  try {
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
    fsyncSync(fd);
  } catch (error) {
    throw withPath(error, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `path` whole through a temporary file in the same folder and a rename: a reader sees
 * the old content or the new, never a part. Not flushed to disk (no fsync).
 */
export function writeAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw withPath(error, path);
  }
}

/**
 * Flushes a folder's entries to disk, so that a file just created in it survives a power loss.
 * Best effort: some platforms cannot open a folder for this, and that is not an error.
 */
export function syncFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch {
    // Not supported here (e.g. Windows): the file's own data is still flushed.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * `mkdirSync(path, { recursive: true })`, with the real error: Node's recursive mkdir reports
 * some failures (a read-only file system) as ENOENT, so on ENOENT the first missing folder is
 * created alone, which fails with the true code.
 */
export function makeFolders(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    let first = path;
    while (dirname(first) !== first && !existsSync(dirname(first))) first = dirname(first);
    mkdirSync(first);
    mkdirSync(path, { recursive: true });
  }
}
