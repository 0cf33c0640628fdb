import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { taskDirName } from "../agents/layout.ts";
import { TaskFailure } from "../core/errors.ts";
import { checkOutputPath, normalizeOutputPath } from "../core/plan/output-path.ts";
import type { Artifact } from "../core/state/types.ts";
import { failure } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { RepoRef } from "./ports.ts";

/**
 * The folder of a task's artifacts in the repository (on its task branch, and after fan-in): under
 * the issue, so two issues' executions with the same task names never write the same files.
 */
export function artifactsFolder(issue: number, taskId: string): string {
  return `.orchestrate/issue-${issue}/artifacts/${taskDirName(taskId)}`;
}

/**
 * Downloads a task's recorded artifacts from `commit` (its task branch head) into `dest`, byte for
 * byte (the git data API: one tree read, one blob per file), so binary files survive. `folder` is
 * the artifacts folder inside the repository. A recorded artifact absent there fails with
 * `input_missing`; the copy is checked against its sha256 later, when the attempt is prepared.
 */
export async function downloadArtifacts(
  client: GitHubClient,
  repo: RepoRef,
  commit: string,
  folder: string,
  artifacts: readonly Artifact[],
  dest: string,
): Promise<void> {
  const where = `${repo.owner}/${repo.repo}@${commit}`;
  let tree: { path?: string; sha?: string; type?: string }[];
  try {
    const { data } = await client.rest.git.getTree({
      owner: repo.owner,
      repo: repo.repo,
      tree_sha: commit,
      recursive: "1",
    });
    tree = data.tree;
  } catch (error) {
    throw failure(`read the files of ${where}`, error, "contents: read");
  }
  const blobs = new Map(tree.filter((e) => e.type === "blob").map((e) => [e.path, e.sha]));
  for (const artifact of artifacts) {
    const problem = checkOutputPath(artifact.path);
    if (problem) throw new TaskFailure("input_invalid", `artifact "${artifact.name}": ${problem}`);
    const path = normalizeOutputPath(artifact.path);
    const sha = blobs.get(`${folder}/${path}`);
    if (sha === undefined) {
      throw new TaskFailure(
        "input_missing",
        `artifact "${artifact.name}" (${folder}/${path}) is missing at ${where}`,
      );
    }
    let content: Buffer;
    try {
      const { data } = await client.rest.git.getBlob({ owner: repo.owner, repo: repo.repo, file_sha: sha });
      content = Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8");
    } catch (error) {
      throw failure(`read ${folder}/${path} at ${where}`, error, "contents: read");
    }
    const target = join(dest, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}
