import { describe, expect, it } from "vitest";
import { Delivery } from "../../src/github/delivery.ts";
import { createTestOctokit } from "../../src/github/octokit.ts";
import { type HandlerResult, useGitHubMock } from "../support/github/mock-github.ts";

const gh = useGitHubMock();
const repo = { owner: "o", repo: "r" };
const ref = { ...repo, issue: 12 };
const SHA = "a".repeat(40);
const STARTED = 1_700_000_000_000;

/** GitHub's deployments of the repository, answered newest first as GitHub lists them. */
function deployments(options: { listed?: (n: number) => Promise<void> } = {}) {
  const made: { id: number; sha: string; environment: string; payload: unknown }[] = [];
  const statuses: { deployment: number; state: string; description?: string }[] = [];
  let lists = 0;
  gh.on("GET /repos/{owner}/{repo}/deployments", async ({ query }) => {
    const listing = made
      .filter((d) => d.sha === query.sha && d.environment === query.environment)
      .reverse()
      .map((d) => ({ id: d.id, sha: d.sha, ref: d.sha, environment: d.environment, payload: d.payload }));
    await options.listed?.(++lists);
    return [200, listing];
  });
  gh.on("POST /repos/{owner}/{repo}/deployments", ({ body }) => {
    const b = body as { ref: string; environment: string; payload: unknown };
    const d = { id: 900 + made.length, sha: b.ref, environment: b.environment, payload: b.payload };
    made.push(d);
    return [201, { id: d.id, sha: d.sha, environment: d.environment, payload: d.payload }];
  });
  gh.on("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", ({ params, body }) => {
    const b = body as { state: string; description?: string };
    statuses.push({ deployment: Number(params.deployment_id), ...b });
    return [201, { id: statuses.length, state: b.state }];
  });
  return { made, statuses };
}

const deployment = { sha: SHA, environment: "staging", production: false, started: STARTED };

describe("Delivery.deploy", () => {
  it("creates one deployment marked as the execution's, and finds it again instead of creating another", async () => {
    const { made, statuses } = deployments();
    const delivery = new Delivery(createTestOctokit());
    expect(await delivery.deploy(ref, deployment)).toBe(900);
    expect(made).toEqual([
      {
        id: 900,
        sha: SHA,
        environment: "staging",
        payload: { orchestrate: { issue: 12, started: STARTED } },
      },
    ]);
    expect(await delivery.deploy(ref, deployment)).toBe(900);
    expect(made).toHaveLength(1);
    expect(statuses).toEqual([]);
  });

  it("two processes deploying at once agree on the oldest deployment; the other is marked inactive", async () => {
    // Both look-ups are answered only once both were asked: neither sees the other's deployment.
    let release: () => void = () => {};
    const both = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { made, statuses } = deployments({
      listed: async (n) => {
        if (n === 2) release();
        if (n <= 2) await both;
      },
    });
    const ids = await Promise.all([
      new Delivery(createTestOctokit()).deploy(ref, deployment),
      new Delivery(createTestOctokit()).deploy(ref, deployment),
    ]);
    expect(made.map((d) => d.id)).toEqual([900, 901]);
    expect(ids).toEqual([900, 900]);
    expect(statuses).toEqual([
      { deployment: 901, state: "inactive", description: "Duplicate of deployment 900" },
    ]);
  });

  it("keeps the oldest of duplicates found by the look-up (GitHub lists the newest first)", async () => {
    const { made, statuses } = deployments();
    const payload = { orchestrate: { issue: 12, started: STARTED } };
    made.push(
      { id: 900, sha: SHA, environment: "staging", payload },
      { id: 901, sha: SHA, environment: "staging", payload },
      { id: 902, sha: SHA, environment: "staging", payload: { orchestrate: { issue: 12, started: 1 } } },
    );
    expect(await new Delivery(createTestOctokit()).deploy(ref, deployment)).toBe(900);
    expect(made).toHaveLength(3);
    expect(statuses).toEqual([
      { deployment: 901, state: "inactive", description: "Duplicate of deployment 900" },
    ]);
  });
});

describe("Delivery.cancelRuns", () => {
  /** Runs on the branch by status; `cancel` answers each run's cancelling. */
  function runs(listed: Record<string, number[]>, cancel: (id: number) => HandlerResult) {
    const asked: number[] = [];
    gh.on("GET /repos/{owner}/{repo}/actions/runs", ({ query }) => {
      // Only the runs Orchestrate dispatched: the repository's CI on the branch is left running.
      expect(query.event).toBe("workflow_dispatch");
      const ids = listed[String(query.status)] ?? [];
      return [200, { total_count: ids.length, workflow_runs: ids.map((id) => ({ id })) }];
    });
    gh.on("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", ({ params }) => {
      asked.push(Number(params.run_id));
      return cancel(Number(params.run_id));
    });
    return asked;
  }

  it("a run that ended before it was cancelled (409) is not an error: the others are cancelled", async () => {
    const asked = runs({ in_progress: [1, 2], queued: [3] }, (id) =>
      id === 1 ? [409, { message: "Cannot cancel a workflow run that is completed." }] : [202, {}],
    );
    expect(await new Delivery(createTestOctokit()).cancelRuns(repo, "orchestrate/issue-12")).toBe(2);
    expect(asked).toEqual([1, 2, 3]);
  });

  it("a run GitHub refuses to cancel does not keep the others running; the refusals are reported at the end", async () => {
    const asked = runs({ in_progress: [1, 2], queued: [3] }, (id) =>
      id === 3 ? [202, {}] : [403, { message: "Resource not accessible by integration" }],
    );
    const error = await new Delivery(createTestOctokit())
      .cancelRuns(repo, "orchestrate/issue-12")
      .catch((e: unknown) => e);
    expect(asked).toEqual([1, 2, 3]);
    expect((error as Error).message).toMatch(
      /cancel workflow runs on orchestrate\/issue-12: 2 requests failed \(1 run cancelled\)/,
    );
    expect((error as Error).message).toMatch(/cancel workflow run 1 on .*HTTP 403.*needs actions: write/);
    expect((error as Error).message).toMatch(/cancel workflow run 2 on /);
  });

  it("one refusal is thrown as it is, naming the run and the permission", async () => {
    runs({ in_progress: [1, 2] }, (id) => (id === 2 ? [500, { message: "Server Error" }] : [202, {}]));
    await expect(new Delivery(createTestOctokit()).cancelRuns(repo, "b")).rejects.toThrow(
      /cancel workflow run 2 on b failed \(HTTP 500\)/,
    );
  });
});

describe("Delivery.disableAutoMerge", () => {
  /** Pull request 40, open with auto-merge on until `pull` says otherwise. */
  function pull() {
    const now = { state: "open", merged: false, autoMerge: true };
    gh.on("GET /repos/{owner}/{repo}/pulls/{pull_number}", () => [
      200,
      {
        number: 40,
        node_id: "PR_40",
        state: now.state,
        merged: now.merged,
        auto_merge: now.autoMerge
          ? { merge_method: "squash", enabled_by: null, commit_title: "", commit_message: "" }
          : null,
      },
    ]);
    return now;
  }

  it("turns auto-merge off", async () => {
    pull();
    let disabled = 0;
    gh.onGraphQL("disablePullRequestAutoMerge", () => {
      disabled++;
      return { disablePullRequestAutoMerge: { pullRequest: { number: 40 } } };
    });
    await new Delivery(createTestOctokit()).disableAutoMerge(repo, 40);
    expect(disabled).toBe(1);
  });

  it("a pull request merged between the read and the mutation: done, not an error", async () => {
    const now = pull();
    gh.onGraphQL("disablePullRequestAutoMerge", () => {
      Object.assign(now, { state: "closed", merged: true, autoMerge: false });
      throw new Error("Can't disable auto-merge for this pull request.");
    });
    await new Delivery(createTestOctokit()).disableAutoMerge(repo, 40);
    expect(gh.countByRoute()["GET /repos/{owner}/{repo}/pulls/{pull_number}"]).toBe(2);
  });

  it("an answer that auto-merge is not enabled, or the pull request merged: done without reading again", async () => {
    pull();
    for (const said of [
      "Auto-merge is not enabled for this pull request",
      "Pull request is already merged",
    ]) {
      gh.onGraphQL("disablePullRequestAutoMerge", () => {
        throw new Error(said);
      });
      await new Delivery(createTestOctokit()).disableAutoMerge(repo, 40);
    }
    expect(gh.countByRoute()["GET /repos/{owner}/{repo}/pulls/{pull_number}"]).toBe(2);
  });

  it("a refusal while auto-merge is still on is an error naming the permission", async () => {
    pull();
    gh.onGraphQL("disablePullRequestAutoMerge", () => {
      throw new Error("Resource not accessible by integration");
    });
    await expect(new Delivery(createTestOctokit()).disableAutoMerge(repo, 40)).rejects.toThrow(
      /turn auto-merge off for #40 failed.*pull_requests: write/,
    );
  });
});

describe("Delivery.autoMerge", () => {
  /** Enabling auto-merge answered with a GraphQL error saying `message` (of `type`, when given). */
  function refused(message: string, type?: string) {
    gh.onGraphQL("enablePullRequestAutoMerge", () => {
      throw Object.assign(new Error(message), type ? { type } : {});
    });
  }

  it("enables auto-merge", async () => {
    gh.onGraphQL("enablePullRequestAutoMerge", () => ({
      enablePullRequestAutoMerge: {
        pullRequest: { autoMergeRequest: { enabledAt: "2026-11-22T00:00:00Z" } },
      },
    }));
    expect(await new Delivery(createTestOctokit()).autoMerge(repo, "PR_40", "squash")).toBe(true);
  });

  it("a pull request GitHub can merge right now, or a repository without auto-merge: merged directly", async () => {
    for (const said of [
      "Pull request Pull request is in clean status",
      // A check branch protection does not require failed: the required ones passed.
      "Pull request Pull request is in unstable status",
      "Pull request Pull request is in has_hooks status",
      "Pull request Auto merge is not allowed for this repository",
    ]) {
      refused(said, "UNPROCESSABLE");
      expect(await new Delivery(createTestOctokit()).autoMerge(repo, "PR_40", "squash"), said).toBe(false);
    }
  });

  it("any other refusal of the pull request is left to the merge, which says why it cannot merge", async () => {
    refused("Pull request is in draft state");
    expect(await new Delivery(createTestOctokit()).autoMerge(repo, "PR_40", "merge")).toBe(false);
  });

  it("a missing permission or a rate limit is an error: the merge would meet it too", async () => {
    refused("Resource not accessible by integration", "FORBIDDEN");
    await expect(new Delivery(createTestOctokit()).autoMerge(repo, "PR_40", "squash")).rejects.toThrow(
      /enable auto-merge in o\/r failed \(GraphQL\): Resource not accessible by integration\. The app needs pull_requests: write/,
    );
    refused("API rate limit exceeded for installation", "RATE_LIMITED");
    await expect(new Delivery(createTestOctokit()).autoMerge(repo, "PR_40", "squash")).rejects.toThrow(
      /rate limit/,
    );
  });
});

describe("the merge commit", () => {
  const commit = { title: "Orchestrate: login (#40)", message: "Closes #12" };

  it("a merge or squash says its commit's title and message; a rebase, which makes none, does not", async () => {
    const sent: unknown[] = [];
    gh.on("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", ({ body }) => {
      sent.push(body);
      return [200, { sha: "b".repeat(40), merged: true, message: "Pull Request successfully merged" }];
    });
    const delivery = new Delivery(createTestOctokit());
    for (const method of ["squash", "merge", "rebase"] as const)
      expect(await delivery.merge(repo, 40, SHA, method, commit)).toEqual({
        merged: true,
        sha: "b".repeat(40),
      });
    expect(sent).toEqual([
      { sha: SHA, merge_method: "squash", commit_title: commit.title, commit_message: commit.message },
      { sha: SHA, merge_method: "merge", commit_title: commit.title, commit_message: commit.message },
      { sha: SHA, merge_method: "rebase" },
    ]);
    expect(gh.requests.every((r) => r.problems.length === 0)).toBe(true);
  });

  it("auto-merge is enabled with the same title and message", async () => {
    const inputs: unknown[] = [];
    gh.onGraphQL("enablePullRequestAutoMerge", (variables) => {
      inputs.push(variables);
      return {
        enablePullRequestAutoMerge: {
          pullRequest: { autoMergeRequest: { enabledAt: "2026-11-22T00:00:00Z" } },
        },
      };
    });
    const delivery = new Delivery(createTestOctokit());
    expect(await delivery.autoMerge(repo, "PR_40", "squash", commit)).toBe(true);
    expect(await delivery.autoMerge(repo, "PR_40", "rebase", commit)).toBe(true);
    expect(inputs).toEqual([
      { id: "PR_40", mergeMethod: "SQUASH", headline: commit.title, body: commit.message },
      { id: "PR_40", mergeMethod: "REBASE" },
    ]);
    // Both documents are valid against GitHub's GraphQL schema.
    expect(gh.requests.every((r) => r.problems.length === 0)).toBe(true);
  });
});
