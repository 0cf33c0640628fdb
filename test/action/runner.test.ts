import { describe, expect, it } from "vitest";
import { useGitHubMock } from "../support/github/index.ts";
import { jobEnv, runIn, TOKEN } from "./helpers.ts";

const gh = useGitHubMock();

/** The job's environment with `GITHUB_REPOSITORY` set to `value`, or removed when undefined. */
function withRepository(env: Record<string, string>, value: string | undefined) {
  const out = { ...env };
  if (value === undefined) delete out.GITHUB_REPOSITORY;
  else out.GITHUB_REPOSITORY = value;
  return out;
}

describe("the Action failing before its mode runs", () => {
  it.each<[string, Record<string, string>, RegExp]>([
    [
      "an unknown mode",
      jobEnv({ mode: "run", "github-token": TOKEN }),
      /input `mode` is "run": use `task-run`/,
    ],
    [
      "an invalid agent-result",
      jobEnv({ mode: "task-publish", "github-token": TOKEN, "agent-result": "maybe" }),
      /input `agent-result` is "maybe"/,
    ],
    [
      "an empty github-token",
      jobEnv({ mode: "orchestrate" }),
      /input `github-token` is required in orchestrate mode/,
    ],
    [
      "no GITHUB_REPOSITORY",
      withRepository(jobEnv({ mode: "orchestrate", "github-token": TOKEN }), undefined),
      /GITHUB_REPOSITORY is not set: run the Action inside a GitHub Actions job/,
    ],
    [
      "a GITHUB_REPOSITORY that is not owner/repo",
      withRepository(jobEnv({ mode: "orchestrate", "github-token": TOKEN }), "Hello-World"),
      /GITHUB_REPOSITORY must be <owner>\/<repo>/,
    ],
  ])(
    "%s: one error saying what to fix, and the status output set to failed",
    async (_name, env, expected) => {
      const run = await runIn(env);
      expect(run.code).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(expected);
      expect(run.outputs).toEqual({ status: "failed" });
      expect(gh.requests).toEqual([]);
    },
  );
});
