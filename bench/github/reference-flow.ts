/**
 * GitHub requests of one execution of a reference pipeline (7 phases, a 3-module parallel phase),
 * driven through the orchestrator against the OpenAPI-validated mock and an in-memory repository.
 * Counts requests per state transition (applied event) and content-creating writes.
 */
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { createTestOctokit, githubPorts } from "../../src/github/index.ts";
import { GitHubOrchestrator } from "../../src/github/orchestrator.ts";
import { resultPath, taskBranch } from "../../src/github/result-record.ts";
import { fakeIssueSide } from "../../test/support/github/fake-issues.ts";
import { fakeRepo } from "../../test/support/github/fake-repo.ts";
import { mockGitHub } from "../../test/support/github/mock-github.ts";

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
  stateCommits: number;
  byRoute: Record<string, number>;
  polling: number;
}

export async function referenceFlow(): Promise<FlowFigures> {
  const gh = mockGitHub();
  try {
    const repo = fakeRepo(gh, {
      files: { ".github/orchestrate.yml": REFERENCE_PLAN, "src/index.ts": "export {};\n" },
    });
    // Comments, check runs, permissions and dispatches as GitHub keeps them (REST and GraphQL).
    const side = fakeIssueSide(gh);
    const dispatched = {
      get length() {
        return side.dispatches.length;
      },
      at: (i: number) => JSON.parse(side.dispatches[i]!.tasks!) as { id: string; attempt: number }[],
    };
    const ref = { owner: "o", repo: "r", issue: 1 };
    const o = new GitHubOrchestrator(githubPorts(createTestOctokit({ auth: "t" })), {
      clock: new VirtualClock(1_800_000_000_000),
      random: seededRandom(9),
      workflow: "orchestrate-agents.yml",
    });
    let state = await o.handle(ref, [
      { kind: "labeled", delivery: "l", sender: "a", author: "a", title: "t", body: "Project: x" },
    ]);
    let seen = 0;
    while (state && state.finished_at === undefined && seen < dispatched.length) {
      const batch = dispatched.at(seen++);
      // The batch's jobs report together, as parallel jobs do.
      const triggers = batch.map((t) => {
        const branch = taskBranch(1, t.id);
        if (!repo.git.head(branch)) repo.git.branch(branch, "orchestrate/issue-1");
        const sha = repo.git.commitFiles(branch, {
          [resultPath(t.id)]: JSON.stringify({
            execution: "o/r#1",
            task: t.id,
            attempt: t.attempt,
            status: "succeeded",
          }),
        }).sha;
        return {
          kind: "result" as const,
          delivery: `${t.id}#${t.attempt}`,
          result: { issue: 1, task: t.id, attempt: t.attempt, sha },
        };
      });
      state = await o.handle(ref, triggers);
    }
    const byRoute = gh.countByRoute();
    const requests = gh.requests.length;
    const transitions = state?.seq ?? 0;
    const problems = gh.problems();
    if (problems.length > 0) throw new Error(`invalid requests: ${problems.join("; ")}`);
    if (state?.status !== "succeeded") throw new Error(`reference flow ended ${state?.status}`);
    return {
      tasks: Object.keys(state.tasks).length,
      transitions,
      requests,
      requestsPerTransition: requests / transitions,
      contentCreating: CREATING.reduce((sum, route) => sum + (byRoute[route] ?? 0), 0),
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
