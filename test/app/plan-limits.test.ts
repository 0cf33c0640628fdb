/** A plan too large to run is refused on the issue before anything starts. */
import { describe, expect, it } from "vitest";
import { appOn, REPOSITORY } from "../support/github/app.ts";
import { useGitHubMock } from "../support/github/index.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";

const gh = useGitHubMock();

const labeled = (number: number) =>
  withPatch(examplePayload("issues", "labeled"), {
    label: { name: "orchestrate" },
    issue: { number },
    repository: REPOSITORY,
  });

const values = (n: number) => `[${Array.from({ length: n }, (_, i) => `v${i}`).join(", ")}]`;

describe("GitHub App: a plan past the limits", () => {
  it("a few lines whose matrix makes 432,000 tasks: one comment saying which phase and how to fix it, no execution", async () => {
    const plan = `version: 1
agents:
  a: { run: ./a.sh }
  b: { run: ./b.sh }
phases:
  - { id: test, agents: [a, b], matrix: { x: ${values(60)}, y: ${values(60)}, z: ${values(60)} } }
`;
    const { repo, side, receive } = await appOn(gh, { ".github/orchestrate.yml": plan });
    await receive("issues", labeled(9));
    expect(side.comments.map((c) => c.body.replace(/^<!--[^>]*-->\n/, ""))).toEqual([
      "The plan `.github/orchestrate.yml` on `main` has problems, so nothing was started:\n\n" +
        '- .github/orchestrate.yml:6:33: phases[0].matrix: phase "test" expands to 432,000 tasks (2 agents × 60 × 60 × 60 matrix values), more than the 256 a phase may have (hint: each task is one job: list fewer matrix values or agents, or split the phase into several phases)',
    ]);
    expect(repo.git.head("orchestrate-state")).toBeUndefined();
    expect(side.dispatches).toEqual([]);
  });

  it("a plan file of megabytes is not parsed: the comment says its size and the limit", async () => {
    const plan = `version: 1\n# ${"padding ".repeat(400_000)}\n`;
    const { repo, side, receive } = await appOn(gh, { ".github/orchestrate.yml": plan });
    await receive("issues", labeled(9));
    expect(side.comments).toHaveLength(1);
    expect(side.comments[0]!.body).toContain(
      "- .github/orchestrate.yml: the plan is over 3,126 KB, more than the 256 KB a plan may be (hint: a plan names agents and phases: keep long prompts in files the agents read, and let a matrix stand for repeated phases)",
    );
    expect(repo.git.head("orchestrate-state")).toBeUndefined();
  });
});
