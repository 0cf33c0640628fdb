import { type ChecksOptions, checkFields } from "./checks.ts";
import { dashboardBody } from "./dashboard.ts";
import { graphqlErrors, RateLimitError } from "./errors.ts";
import { NodeIds } from "./node-ids.ts";
import type { GitHubClient } from "./octokit.ts";
import type { ExecutionRef, StatusPort, StatusUpdate } from "./ports.ts";

/** A REST check run request's fields as GraphQL's `UpdateCheckRunInput` (enums in capitals). */
function checkRunInput(repositoryId: string, checkRunId: string, fields: ReturnType<typeof checkFields>) {
  return {
    repositoryId,
    checkRunId,
    name: fields.name,
    externalId: fields.external_id,
    status: fields.status.toUpperCase(),
    ...(fields.conclusion !== undefined
      ? { conclusion: fields.conclusion.toUpperCase(), completedAt: fields.completed_at }
      : {}),
    output: fields.output,
    ...(fields.actions ? { actions: fields.actions } : {}),
  };
}

/**
 * Sends the dashboard edit and the check run updates of one step in a single GraphQL mutation,
 * one aliased field each, for the objects whose node ids are known (learnt from earlier REST
 * answers). What could not go this way — an unknown id, a field GitHub refused — is reported back
 * for the caller to send one by one, so nothing is lost.
 */
export class StatusUpdates implements StatusPort {
  readonly #client: GitHubClient;
  readonly #ids: NodeIds;
  readonly #now: () => Date;

  constructor(client: GitHubClient, ids: NodeIds = new NodeIds(), options: ChecksOptions = {}) {
    this.#client = client;
    this.#ids = ids;
    this.#now = options.now ?? (() => new Date());
  }

  async send(ref: ExecutionRef, update: StatusUpdate): Promise<{ dashboard: boolean; checks: boolean[] }> {
    const declared: string[] = [];
    const fields: string[] = [];
    const variables: Record<string, unknown> = {};
    const commentId =
      update.dashboard === undefined ? undefined : this.#ids.comment(ref, update.dashboard.id);
    if (update.dashboard && commentId) {
      declared.push("$d: UpdateIssueCommentInput!");
      fields.push("d: updateIssueComment(input: $d) { issueComment { id } }");
      variables.d = { id: commentId, body: dashboardBody(update.dashboard.body) };
    }
    const repositoryId = this.#ids.repository(ref);
    const now = this.#now();
    update.checks.forEach((c, i) => {
      const checkRunId = this.#ids.checkRun(ref, c.id);
      if (!repositoryId || !checkRunId) return;
      declared.push(`$c${i}: UpdateCheckRunInput!`);
      fields.push(`c${i}: updateCheckRun(input: $c${i}) { checkRun { id } }`);
      variables[`c${i}`] = checkRunInput(repositoryId, checkRunId, checkFields(ref, c.check, now));
    });
    const none = { dashboard: false, checks: update.checks.map(() => false) };
    if (fields.length === 0) return none;
    let data: Record<string, unknown> | null | undefined;
    try {
      data = await this.#client.graphql<Record<string, unknown>>(
        `mutation(${declared.join(", ")}) { ${fields.join(" ")} }`,
        variables,
      );
    } catch (error) {
      // A rate limit is reported as it is; anything else leaves the edits to the REST path (which
      // retries a 5xx): GraphQL errors name the fields that failed, the others are in `data`.
      if (error instanceof RateLimitError) throw error;
      data =
        graphqlErrors(error).length > 0 ? (error as { data?: Record<string, unknown> | null }).data : null;
    }
    return {
      dashboard: "d" in variables && Boolean(data?.d),
      checks: update.checks.map((_, i) => `c${i}` in variables && Boolean(data?.[`c${i}`])),
    };
  }
}
