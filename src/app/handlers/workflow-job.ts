import type { Context } from "probot";
import type { AppHost } from "../host.ts";

/** Job names the agents workflow gives each task: `<task>#<attempt> (issue <n>)`. */
export const JOB_NAME = /^(?<task>.+)#(?<attempt>\d+) \(issue (?<issue>\d+)\)$/;

/** `workflow_job.completed`: a task job ended; without a result record it failed. */
export function onWorkflowJobCompleted(host: AppHost) {
  return async (context: Context<"workflow_job.completed">): Promise<void> => {
    const { payload } = context;
    const match = JOB_NAME.exec(payload.workflow_job.name);
    if (!match?.groups || !payload.installation) return;
    const { owner, repo } = context.repo();
    void host.enqueue(
      payload.installation.id,
      { owner, repo, issue: Number(match.groups.issue) },
      {
        kind: "job_completed",
        delivery: context.id,
        task: match.groups.task!,
        attempt: Number(match.groups.attempt),
        conclusion: payload.workflow_job.conclusion ?? "unknown",
      },
    );
  };
}
