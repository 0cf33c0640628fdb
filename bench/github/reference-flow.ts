/**
 * GitHub requests of executions of a reference pipeline (7 phases, a 3-module parallel phase),
 * driven through the orchestrator against the OpenAPI-validated mock and an in-memory repository.
 * Counts requests per state transition (applied event) and content-creating writes.
 */

import type { ExecutionState } from "../../src/core/state/types.ts";
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { createTestOctokit, githubPorts } from "../../src/github/index.ts";
import { GitHubOrchestrator } from "../../src/github/orchestrator.ts";
import { resultPath, taskBranch } from "../../src/github/result-record.ts";
import { fakeIssueSide } from "../../test/support/github/fake-issues.ts";
import { fakeRepo } from "../../test/support/github/fake-repo.ts";
import { type GitHubRequest, mockGitHub } from "../../test/support/github/mock-github.ts";

export const REFERENCE_PLAN = `version: 1
policy: { max_concurrency: 8 }
agents:
  analyst: { run: ./a.sh }
  architect: { run: ./a.sh }
  designer: { run: ./a.sh }
  dev: { run: ./a.sh }
  qa: { run: ./a.sh }
  security: { run: ./a.sh }
  devops: { run: ./a.sh }
phases:
  - { id: analysis, agents: [analyst] }
  - { id: discovery, needs: [analysis], agents: [analyst, architect] }
  - { id: specification, needs: [discovery], agents: [architect] }
  - { id: design, needs: [specification], agents: [designer] }
  - { id: development, needs: [design], agents: [dev], matrix: { module: [api, web, worker] } }
  - { id: testing, needs: [development], agents: [qa, security] }
  - { id: delivery, needs: [testing], agents: [devops] }
`;

/** Routes whose requests create content GitHub counts toward its content-creation limits. */
const CREATING = [
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/check-runs",
  "POST /repos/{owner}/{repo}/merges",
  "POST /repos/{owner}/{repo}/git/refs",
  "POST /repos/{owner}/{repo}/git/commits",
  "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
  "POST /repos/{owner}/{repo}/pulls",
  "POST /graphql createCommitOnBranch",
];

export interface FlowFigures {
  tasks: number;
  transitions: number;
  requests: number;
  requestsPerTransition: number;
  contentCreating: number;
  /** Content-creating writes of a later execution in the same repository (the state branch exists). */
  contentCreatingLater: number;
  stateCommits: number;
  byRoute: Record<string, number>;
  polling: number;
}

type Orchestrator = GitHubOrchestrator;

/** Runs one execution of the reference plan for `issue`, its task jobs all succeeding. */
async function runExecution(
  o: Orchestrator,
  repo: ReturnType<typeof fakeRepo>,
  side: ReturnType<typeof fakeIssueSide>,
  issue: number,
): Promise<ExecutionState> {
  const ref = { owner: "o", repo: "r", issue };
  const mine = () => side.dispatches.filter((d) => d.issue === String(issue));
  let state = await o.handle(ref, [
    { kind: "labeled", delivery: `l${issue}`, sender: "a", author: "a", title: "t", body: "Project: x" },
  ]);
  let seen = 0;
  while (state && state.finished_at === undefined && seen < mine().length) {
    const batch = JSON.parse(mine()[seen++]!.tasks!) as { id: string; attempt: number }[];
    // The batch's jobs report together, as parallel jobs do.
    const triggers = batch.map((t) => {
      const branch = taskBranch(issue, t.id);
      if (!repo.git.head(branch)) repo.git.branch(branch, `orchestrate/issue-${issue}`);
      const sha = repo.git.commitFiles(branch, {
        [resultPath(issue, t.id)]: JSON.stringify({
          execution: `o/r#${issue}`,
          task: t.id,
          attempt: t.attempt,
          status: "succeeded",
        }),
      }).sha;
      return {
        kind: "result" as const,
        delivery: `${issue}:${t.id}#${t.attempt}`,
        result: { issue, task: t.id, attempt: t.attempt, sha },
      };
    });
    state = await o.handle(ref, triggers);
  }
  if (state?.status !== "succeeded") throw new Error(`reference flow #${issue} ended ${state?.status}`);
  return state;
}

function byRouteOf(requests: readonly GitHubRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) out[r.route ?? "unknown"] = (out[r.route ?? "unknown"] ?? 0) + 1;
  return out;
}

const creatingOf = (byRoute: Record<string, number>) =>
  CREATING.reduce((sum, route) => sum + (byRoute[route] ?? 0), 0);

/**
 * The first execution in a repository (it also creates the state branch), then a later one in
 * the same repository; request counts are the first's, with the later one's writes beside them.
 */
export async function referenceFlow(): Promise<FlowFigures> {
  const gh = mockGitHub();
  try {
    const repo = fakeRepo(gh, {
      files: { ".github/orchestrate.yml": REFERENCE_PLAN, "src/index.ts": "export {};\n" },
    });
    // Comments, check runs, permissions and dispatches as GitHub keeps them (REST and GraphQL).
    const side = fakeIssueSide(gh);
    const o = new GitHubOrchestrator(githubPorts(createTestOctokit({ auth: "t" })), {
      clock: new VirtualClock(1_800_000_000_000),
      random: seededRandom(9),
      workflow: "orchestrate-agents.yml",
    });
    const state = await runExecution(o, repo, side, 1);
    const first = gh.requests.slice();
    await runExecution(o, repo, side, 2);
    const later = gh.requests.slice(first.length);
    const problems = gh.problems();
    if (problems.length > 0) throw new Error(`invalid requests: ${problems.join("; ")}`);
    const byRoute = byRouteOf(first);
    const transitions = state.seq;
    return {
      tasks: Object.keys(state.tasks).length,
      transitions,
      requests: first.length,
      requestsPerTransition: first.length / transitions,
      contentCreating: creatingOf(byRoute),
      contentCreatingLater: creatingOf(byRouteOf(later)),
      stateCommits:
        (byRoute["POST /repos/{owner}/{repo}/git/commits"] ?? 0) +
        (byRoute["POST /graphql createCommitOnBranch"] ?? 0),
      byRoute,
      polling: 0,
    };
  } finally {
    gh.restore();
  }
}
