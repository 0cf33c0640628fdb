/** Webhooks the app listens to; each becomes triggers for the executions it concerns. */
export const APP_EVENTS = [
  "issues.labeled",
  "issues.unlabeled",
  "issues.closed",
  "issue_comment.created",
  "pull_request_review.submitted",
  "check_run.requested_action",
  "repository_dispatch",
  "workflow_job.in_progress",
  "workflow_job.completed",
  "check_suite.completed",
  "workflow_run.completed",
  "status",
  "pull_request.closed",
  "deployment_status",
] as const;

/**
 * An installation removed or suspended: its executions are no longer reconciled. GitHub sends
 * `installation` events to every app, whatever it subscribes to.
 */
export const INSTALLATION_GONE_EVENTS = ["installation.deleted", "installation.suspend"] as const;

/**
 * An installation back (unsuspended, installed again) or given more repositories: executions
 * left on those repositories' state branches are looked for and reconciled, as at a start.
 */
export const INSTALLATION_BACK_EVENTS = [
  "installation.created",
  "installation.unsuspend",
  "installation_repositories.added",
] as const;

const HANDLED = new Set<string>([...APP_EVENTS, ...INSTALLATION_GONE_EVENTS, ...INSTALLATION_BACK_EVENTS]);

/** Whether the app handles a webhook (`issues` with action `labeled`, say). */
export function handlesEvent(event: string, action: string | undefined): boolean {
  return HANDLED.has(event) || (action !== undefined && HANDLED.has(`${event}.${action}`));
}
