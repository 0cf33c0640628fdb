import { failure, messageOf, statusOf } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { DispatchedRun, DispatchPort, ExecutionRef } from "./ports.ts";

/** GitHub's limit on the inputs of a workflow dispatch. */
export const MAX_DISPATCH_INPUTS = 25;

/**
 * Starts a workflow with `workflow_dispatch` on `branch`. Sent exactly once: a failure (even a
 * 5xx, after which the run may or may not exist) is reported, never repeated blindly. Asks for
 * the run it started (`return_run_details`), so the run can be looked at when its jobs' webhooks
 * are lost; a GitHub that does not know that parameter refuses it with 422 (nothing started), and
 * the dispatch is sent again without it.
 */
export class Dispatch implements DispatchPort {
  readonly #client: GitHubClient;
  /** Set once GitHub refused `return_run_details` (an older GitHub Enterprise Server): not asked again. */
  #noRunDetails = false;

  constructor(client: GitHubClient) {
    this.#client = client;
  }

  async dispatch(
    ref: ExecutionRef,
    workflow: string,
    branch: string,
    inputs: Record<string, string>,
  ): Promise<DispatchedRun | undefined> {
    const what = `dispatch workflow ${workflow} on ${branch} in ${ref.owner}/${ref.repo} for #${ref.issue}`;
    const count = Object.keys(inputs).length;
    if (count > MAX_DISPATCH_INPUTS) {
      throw failure(
        what,
        new Error(`${count} inputs; GitHub accepts at most ${MAX_DISPATCH_INPUTS}`),
        "actions: write",
      );
    }
    const send = (details: boolean) =>
      this.#client.rest.actions.createWorkflowDispatch({
        owner: ref.owner,
        repo: ref.repo,
        workflow_id: workflow,
        ref: branch,
        inputs: Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, String(value)])),
        ...(details ? { return_run_details: true } : {}),
        request: { retries: 0 },
      });
    try {
      let answer: Awaited<ReturnType<typeof send>>;
      try {
        answer = await send(!this.#noRunDetails);
      } catch (error) {
        if (this.#noRunDetails || statusOf(error) !== 422 || !/return_run_details/.test(messageOf(error)))
          throw error;
        this.#noRunDetails = true;
        answer = await send(false);
      }
      const data = answer.data as { workflow_run_id?: unknown; html_url?: unknown } | undefined;
      if (typeof data?.workflow_run_id !== "number") return undefined;
      return {
        id: data.workflow_run_id,
        ...(typeof data.html_url === "string" ? { url: data.html_url } : {}),
      };
    } catch (error) {
      throw failure(what, error, "actions: write");
    }
  }
}
