import type { MergeCommit } from "../core/render/pull-request.ts";
import {
  failure,
  GitHubError,
  graphqlErrors,
  guarded,
  isRateLimited,
  isUnclear,
  messageOf,
  statusOf,
} from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { CiVerdict, DeliveryPort, ExecutionRef, PullNow, RepoRef } from "./ports.ts";

/** Check runs Orchestrate creates for its phases do not count as CI. */
const OWN_CHECK = /^orchestrate \/ /;
const FAILED = new Set([
  "failure",
  "timed_out",
  "cancelled",
  "action_required",
  "startup_failure",
  "stale",
  "error",
]);

/**
 * GitHub's answers to enabling auto-merge where it has nothing to wait for: the repository does
 * not allow it, or the pull request can be merged right now.
 */
const MERGE_DIRECTLY = /auto.?merge is not allowed|is in (clean|unstable|has_hooks) status/i;

/**
 * Whether a failure may pass by itself: no answer, GitHub failing, a rate limit. Anything else is
 * GitHub refusing what was asked, which it does again until a person changes something.
 */
export function mayPass(error: unknown): boolean {
  const cause = error instanceof GitHubError && error.cause !== undefined ? error.cause : error;
  const graphql = graphqlErrors(cause);
  if (graphql.length > 0)
    return graphql.some(
      (e) => e.type === "RATE_LIMITED" || /rate limit|something went wrong|timed? ?out/i.test(e.message),
    );
  return isUnclear(cause) || isRateLimited(cause);
}

/** Whether GitHub refused a request for want of a permission. */
function forbidden(error: unknown): boolean {
  const graphql = graphqlErrors(error);
  if (graphql.length > 0)
    return graphql.some(
      (e) => e.type === "FORBIDDEN" || /not accessible by integration|permission|forbidden/i.test(e.message),
    );
  const status = statusOf(error);
  return (status === 401 || status === 403) && !isRateLimited(error);
}

/** GitHub's answers to turning auto-merge off when it is no longer on: not enabled, merged, closed. */
const NOTHING_TO_DISABLE = /auto-?merge is not enabled|already merged|is closed/i;

function repoOf(ref: RepoRef) {
  return { owner: ref.owner, repo: ref.repo };
}

/**
 * Whether a deployment's payload carries the mark Orchestrate gives the deployments of one
 * execution (`started`: when it started, or when a retry last resumed its delivery).
 */
function isMarked(payload: unknown, mark: { issue: number; started: number }): boolean {
  const ours = (payload as { orchestrate?: { issue?: unknown; started?: unknown } } | null)?.orchestrate;
  return ours?.issue === mark.issue && ours.started === mark.started;
}

/** Delivery over the REST API: pulls, check runs and statuses, branch protection, deployments. */
export class Delivery implements DeliveryPort {
  readonly #client: GitHubClient;

  constructor(client: GitHubClient) {
    this.#client = client;
  }

  async ensurePull(
    ref: ExecutionRef,
    pull: { head: string; base: string; title: string; body: string; draft: boolean },
  ) {
    const { rest } = this.#client;
    try {
      const { data: open } = await rest.pulls.list({
        ...repoOf(ref),
        head: `${ref.owner}:${pull.head}`,
        state: "open",
        per_page: 1,
      });
      const found = open[0];
      if (found) {
        const { data } = await rest.pulls.update({
          ...repoOf(ref),
          pull_number: found.number,
          title: pull.title,
          body: pull.body,
        });
        return { number: data.number, sha: data.head.sha, nodeId: data.node_id, draft: data.draft === true };
      }
      const { data } = await rest.pulls.create({
        ...repoOf(ref),
        head: pull.head,
        base: pull.base,
        title: pull.title,
        body: pull.body,
        draft: pull.draft,
        request: { retries: 0 },
      });
      return { number: data.number, sha: data.head.sha, nodeId: data.node_id, draft: data.draft === true };
    } catch (error) {
      throw failure(`open the pull request from ${pull.head}`, error, "pull_requests: write");
    }
  }

  async ci(ref: RepoRef, sha: string, base: string, settled = false): Promise<CiVerdict> {
    const { rest } = this.#client;
    try {
      const required = await this.#required(ref, base);
      const runs = await this.#client.paginate(rest.checks.listForRef, {
        ...repoOf(ref),
        ref: sha,
        filter: "latest",
        per_page: 100,
      });
      const { data: combined } = await rest.repos.getCombinedStatusForRef({
        ...repoOf(ref),
        ref: sha,
        per_page: 100,
      });
      const results = new Map<string, { done: boolean; ok: boolean; summary: string; queued?: boolean }>();
      for (const run of runs) {
        // Our own check runs are not CI, unless branch protection requires one (the summary).
        if (OWN_CHECK.test(run.name) && !required?.has(run.name)) continue;
        const done = run.status === "completed";
        results.set(run.name, {
          done,
          ok: done && !FAILED.has(run.conclusion ?? ""),
          summary: run.output?.title ?? run.conclusion ?? "",
          queued: !done && run.status !== "in_progress",
        });
      }
      for (const status of combined.statuses) {
        results.set(status.context, {
          done: status.state !== "pending",
          ok: status.state === "success",
          summary: status.description ?? status.state,
        });
      }
      const counted = required
        ? [...required].map((name) => [name, results.get(name)] as const)
        : [...results.entries()];
      const failing = counted
        .filter(([, r]) => r?.done && !r.ok)
        .map(([name, r]) => ({ name, summary: r!.summary }));
      const missing = counted.filter(([, r]) => r === undefined).map(([name]) => name);
      const queued = counted.filter(([, r]) => r?.queued).map(([name]) => name);
      if (failing.length > 0) return { state: "failure", failing, missing, queued };
      const pending =
        counted.some(([, r]) => !r?.done) || (required === undefined && results.size === 0 && !settled);
      return { state: pending ? "pending" : "success", failing: [], missing, queued };
    } catch (error) {
      throw failure(`read the checks of ${sha.slice(0, 7)}`, error, "checks: write");
    }
  }

  /** Names of the checks branch protection requires on `base`, or undefined when unprotected. */
  async #required(ref: RepoRef, base: string): Promise<Set<string> | undefined> {
    try {
      const { data } = await this.#client.rest.repos.getStatusChecksProtection({
        ...repoOf(ref),
        branch: base,
      });
      const names = [...(data.contexts ?? []), ...(data.checks ?? []).map((c) => c.context)];
      return new Set(names);
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 403) return undefined;
      throw error;
    }
  }

  /**
   * Merges `pull` at `sha`. `commit`: the merge (or squash) commit's title and message; without
   * it, GitHub picks them (the pull request's title and body, or the branch's commit messages). A
   * rebase makes no commit of its own: it is not sent then.
   */
  async merge(
    ref: RepoRef,
    pull: number,
    sha: string,
    method: "squash" | "merge" | "rebase",
    commit?: MergeCommit,
  ) {
    try {
      const { data } = await this.#client.rest.pulls.merge({
        ...repoOf(ref),
        pull_number: pull,
        sha,
        merge_method: method,
        ...(commit && method !== "rebase"
          ? { commit_title: commit.title, commit_message: commit.message }
          : {}),
        request: { retries: 0 },
      });
      return { merged: true as const, sha: data.sha };
    } catch (error) {
      const status = statusOf(error);
      const reason = messageOf(error);
      // 409: the head is no longer `sha` (someone pushed): its checks are read again.
      if (status === 409) return { merged: false as const, conflict: false, moved: true, reason };
      // 405: cannot be merged — a conflict with the base (GitHub says `dirty`), or not yet
      // (checks or reviews pending, a merge queue).
      if (status === 405) {
        const conflict = await this.#conflicts(ref, pull).catch(() => /conflict/i.test(reason));
        return { merged: false as const, conflict, reason };
      }
      throw failure(`merge #${pull}`, error, "contents: write");
    }
  }

  /** Whether the pull request conflicts with its base, as GitHub computed it. */
  async #conflicts(ref: RepoRef, pull: number): Promise<boolean> {
    const { data } = await this.#client.rest.pulls.get({ ...repoOf(ref), pull_number: pull });
    return data.mergeable_state === "dirty";
  }

  async markReady(ref: RepoRef, nodeId: string): Promise<void> {
    try {
      await this.#client.graphql(
        "mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }",
        { id: nodeId },
      );
    } catch (error) {
      throw failure(
        `mark the pull request of ${ref.owner}/${ref.repo} ready for review`,
        error,
        "pull_requests: write",
      );
    }
  }

  /** Turns auto-merge on; `commit` as for `merge` (GitHub's merge queue, when there is one, ignores it). */
  async autoMerge(
    ref: RepoRef,
    nodeId: string,
    method: "squash" | "merge" | "rebase",
    commit?: MergeCommit,
  ): Promise<boolean> {
    const said = commit && method !== "rebase";
    try {
      await this.#client.graphql(
        said
          ? "mutation($id: ID!, $mergeMethod: PullRequestMergeMethod!, $headline: String!, $body: String!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod, commitHeadline: $headline, commitBody: $body }) { pullRequest { autoMergeRequest { enabledAt } } } }"
          : "mutation($id: ID!, $mergeMethod: PullRequestMergeMethod!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod }) { pullRequest { autoMergeRequest { enabledAt } } } }",
        {
          id: nodeId,
          mergeMethod: method.toUpperCase(),
          ...(said ? { headline: commit.title, body: commit.message } : {}),
        },
      );
      return true;
    } catch (error) {
      // GitHub refuses it when the repository does not allow auto-merge, and when the pull request
      // can be merged right now ("Pull request is in clean status"; `unstable`: a check branch
      // protection does not require failed; `has_hooks`): it is merged directly then. Any other
      // refusal is left to the merge, which merges or says why not (405: not mergeable yet); a
      // missing permission, a rate limit or GitHub failing would refuse the merge too.
      if (MERGE_DIRECTLY.test(messageOf(error)) || !(forbidden(error) || mayPass(error))) return false;
      throw failure(`enable auto-merge in ${ref.owner}/${ref.repo}`, error, "pull_requests: write");
    }
  }

  async merged(ref: RepoRef, pull: number): Promise<PullNow> {
    try {
      const { data } = await this.#client.rest.pulls.get({ ...repoOf(ref), pull_number: pull });
      if (data.merged && data.merge_commit_sha) return { merged: true, sha: data.merge_commit_sha };
      if (data.state === "closed") return { merged: false, closed: true };
      return {
        merged: false,
        head: data.head.sha,
        autoMerge: data.auto_merge !== null,
        nodeId: data.node_id,
      };
    } catch (error) {
      throw failure(`read #${pull}`, error, "pull_requests: write");
    }
  }

  async autoMergeWaits(ref: RepoRef, nodeId: string): Promise<boolean> {
    try {
      const data = await this.#client.graphql<{
        node: { isInMergeQueue?: boolean; autoMergeRequest?: { enabledAt: string | null } | null } | null;
      }>(
        "query($id: ID!) { node(id: $id) { ... on PullRequest { isInMergeQueue autoMergeRequest { enabledAt } } } }",
        { id: nodeId },
      );
      return data.node?.isInMergeQueue === true || (data.node?.autoMergeRequest ?? null) !== null;
    } catch (error) {
      throw failure(
        `read the auto-merge of a pull request in ${ref.owner}/${ref.repo}`,
        error,
        "pull_requests: write",
      );
    }
  }

  async disableAutoMerge(ref: RepoRef, pull: number): Promise<void> {
    const operation = `turn auto-merge off for #${pull}`;
    /** The pull request's node id while it is open with auto-merge on, else undefined. */
    const stillOn = async () => {
      const { data } = await this.#client.rest.pulls.get({ ...repoOf(ref), pull_number: pull });
      return data.auto_merge && data.state === "open" ? data.node_id : undefined;
    };
    const nodeId = await guarded(operation, "pull_requests: write", stillOn);
    if (nodeId === undefined) return;
    try {
      await this.#client.graphql(
        "mutation($id: ID!) { disablePullRequestAutoMerge(input: { pullRequestId: $id }) { pullRequest { number } } }",
        { id: nodeId },
      );
    } catch (error) {
      // Merged, closed or turned off since it was read: there is nothing left to turn off. Other
      // refusals ("Can't disable auto-merge for this pull request") are checked by reading it again.
      if (NOTHING_TO_DISABLE.test(messageOf(error))) return;
      if ((await stillOn().catch(() => nodeId)) === undefined) return;
      throw failure(operation, error, "pull_requests: write");
    }
  }

  async deploymentState(ref: RepoRef, deployment: number) {
    try {
      const { data } = await this.#client.rest.repos.listDeploymentStatuses({
        ...repoOf(ref),
        deployment_id: deployment,
        per_page: 1,
      });
      const latest = data[0];
      return latest
        ? { state: latest.state, ...(latest.description ? { description: latest.description } : {}) }
        : undefined;
    } catch (error) {
      throw failure(`read the statuses of deployment ${deployment}`, error, "deployments: write");
    }
  }

  async deploy(
    ref: ExecutionRef,
    deployment: { sha: string; environment: string; production: boolean; started: number },
  ): Promise<number> {
    const { sha, environment, production, started } = deployment;
    const mark = { issue: ref.issue, started };
    try {
      const earlier = await this.#marked(ref, sha, environment, mark);
      if (earlier.length > 0) return await this.#keepOldest(ref, earlier, earlier);
      const { data } = await this.#client.rest.repos.createDeployment({
        ...repoOf(ref),
        ref: sha,
        environment,
        auto_merge: false,
        required_contexts: [],
        production_environment: production,
        description: `Orchestrate delivery of #${ref.issue}`,
        payload: { orchestrate: mark },
        request: { retries: 0 },
      });
      if (!("id" in data)) throw new Error(data.message ?? "GitHub did not create the deployment");
      // Another process (a second run of the same step) may have created one too between the
      // look-up and the creation: listed again, the oldest is the one both keep, and the process
      // that made a younger one retires it.
      const created = Number(data.id);
      const now = await this.#marked(ref, sha, environment, mark);
      return await this.#keepOldest(ref, [...now, created], [created]);
    } catch (error) {
      throw failure(`create a deployment to ${environment}`, error, "deployments: write");
    }
  }

  /** Ids of the deployments of `sha` to `environment` carrying this execution's mark. */
  async #marked(
    ref: RepoRef,
    sha: string,
    environment: string,
    mark: { issue: number; started: number },
  ): Promise<number[]> {
    const { data } = await this.#client.rest.repos.listDeployments({
      ...repoOf(ref),
      sha,
      environment,
      per_page: 100,
    });
    return data.filter((d) => isMarked(d.payload, mark)).map((d) => Number(d.id));
  }

  /**
   * The oldest of one execution's deployments `ids` (lowest id: created first) is its deployment;
   * those of `retire` that are not are duplicates of it, marked `inactive` so that nothing takes
   * them for live ones.
   */
  async #keepOldest(ref: RepoRef, ids: number[], retire: number[]): Promise<number> {
    const kept = Math.min(...ids);
    for (const id of new Set(retire)) {
      if (id === kept) continue;
      await this.#client.rest.repos.createDeploymentStatus({
        ...repoOf(ref),
        deployment_id: id,
        state: "inactive",
        description: `Duplicate of deployment ${kept}`,
      });
    }
    return kept;
  }

  async closeIssue(ref: ExecutionRef): Promise<void> {
    try {
      await this.#client.rest.issues.update({
        ...repoOf(ref),
        issue_number: ref.issue,
        state: "closed",
        state_reason: "completed",
      });
    } catch (error) {
      throw failure(`close #${ref.issue}`, error, "issues: write");
    }
  }

  async deleteBranch(ref: RepoRef, branch: string): Promise<void> {
    try {
      await this.#client.rest.git.deleteRef({ ...repoOf(ref), ref: `heads/${branch}` });
    } catch (error) {
      if (statusOf(error) === 422 || statusOf(error) === 404) return;
      throw failure(`delete branch ${branch}`, error, "contents: write");
    }
  }

  /**
   * Only runs started by `workflow_dispatch`, as the agents workflow's are: CI the repository runs
   * on the pull request is its own (a delivery taken up again reads its verdict). Every run is
   * tried: a run that ended between the listing and its cancelling (409) is not an error, and one
   * refused does not keep the others running; the refusals are thrown together at the end.
   */
  async cancelRuns(ref: RepoRef, branch: string): Promise<number> {
    let cancelled = 0;
    const refused: Error[] = [];
    for (const status of ["in_progress", "queued"] as const) {
      let runs: { id: number }[];
      try {
        const { data } = await this.#client.rest.actions.listWorkflowRunsForRepo({
          ...repoOf(ref),
          branch,
          status,
          event: "workflow_dispatch",
          per_page: 100,
        });
        runs = data.workflow_runs;
      } catch (error) {
        refused.push(failure(`list the ${status} workflow runs on ${branch}`, error, "actions: write"));
        continue;
      }
      for (const run of runs) {
        try {
          await this.#client.rest.actions.cancelWorkflowRun({ ...repoOf(ref), run_id: run.id });
          cancelled++;
        } catch (error) {
          // "Cannot cancel a workflow run that is completed": it already ended.
          if (statusOf(error) === 409) continue;
          refused.push(failure(`cancel workflow run ${run.id} on ${branch}`, error, "actions: write"));
        }
      }
    }
    if (refused.length === 1) throw refused[0]!;
    if (refused.length > 1) {
      const operation = `cancel workflow runs on ${branch}`;
      throw new GitHubError(
        operation,
        `GitHub: ${operation}: ${refused.length} requests failed (${cancelled} run${cancelled === 1 ? "" : "s"} cancelled):\n${refused.map((e) => `- ${e.message}`).join("\n")}`,
        statusOf(refused[0]),
        new AggregateError(refused),
      );
    }
    return cancelled;
  }
}
