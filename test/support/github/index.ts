/**
 * The GitHub test harness in one import: the OpenAPI oracle, the validated API mock, the fake
 * repository, real webhook payloads, and an Octokit wired for the mock. Probot helpers are in
 * `probot.ts` (not re-exported here: importing Probot is slow).
 */
export * from "./fake-git.ts";
export * from "./fake-issues.ts";
export * from "./fake-repo.ts";
export * from "./mock-github.ts";
export * from "./octokit.ts";
export * from "./openapi.ts";
export * from "./payloads.ts";
