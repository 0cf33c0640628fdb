import type { Probot } from "probot";
import { onIssueLabeled } from "./handlers/issues-labeled.ts";
import { onRepositoryDispatch } from "./handlers/repository-dispatch.ts";
import { onWorkflowJobCompleted } from "./handlers/workflow-job.ts";
import { AppHost, type AppOptions } from "./host.ts";

/**
 * The Probot app: one small handler per webhook, each turning the payload into a trigger for the
 * execution it concerns and queueing it. Returns the host (tests wait on `host.queue.idle()`).
 */
export function orchestrateApp(options: AppOptions = {}) {
  let host!: AppHost;
  const app = (probot: Probot) => {
    host = new AppHost(probot, options);
    probot.on("issues.labeled", onIssueLabeled(host));
    probot.on("repository_dispatch", onRepositoryDispatch(host));
    probot.on("workflow_job.completed", onWorkflowJobCompleted(host));
  };
  return { app, host: () => host };
}
