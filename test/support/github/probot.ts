/**
 * Probot for tests against `mockGitHub()`: a real app id and private key (generated once per
 * process), no retries, no throttling, quiet logs. Installation tokens come from the mock:
 * `mockInstallationTokens(gh)` answers `POST /app/installations/{installation_id}/access_tokens`.
 *
 * ```ts
 * const gh = useGitHubMock();
 * it("comments", async () => {
 *   mockInstallationTokens(gh);
 *   gh.on("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", () => [201, { id: 1 }]);
 *   const probot = testProbot();
 *   await probot.load(app);
 *   await probot.receive(webhookEvent("issues", examplePayload("issues", "labeled")));
 * });
 * ```
 */
import { generateKeyPairSync } from "node:crypto";
import { Probot } from "probot";
import { AppOctokit } from "../../../src/app/server.ts";
import type { GitHubMock } from "./mock-github.ts";

/** The app id `testProbot()` uses. */
export const TEST_APP_ID = 1;

let privateKey: string | undefined;

/** A PEM RSA key for the test app, generated on first use (1024 bits: the mock checks no signature, and it is fast). */
export function testPrivateKey(): string {
  privateKey ??= generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  }) as string;
  return privateKey;
}

/**
 * The app's Octokit (Probot's, with our request policy) without retries or throttling: a mocked
 * error surfaces at once, requests are not delayed.
 */
export const TestProbotOctokit = AppOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object | undefined), enabled: false },
}));

/** A `Probot` for tests; `options` override (e.g. `secret` for signature tests). */
export function testProbot(options: ConstructorParameters<typeof Probot>[0] = {}): Probot {
  return new Probot({
    appId: TEST_APP_ID,
    privateKey: testPrivateKey(),
    Octokit: TestProbotOctokit,
    logLevel: "fatal",
    ...options,
  });
}

/** Answers installation token requests with a token valid for an hour; returns `gh`. */
export function mockInstallationTokens(gh: GitHubMock): GitHubMock {
  return gh.on("POST /app/installations/{installation_id}/access_tokens", () => [
    201,
    {
      token: "ghs_installation0000000000000000000000",
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions: { contents: "write", issues: "write", checks: "write", actions: "write" },
      repository_selection: "all",
    },
  ]);
}
