import { failure, statusOf } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { RepoRef, RunJob, RunsPort, WorkflowRunFacts } from "./ports.ts";

/** `createdAt` from GitHub's timestamp, left out when it does not parse. */
function createdAtOf(text: string | undefined): { createdAt?: number } {
  const at = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(at) ? {} : { createdAt: at };
}

/** Reads workflow runs and their jobs (what a task's lost job webhook would have said). */
export class Runs implements RunsPort {
  readonly #client: GitHubClient;

  constructor(client: GitHubClient) {
    this.#client = client;
  }

  async run(ref: RepoRef, id: number): Promise<WorkflowRunFacts> {
    try {
      const { data } = await this.#client.rest.actions.getWorkflowRun({
        owner: ref.owner,
        repo: ref.repo,
        run_id: id,
      });
      return {
        status: data.status ?? "unknown",
        conclusion: data.conclusion ?? null,
        event: data.event,
        path: data.path,
        workflowId: data.workflow_id,
        ...createdAtOf(data.created_at),
        ...(data.head_repository?.full_name
          ? { repository: data.head_repository.full_name.toLowerCase() }
          : {}),
      };
    } catch (error) {
      throw failure(`read workflow run ${id} of ${ref.owner}/${ref.repo}`, error, "actions: write");
    }
  }

  async dispatched(
    ref: RepoRef,
    branch: string,
    since: number,
  ): Promise<(WorkflowRunFacts & { id: number })[]> {
    try {
      // Newest first: pages stop at the first run older than `since`. (The `created` filter's
      // range syntax is not what the API description says it takes, so it is not used.)
      const runs = await this.#client.paginate(
        this.#client.rest.actions.listWorkflowRunsForRepo,
        { owner: ref.owner, repo: ref.repo, branch, event: "workflow_dispatch", per_page: 100 },
        (response, done) => {
          const page = response.data.filter((r) => Date.parse(r.created_at) >= since);
          if (page.length < response.data.length) done();
          return page;
        },
      );
      return runs.map((r) => ({
        id: r.id,
        status: r.status ?? "unknown",
        conclusion: r.conclusion ?? null,
        event: r.event,
        path: r.path,
        workflowId: r.workflow_id,
        ...createdAtOf(r.created_at),
        ...(r.head_repository?.full_name ? { repository: r.head_repository.full_name.toLowerCase() } : {}),
      }));
    } catch (error) {
      throw failure(
        `list the workflow runs on ${branch} of ${ref.owner}/${ref.repo}`,
        error,
        "actions: write",
      );
    }
  }

  async cancel(ref: RepoRef, id: number): Promise<boolean> {
    try {
      await this.#client.rest.actions.cancelWorkflowRun({ owner: ref.owner, repo: ref.repo, run_id: id });
      return true;
    } catch (error) {
      // "Cannot cancel a workflow run that is completed."
      if (statusOf(error) === 409) return false;
      throw failure(`cancel workflow run ${id} of ${ref.owner}/${ref.repo}`, error, "actions: write");
    }
  }

  async jobs(ref: RepoRef, id: number): Promise<RunJob[]> {
    try {
      const jobs = await this.#client.paginate(this.#client.rest.actions.listJobsForWorkflowRun, {
        owner: ref.owner,
        repo: ref.repo,
        run_id: id,
        filter: "latest",
        per_page: 100,
      });
      return jobs.map((j) => {
        const started = j.started_at ? Date.parse(j.started_at) : Number.NaN;
        return {
          name: j.name,
          status: j.status,
          conclusion: j.conclusion ?? null,
          ...(Number.isNaN(started) ? {} : { startedAt: started }),
        };
      });
    } catch (error) {
      throw failure(
        `list the jobs of workflow run ${id} of ${ref.owner}/${ref.repo}`,
        error,
        "actions: write",
      );
    }
  }
}
