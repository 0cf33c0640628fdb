import { Branches } from "./branches.ts";
import { Checks, type ChecksOptions } from "./checks.ts";
import { Comments } from "./comments.ts";
import { Contents } from "./contents.ts";
import { Dashboard } from "./dashboard.ts";
import { Delivery } from "./delivery.ts";
import { Dispatch } from "./dispatch.ts";
import { Labels } from "./labels.ts";
import { NodeIds } from "./node-ids.ts";
import type { GitHubClient } from "./octokit.ts";
import { Permissions } from "./permissions.ts";
import type { GitHubPorts } from "./ports.ts";
import { Runs } from "./runs.ts";
import { StateStore, type StateStoreOptions } from "./state-store.ts";
import { StatusUpdates } from "./status-updates.ts";

export { Branches } from "./branches.ts";
export {
  CHECK_LIMITS,
  Checks,
  type ChecksOptions,
  checkExternalId,
  checkFields,
  checkName,
} from "./checks.ts";
export { COMMENT_LIMIT, Comments, capComment } from "./comments.ts";
export { Contents } from "./contents.ts";
export { DASHBOARD_MARKER, Dashboard, dashboardBody } from "./dashboard.ts";
export { Delivery } from "./delivery.ts";
export { Dispatch, MAX_DISPATCH_INPUTS } from "./dispatch.ts";
export { GitHubError, InstallationTokenError, RateLimitError } from "./errors.ts";
export { ESCALATED_LABEL, escalatedPhases, Labels } from "./labels.ts";
export { NodeIds } from "./node-ids.ts";
export {
  type CreateOctokitOptions,
  clientOptions,
  createOctokit,
  createTestOctokit,
  DO_NOT_RETRY,
  type GitHubClient,
  isRetryable,
  OrchestrateOctokit,
  type RateLimitInfo,
  requestGuardrails,
} from "./octokit.ts";
export { executionPaths } from "./parse-stored.ts";
export { Permissions } from "./permissions.ts";
export * from "./ports.ts";
export { Runs } from "./runs.ts";
export { StateStore, type StateStoreOptions } from "./state-store.ts";
export { StatusUpdates } from "./status-updates.ts";

/** Options of the ports that take any. */
export interface GitHubPortsOptions {
  store?: StateStoreOptions;
  checks?: ChecksOptions;
  /** Logins besides bots whose marked comment is the dashboard (the user of a personal token). */
  dashboardAuthors?: string[];
}

/**
 * Every GitHub port over one client. The state store caches what it read by commit sha: keep one
 * bundle per client (per installation) for as long as the process lives, rather than one per event.
 */
export function githubPorts(client: GitHubClient, options: GitHubPortsOptions = {}): GitHubPorts {
  // GraphQL node ids learnt from REST answers, so that updates can be sent together.
  const ids = new NodeIds();
  return {
    store: new StateStore(client, options.store),
    dashboard: new Dashboard(client, ids, options.dashboardAuthors),
    comments: new Comments(client),
    checks: new Checks(client, { ...options.checks, ids }),
    status: new StatusUpdates(client, ids, options.checks),
    branches: new Branches(client, ids),
    dispatch: new Dispatch(client),
    runs: new Runs(client),
    contents: new Contents(client, ids),
    permissions: new Permissions(client),
    labels: new Labels(client),
    delivery: new Delivery(client),
  };
}
