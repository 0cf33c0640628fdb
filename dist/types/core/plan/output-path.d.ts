/**
 * Checks that a declared output path stays inside the task's artifacts folder. Returns why it does
 * not, or `undefined` when it is fine.
 */
export declare function checkOutputPath(path: string): string | undefined;
/** Normalizes a valid output path: `/` separators, no empty or `.` segments (`./a//b` → `a/b`). */
export declare function normalizeOutputPath(path: string): string;
