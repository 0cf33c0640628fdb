import { checkOutputPath } from "../core/plan/output-path.ts";
import { artifactsFolder } from "../github/task-artifacts.ts";
import { INLINE_MAX_BYTES, MAX_BLOB_FILES, needsBlob, type TaskFile } from "../github/task-commit.ts";
import { LEFT_OUT, MAX_FILE_BYTES, MAX_FILES } from "./workspace-changes.ts";

/**
 * Why `path` may not be written by an attempt of `taskId`, or undefined when it may: it must be a
 * plain relative path inside the repository (no absolute path or drive, no `..`, `.` or empty
 * segment, nothing inside `.git`), outside the places agents never write (`LEFT_OUT`) except the
 * task's own artifacts folder, where it must be a valid output path.
 */
export function commitPathProblem(path: string, issue: number, taskId: string): string | undefined {
  const shown = JSON.stringify(path);
  if (path === "") return "an empty path";
  if (path.includes("\0")) return `${shown} contains a NUL character`;
  if (/^[A-Za-z]:/.test(path) || path.startsWith("/") || path.startsWith("\\"))
    return `${shown} is absolute; paths are relative to the repository root`;
  const segments = path.split(/[\\/]/);
  if (segments.includes("..")) return `${shown} leaves the repository ('..')`;
  if (segments.some((s) => s === "" || s === "."))
    return `${shown} is not a plain path (empty or '.' segment)`;
  if (segments.some((s) => s.toLowerCase() === ".git")) return `${shown} is inside .git`;
  const own = `${artifactsFolder(issue, taskId)}/`;
  if (path.startsWith(own)) {
    const problem = checkOutputPath(path.slice(own.length));
    return problem ? `${shown}: ${problem}` : undefined;
  }
  const rule = LEFT_OUT.find((r) => path.startsWith(r.prefix));
  if (rule) return `${shown} is not written by agents (${rule.why})`;
  // A file (or link) in place of such a folder, or of a folder above it, would replace it whole.
  const above = LEFT_OUT.find((r) => r.prefix.startsWith(`${path}/`));
  return above ? `${shown} would replace ${above.prefix} (${above.why})` : undefined;
}

/**
 * Every reason the files of an attempt of `taskId` may not be committed (empty when they may):
 * the path rules of `commitPathProblem`, one entry per path, files of at most `MAX_FILE_BYTES`,
 * at most `MAX_FILES` changed files besides at most `MAX_FILES` output files, and at most
 * `MAX_BLOB_FILES` files that are not small text (each uploaded with a request of its own).
 */
export function taskFileProblems(files: readonly TaskFile[], issue: number, taskId: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const own = `${artifactsFolder(issue, taskId)}/`;
  let changed = 0;
  let outputs = 0;
  let blobs = 0;
  for (const file of files) {
    if (needsBlob(file.content)) blobs++;
    const problem = commitPathProblem(file.path, issue, taskId);
    if (problem) problems.push(problem);
    if (seen.has(file.path)) problems.push(`${JSON.stringify(file.path)} appears more than once`);
    seen.add(file.path);
    // A path cannot be both a file and the folder of another (deleting the file is how it becomes one).
    const segments = file.path.split("/");
    for (let i = 1; i < segments.length; i++) {
      const folder = segments.slice(0, i).join("/");
      if (files.some((f) => f.path === folder && f.content !== null))
        problems.push(
          `${JSON.stringify(folder)} is both a file and the folder of ${JSON.stringify(file.path)}`,
        );
    }
    if (file.content !== null && file.content.length > MAX_FILE_BYTES) {
      problems.push(
        `${JSON.stringify(file.path)} is ${file.content.length} bytes; files over ${MAX_FILE_BYTES} bytes are not committed`,
      );
    }
    if (file.path.startsWith(own)) outputs++;
    else changed++;
  }
  if (changed > MAX_FILES) problems.push(`${changed} changed files; at most ${MAX_FILES} are committed`);
  if (outputs > MAX_FILES) problems.push(`${outputs} output files; at most ${MAX_FILES} are committed`);
  if (blobs > MAX_BLOB_FILES)
    problems.push(
      `${blobs} files are binary, hold carriage returns or are over ${INLINE_MAX_BYTES / 1024} KB; at most ${MAX_BLOB_FILES} such files are committed (each is a write request of its own, and GitHub allows about 500 an hour): keep build output and binaries out with .gitignore`,
    );
  return problems;
}

/** Problems as one message: the first few, and how many more. */
export function problemList(problems: readonly string[], shown = 5): string {
  const head = problems.slice(0, shown).join("; ");
  return problems.length > shown ? `${head}; and ${problems.length - shown} more` : head;
}
