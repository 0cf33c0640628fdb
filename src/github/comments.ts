import { DASHBOARD_MARKER } from "../core/render/dashboard.ts";
import { failure, messageOf, statusOf } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { CommentsPort, ExecutionRef, IssueComment, PullReview, RepoRef } from "./ports.ts";
import { truncate } from "./truncate.ts";

/** GitHub's limit on a comment body, in characters. */
export const COMMENT_LIMIT = 65_536;

const TRUNCATED = "\n\n… _(truncated: longer than GitHub allows in a comment)_\n";

/**
 * Hidden marker that starts every comment Orchestrate writes besides the dashboard (which starts
 * with its own): replies, notices and reports. With a personal token those comments are authored
 * by a person's account, not a bot, so the marker is what tells them apart.
 */
export const COMMENT_MARKER = "<!-- orchestrate:comment -->";

/** The body Orchestrate posts for a reply, notice or report: the marker first, capped at GitHub's limit. */
export function replyBody(body: string): string {
  return capComment(`${COMMENT_MARKER}\n${body}`);
}

/**
 * True for a comment Orchestrate wrote: its body starts with the comment or the dashboard marker.
 * Such a comment is never read as commands. A person who copies a marker to the start of their
 * own comment only silences their own commands, which is harmless.
 */
export function isOwnComment(body: string): boolean {
  const start = body.trimStart();
  return start.startsWith(COMMENT_MARKER) || start.startsWith(DASHBOARD_MARKER);
}

/** Issue comments (sent once, never retried blindly) and reactions (adding one twice is fine). */
export class Comments implements CommentsPort {
  readonly #client: GitHubClient;

  constructor(client: GitHubClient) {
    this.#client = client;
  }

  async reply(ref: ExecutionRef, body: string): Promise<void> {
    try {
      await this.#client.rest.issues.createComment({
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.issue,
        body: replyBody(body),
        request: { retries: 0 },
      });
    } catch (error) {
      throw failure(`comment on ${ref.owner}/${ref.repo}#${ref.issue}`, error, "issues: write");
    }
  }

  async commentsSince(ref: ExecutionRef, since: number): Promise<IssueComment[]> {
    try {
      const comments = await this.#client.paginate(this.#client.rest.issues.listComments, {
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.issue,
        // GitHub's `since` is by last update; a comment edited later is filtered by creation below.
        since: new Date(since).toISOString(),
        per_page: 100,
      });
      return comments.flatMap((c) => {
        const createdAt = Date.parse(c.created_at);
        // Commands count in newly created comments only: an edited comment's body is not what
        // its author posted (anyone with write access may edit it), so it is not read back.
        const edited = Date.parse(c.updated_at) > createdAt;
        return c.user && createdAt >= since && !edited
          ? [{ id: Number(c.id), user: c.user.login, userType: c.user.type, body: c.body ?? "", createdAt }]
          : [];
      });
    } catch (error) {
      throw failure(`read the comments of ${ref.owner}/${ref.repo}#${ref.issue}`, error, "issues: write");
    }
  }

  async reviewsOf(ref: RepoRef, head: string): Promise<{ pull: number; reviews: PullReview[] } | undefined> {
    const repo = { owner: ref.owner, repo: ref.repo };
    try {
      const { data: open } = await this.#client.rest.pulls.list({
        ...repo,
        head: `${ref.owner}:${head}`,
        state: "open",
        per_page: 1,
      });
      const pull = open[0]?.number;
      if (pull === undefined) return undefined;
      const reviews = await this.#client.paginate(this.#client.rest.pulls.listReviews, {
        ...repo,
        pull_number: pull,
        per_page: 100,
      });
      return {
        pull,
        reviews: reviews.flatMap((r) =>
          r.user && r.commit_id && r.submitted_at
            ? [
                {
                  id: Number(r.id),
                  user: r.user.login,
                  userType: r.user.type,
                  state: r.state.toLowerCase(),
                  body: r.body ?? "",
                  commitId: r.commit_id,
                  submittedAt: Date.parse(r.submitted_at),
                },
              ]
            : [],
        ),
      };
    } catch (error) {
      throw failure(`read the reviews of the pull request from ${head}`, error, "pull_requests: write");
    }
  }

  async reviewComments(
    ref: RepoRef,
    pull: number,
    review: number,
  ): Promise<{ path: string; line?: number; body: string }[]> {
    try {
      const comments = await this.#client.paginate(this.#client.rest.pulls.listCommentsForReview, {
        owner: ref.owner,
        repo: ref.repo,
        pull_number: pull,
        review_id: review,
        per_page: 100,
      });
      // `line` is the file's line the comment is on (`original_line` once later commits moved
      // it out of the diff); `position` only counts lines of the diff hunk, which no reader of
      // the file can find.
      return comments.map((c) => {
        const line = c.line ?? c.original_line;
        return { path: c.path, ...(line ? { line } : {}), body: c.body };
      });
    } catch (error) {
      throw failure(
        `read the comments of review ${review} in ${ref.owner}/${ref.repo}`,
        error,
        "pull_requests: write",
      );
    }
  }

  async react(ref: RepoRef, commentId: number, content: "eyes" | "+1" | "-1" | "confused"): Promise<void> {
    try {
      await this.#client.rest.reactions.createForIssueComment({
        owner: ref.owner,
        repo: ref.repo,
        comment_id: commentId,
        content,
      });
    } catch (error) {
      // GitHub answers 200 for a reaction that exists; some versions answer 422 "already exists".
      if (statusOf(error) === 422 && /already exists/i.test(messageOf(error))) return;
      throw failure(
        `react ${content} to comment ${commentId} in ${ref.owner}/${ref.repo}`,
        error,
        "issues: write",
      );
    }
  }
}

/** A comment body capped at GitHub's limit, with a note when cut. */
export function capComment(body: string, note = TRUNCATED): string {
  return truncate(body, COMMENT_LIMIT, note);
}
