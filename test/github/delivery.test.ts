import { describe, expect, it } from "vitest";
import { Delivery } from "../../src/github/delivery.ts";
import { createTestOctokit } from "../../src/github/octokit.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";

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
