import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Artifact } from "../core/state/types.ts";
import type { TaskFile } from "../github/task-commit.ts";

/**
 * The files that put a task's declared outputs into the repository: each artifact at
 * `<folder>/<path>` (its path inside the artifacts folder), and a deletion for every file an
 * earlier attempt left under `<folder>` in the checkout (when it is a git work tree) that this
 * attempt did not produce, so the folder holds exactly what the result record lists.
 */
export async function artifactFiles(
  cwd: string,
  head: string | undefined,
  artifactsDir: string,
  folder: string,
  artifacts: readonly Artifact[],
): Promise<TaskFile[]> {
  const files: TaskFile[] = [];
  const produced = new Set<string>();
  for (const artifact of artifacts) {
    const path = `${folder}/${artifact.path}`;
    if (produced.has(path)) continue;
    produced.add(path);
    files.push({ path, content: await readFile(join(artifactsDir, artifact.path)) });
  }
  if (head !== undefined) {
    for (const path of await trackedUnder(cwd, head, folder)) {
      if (!produced.has(path)) files.push({ path, content: null });
    }
  }
  return files;
}

function trackedUnder(cwd: string, head: string, folder: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(
      "git",
      ["-c", "core.quotepath=off", "ls-tree", "-r", "-z", "--name-only", head, "--", `${folder}/`],
      { cwd, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" },
      (error, stdout) => resolve(error ? [] : stdout.split("\0").filter((p) => p !== "")),
    );
  });
}
