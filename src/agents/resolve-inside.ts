import { lstat, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";

/** Where a relative path under a folder leads once symlinks are followed. */
export type Resolved =
  | { kind: "file"; real: string }
  | { kind: "missing" }
  | { kind: "outside"; real: string }
  | { kind: "broken" }
  | { kind: "not_file" };

/** True when `target` is strictly inside `root` (both absolute, without symlinks). */
export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Follows `relPath` (already checked: relative, no `..`) under `realRoot` (a real path) and says
 * whether it is a regular file that stays inside the folder, symlinks included.
 */
export async function resolveInside(realRoot: string, relPath: string): Promise<Resolved> {
  const path = join(realRoot, relPath);
  try {
    await lstat(path);
  } catch (error) {
    if (isMissing(error)) return { kind: "missing" };
    throw error;
  }
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === "ELOOP") return { kind: "broken" };
    throw error;
  }
  if (!isInside(realRoot, real)) return { kind: "outside", real };
  return (await stat(real)).isFile() ? { kind: "file", real } : { kind: "not_file" };
}

/** True for "no such file" errors, including a path through a regular file. */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
