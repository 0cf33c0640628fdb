import { failure } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { DispatchPort, ExecutionRef } from "./ports.ts";

/** GitHub's limit on the inputs of a workflow dispatch. */
export const MAX_DISPATCH_INPUTS = 25;

/**
 * Starts a workflow with `workflow_dispatch` on `branch`. Sent exactly once: a failure (even a
 * 5xx, after which the run may or may not exist) is reported, never repeated blindly.
 */
export class Dispatch implements DispatchPort {
  readonly #client: GitHubClient;

  constructor(client: GitHubClient) {
    this.#client = client;
  }

  async dispatch(
    ref: ExecutionRef,
    workflow: string,
    branch: string,
    inputs: Record<string, string>,
  ): Promise<void> {
    const what = `dispatch workflow ${workflow} on ${branch} in ${ref.owner}/${ref.repo} for #${ref.issue}`;
    const count = Object.keys(inputs).length;
    if (count > MAX_DISPATCH_INPUTS) {
      throw failure(
        what,
        new Error(`${count} inputs; GitHub accepts at most ${MAX_DISPATCH_INPUTS}`),
        "actions: write",
      );
    }
    try {
      await this.#client.rest.actions.createWorkflowDispatch({
        owner: ref.owner,
        repo: ref.repo,
        workflow_id: workflow,
        ref: branch,
        inputs: Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, String(value)])),
        request: { retries: 0 },
      });
    } catch (error) {
      throw failure(what, error, "actions: write");
    }
  }
}
