/**
 * GitHub's official OpenAPI description (`@octokit/openapi`, file `generated/api.github.com.json`)
 * as the oracle for every GitHub request the tests make:
 *
 * - `loadSpec()` reads that one file with `fs`, once per test process (~0.15–0.3 s, see
 *   `specLoadMs`); the package root, which loads every description, is never imported.
 * - `findOperation(method, url)` resolves a URL to its path template and operation.
 * - `validateRequest({ method, url, headers, body })` lists what is wrong with a request.
 */
export * from "./openapi-spec.ts";
export * from "./openapi-validate.ts";
