import { failure } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { RepoRef } from "./ports.ts";
import { type ResultDispatch, ResultDispatchSchema } from "./result-record.ts";

/** The `repository_dispatch` event type that carries a task result. */
export const RESULT_EVENT = "orchestrate-result";

/**
 * Sends `repository_dispatch` `orchestrate-result` with `{ issue, task, attempt, sha }`: a wake-up
 * for the orchestrator, which then reads the result record at `sha`. Sent once (not idempotent).
 * The commit is the durable result, so a failure here loses nothing the reconcile pass cannot find.
 */
export async function dispatchTaskResult(
  client: GitHubClient,
  repo: RepoRef,
  result: ResultDispatch,
): Promise<void> {
  const payload = ResultDispatchSchema.parse(result);
  try {
    await client.rest.repos.createDispatchEvent({
      owner: repo.owner,
      repo: repo.repo,
      event_type: RESULT_EVENT,
      client_payload: payload,
      request: { retries: 0 },
    });
  } catch (error) {
    throw failure(
      `send ${RESULT_EVENT} for ${result.task} (attempt ${result.attempt}) to ${repo.owner}/${repo.repo}`,
      error,
      "contents: write",
    );
  }
}
