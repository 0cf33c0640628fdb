import { DASHBOARD_MARKER } from "../core/render/dashboard.ts";
import { capComment } from "./comments.ts";
import { failure, statusOf } from "./errors.ts";
import { NodeIds } from "./node-ids.ts";
import type { GitHubClient } from "./octokit.ts";
import type { DashboardPort, ExecutionRef } from "./ports.ts";

export { DASHBOARD_MARKER };

const TRUNCATED = "\n\n… _(truncated: the dashboard is longer than GitHub allows in a comment)_\n";
const PERMISSION = "issues: write" as const;

/**
 * The dashboard comment of an issue, found by its hidden marker and edited in place. With a known
 * comment id, an update is one request; a deleted comment (404) falls back to the lookup.
 */
export class Dashboard implements DashboardPort {
  readonly #client: GitHubClient;
  readonly #ids: NodeIds;

  readonly #authors: Set<string>;

  /**
   * `ids`: where the comment's GraphQL node id is kept (shared with the status port). `authors`:
   * logins besides bots whose marked comment is the dashboard — the user of a personal token.
   */
  constructor(client: GitHubClient, ids: NodeIds = new NodeIds(), authors: readonly string[] = []) {
    this.#client = client;
    this.#ids = ids;
    this.#authors = new Set(authors.map((a) => a.toLowerCase()));
  }

  async upsert(ref: ExecutionRef, body: string, knownId?: number): Promise<number> {
    const text = dashboardBody(body);
    if (knownId !== undefined) {
      const updated = await this.#update(ref, knownId, text);
      if (updated !== undefined) return updated;
    }
    const existing = await this.find(ref);
    if (existing !== undefined) {
      const updated = await this.#update(ref, existing, text);
      if (updated !== undefined) return updated;
    }
    try {
      const { data } = await this.#client.rest.issues.createComment({
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.issue,
        body: text,
        request: { retries: 0 },
      });
      this.#ids.rememberComment(ref, Number(data.id), data.node_id);
      return Number(data.id);
    } catch (error) {
      throw failure(`create the dashboard comment on ${where(ref)}`, error, PERMISSION);
    }
  }

  /** The id of the newest comment by a bot or a trusted author that starts with the marker, if any. */
  async find(ref: ExecutionRef): Promise<number | undefined> {
    try {
      let found: { id: number; at: string } | undefined;
      const pages = this.#client.paginate.iterator(this.#client.rest.issues.listComments, {
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.issue,
        per_page: 100,
      });
      for await (const page of pages) {
        for (const comment of page.data) {
          if (!comment.body?.trimStart().startsWith(DASHBOARD_MARKER)) continue;
          // Only an app or Actions (or the token's own user) writes the dashboard: a person's
          // copy of the marker is not it.
          const login = comment.user?.login.toLowerCase() ?? "";
          if (comment.user?.type !== "Bot" && !this.#authors.has(login)) continue;
          const candidate = { id: Number(comment.id), at: comment.created_at };
          this.#ids.rememberComment(ref, candidate.id, comment.node_id);
          if (
            found === undefined ||
            candidate.at > found.at ||
            (candidate.at === found.at && candidate.id > found.id)
          ) {
            found = candidate;
          }
        }
      }
      return found?.id;
    } catch (error) {
      throw failure(`list the comments of ${where(ref)}`, error, PERMISSION);
    }
  }

  /** PATCHes the comment; undefined when it no longer exists (deleted by someone). */
  async #update(ref: ExecutionRef, id: number, body: string): Promise<number | undefined> {
    try {
      const { data } = await this.#client.rest.issues.updateComment({
        owner: ref.owner,
        repo: ref.repo,
        comment_id: id,
        body,
      });
      this.#ids.rememberComment(ref, id, data.node_id);
      return id;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw failure(`update the dashboard comment ${id} on ${where(ref)}`, error, PERMISSION);
    }
  }
}

/** The comment body: the marker first, the whole capped at GitHub's limit with a note. */
export function dashboardBody(body: string): string {
  const marked = body.startsWith(DASHBOARD_MARKER) ? body : `${DASHBOARD_MARKER}\n${body}`;
  return capComment(marked, TRUNCATED);
}

function where(ref: ExecutionRef): string {
  return `${ref.owner}/${ref.repo}#${ref.issue}`;
}
