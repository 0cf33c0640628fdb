/**
 * Checks that a declared output path stays inside the task's artifacts folder. Returns why it does
 * not, or `undefined` when it is fine.
 */
export function checkOutputPath(path: string): string | undefined {
  if (/^[A-Za-z]:/.test(path)) return `output path "${path}" names a drive; it must be relative`;
  if (path.startsWith("/") || path.startsWith("\\"))
    return `output path "${path}" is absolute; it must be relative`;
  if (path.split(/[\\/]/).includes("..")) return `output path "${path}" leaves the artifacts folder ('..')`;
  if (normalizeOutputPath(path) === "")
    return `output path "${path}" names the artifacts folder itself, not a file`;
  return undefined;
}

/** Normalizes a valid output path: `/` separators, no empty or `.` segments (`./a//b` → `a/b`). */
export function normalizeOutputPath(path: string): string {
  return path
    .split(/[\\/]/)
    .filter((segment) => segment !== "" && segment !== ".")
    .join("/");
}
