import { statusOf } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { RepoRef } from "./ports.ts";

/** A file read from the repository: its text and blob sha. */
export interface FileRead {
  text: string;
  sha: string;
}

/** The path holds something other than a file (a directory, a symlink, a submodule). */
export class NotAFileError extends Error {
  readonly path: string;
  readonly kind: string;
  constructor(path: string, kind: string) {
    super(`${path} is a ${kind}, not a file`);
    this.name = "NotAFileError";
    this.path = path;
    this.kind = kind;
  }
}

/**
 * Reads `path` at `at` (a branch, tag or commit sha) with the contents API; undefined on 404.
 * Files over 1 MB come back without their content: they are read through the git blob API by sha.
 * Other failures are thrown as they are (the caller wraps them).
 */
export async function readFile(
  client: GitHubClient,
  repo: RepoRef,
  path: string,
  at: string,
): Promise<FileRead | undefined> {
  let data: unknown;
  try {
    const response = await client.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.repo,
      path,
      ref: at,
    });
    data = response.data;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
  if (Array.isArray(data)) throw new NotAFileError(path, "directory");
  const file = data as { type?: string; sha: string; size?: number; encoding?: string; content?: string };
  if (file.type !== undefined && file.type !== "file") throw new NotAFileError(path, file.type);
  if (
    file.encoding === "base64" &&
    typeof file.content === "string" &&
    (file.content !== "" || file.size === 0)
  ) {
    return { text: decodeBase64(file.content), sha: file.sha };
  }
  if (file.size === 0) return { text: "", sha: file.sha };
  const blob = await client.rest.git.getBlob({ owner: repo.owner, repo: repo.repo, file_sha: file.sha });
  const content = blob.data.encoding === "utf-8" ? blob.data.content : decodeBase64(blob.data.content);
  return { text: content, sha: file.sha };
}

/** Decodes GitHub's base64 (which wraps lines) as UTF-8. */
export function decodeBase64(content: string): string {
  return Buffer.from(content.replace(/\s+/g, ""), "base64").toString("utf8");
}
