import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { useGitHubMock } from "./mock-github.ts";
import { examplePayload, TEST_INSTALLATION_ID, webhookEvent, withPatch } from "./payloads.ts";
import { mockInstallationTokens, testProbot } from "./probot.ts";

/** A minimal app: comments on issues labeled `orchestrate`. */
function app(probot: Probot): void {
  probot.on("issues.labeled", async (context) => {
    if (context.payload.label?.name !== "orchestrate") return;
    await context.octokit.rest.issues.createComment(context.issue({ body: "Starting." }));
  });
}

describe("testProbot", () => {
  const gh = useGitHubMock();

  it("authenticates as the installation and makes validated requests through the mock", async () => {
    mockInstallationTokens(gh);
    const bodies: unknown[] = [];
    gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", ({ body, params }) => {
      bodies.push({ ...params, body });
      return [201, { id: 1 }];
    });
    const probot = testProbot();
    await probot.load(app);
    const payload = withPatch(examplePayload("issues", "labeled"), {
      label: { name: "orchestrate" },
      issue: { number: 7 },
    });
    await probot.receive(webhookEvent("issues", payload));
    expect(bodies).toEqual([
      {
        owner: payload.repository.owner.login,
        repo: payload.repository.name,
        issue_number: "7",
        body: { body: "Starting." },
      },
    ]);
    expect(gh.requests[0]).toMatchObject({ params: { installation_id: String(TEST_INSTALLATION_ID) } });
  });

  it("does not retry a failed request", async () => {
    mockInstallationTokens(gh);
    gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", () => [500, { message: "boom" }]);
    const probot = testProbot();
    await probot.load(app);
    const payload = withPatch(examplePayload("issues", "labeled"), { label: { name: "orchestrate" } });
    await expect(probot.receive(webhookEvent("issues", payload))).rejects.toThrow();
    expect(gh.countByRoute()["POST /repos/{owner}/{repo}/issues/{issue_number}/comments"]).toBe(1);
  });

  it("gives each delivery a fresh id unless one is given", () => {
    const payload = examplePayload("ping");
    expect(webhookEvent("ping", payload).id).not.toBe(webhookEvent("ping", payload).id);
    expect(webhookEvent("ping", payload, "d-1").id).toBe("d-1");
  });
});
