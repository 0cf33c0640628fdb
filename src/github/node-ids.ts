import { LruCache } from "./lru-cache.ts";
import type { RepoRef } from "./ports.ts";

/**
 * GraphQL node ids of objects the REST API told us about (repositories, check runs, comments), so
 * that later updates can go out together in one GraphQL mutation. Kept for the life of the ports
 * bundle; bounded (least recently used out).
 */
export class NodeIds {
  readonly #ids: LruCache<string, string>;

  constructor(capacity = 10_000) {
    this.#ids = new LruCache(capacity);
  }

  repository(repo: RepoRef): string | undefined {
    return this.#ids.get(repoKey(repo));
  }

  checkRun(repo: RepoRef, id: number): string | undefined {
    return this.#ids.get(`${repoKey(repo)}:check:${id}`);
  }

  comment(repo: RepoRef, id: number): string | undefined {
    return this.#ids.get(`${repoKey(repo)}:comment:${id}`);
  }

  rememberRepository(repo: RepoRef, nodeId: unknown): void {
    this.#set(repoKey(repo), nodeId);
  }

  rememberCheckRun(repo: RepoRef, id: number, nodeId: unknown): void {
    this.#set(`${repoKey(repo)}:check:${id}`, nodeId);
  }

  rememberComment(repo: RepoRef, id: number, nodeId: unknown): void {
    this.#set(`${repoKey(repo)}:comment:${id}`, nodeId);
  }

  #set(key: string, nodeId: unknown): void {
    if (typeof nodeId === "string" && nodeId !== "") this.#ids.set(key, nodeId);
  }
}

function repoKey(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`.toLowerCase();
}
