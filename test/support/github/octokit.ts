/**
 * Octokit clients for tests against `mockGitHub()`.
 *
 * `testOctokit()` is `@octokit/core` with the REST endpoint methods and pagination, a dummy token,
 * and Node's global `fetch` (which nock intercepts). It has no retry or throttling plugin, so a
 * mocked error response surfaces at once.
 *
 * Probot: construct the app's Octokit so that it neither retries nor throttles, or a mocked 5xx/403
 * is retried (slow tests, extra requests in the log). `testProbot()` in `probot.ts` does this:
 *
 * ```ts
 * ProbotOctokit.defaults((o) => ({ ...o, retry: { enabled: false }, throttle: { ...o.throttle, enabled: false } }))
 * ```
 */
import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";

/** The token `testOctokit()` sends (`authorization: token …`). */
export const TEST_TOKEN = "ghs_test0000000000000000000000000000000";

/** `@octokit/core` with REST endpoint methods and pagination. */
export const TestOctokit = Octokit.plugin(restEndpointMethods, paginateRest);

/** An instance of `TestOctokit`. */
export type TestOctokitInstance = InstanceType<typeof TestOctokit>;

/** A `TestOctokit` with a dummy token, quiet logs and global `fetch`; `options` override. */
export function testOctokit(options: ConstructorParameters<typeof TestOctokit>[0] = {}): TestOctokitInstance {
  const quiet = () => {};
  return new TestOctokit({
    auth: TEST_TOKEN,
    userAgent: "orchestrate-tests",
    log: { debug: quiet, info: quiet, warn: console.warn, error: quiet },
    ...options,
  });
}
