import { failure } from "../github/errors.ts";
import type { GitHubClient } from "../github/octokit.ts";
import type { RepoRef } from "../github/ports.ts";
import { JOB_NAME, type RoutedTrigger } from "../github/webhook-triggers.ts";

/**
 * Workflows cannot be triggered by `workflow_job`; they can by `workflow_run`. For a completed run
 * of the agents workflow, this lists the run's jobs and turns each finished task job
 * (`<task>#<attempt> (issue <n>)`, optionally behind a caller's `<job> / ` prefix) into the
 * `job_completed` trigger the app gets from `workflow_job.completed`, so a job that ended without
 * a result record still counts as a failed attempt.
 */
export async function workflowRunTriggers(
  client: GitHubClient,
  repo: RepoRef,
  payload: Record<string, unknown>,
  delivery: string,
): Promise<RoutedTrigger[]> {
  const run = payload.workflow_run as { id?: number; status?: string } | undefined;
  if (payload.action !== "completed" || typeof run?.id !== "number") return [];
  let jobs: { name: string; status: string; conclusion: string | null }[];
  try {
    jobs = await client.paginate(client.rest.actions.listJobsForWorkflowRun, {
      owner: repo.owner,
      repo: repo.repo,
      run_id: run.id,
      filter: "latest",
      per_page: 100,
    });
  } catch (error) {
    throw failure(`list the jobs of workflow run ${run.id}`, error, "actions: write");
  }
  const out: RoutedTrigger[] = [];
  for (const job of jobs) {
    if (job.status !== "completed") continue;
    const name = job.name.replace(/^[^/]*? \/ /, "");
    const groups = JOB_NAME.exec(name)?.groups;
    if (!groups?.task) continue;
    out.push({
      ref: { ...repo, issue: Number(groups.issue) },
      trigger: {
        kind: "job_completed",
        delivery,
        task: groups.task,
        attempt: Number(groups.attempt),
        conclusion: job.conclusion ?? "unknown",
      },
    });
  }
  return out;
}
