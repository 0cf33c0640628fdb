/**
 * A nock-based stand-in for https://api.github.com where every request is validated against
 * `api.github.com.json`. An invalid request, an unknown route or an unmocked request is recorded
 * and makes `assertValid()` throw; `useGitHubMock()` calls it after every test, so it fails the test
 * even when the code under test swallows the error.
 */

import nock from "nock";
import { afterEach, beforeEach } from "vitest";
import { argumentsOf, checkGraphQL, type GraphQLFieldHandler, type GraphQLHandler } from "./graphql.ts";
import {
  checkRequest,
  type FoundOperation,
  findOperation,
  isFound,
  operationOfRoute,
  SPEC_FILE,
} from "./openapi.ts";

/** The API origin the mock intercepts. */
export const GITHUB_API = "https://api.github.com";

/** One request the mock saw. */
export interface GitHubRequest {
  method: string;
  /** The path as sent, still percent-encoded, without the query. */
  path: string;
  /** `"GET /repos/{owner}/{repo}/git/ref/{ref}"`, or undefined when no operation matches. */
  route: string | undefined;
  /** Path parameters, decoded. */
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  /** Parsed JSON body, a string, or undefined. */
  body: unknown;
  headers: Record<string, string | string[] | number | undefined>;
  /** Problems found; empty when the request is valid and was mocked. */
  problems: string[];
}

/** What a route handler receives. */
export type HandlerRequest = Omit<GitHubRequest, "problems" | "route"> & { route: string };

/** `[status, body?, headers?]`; the body is sent as JSON (omitted for 204 and when undefined). */
export type HandlerResult = readonly [number, unknown?, Record<string, string>?];

/** Answers requests of one route; may keep state between calls and may be async. */
export type Handler = (request: HandlerRequest) => HandlerResult | Promise<HandlerResult>;

/** The mock API: handler routes, a nock scope, and the request log. */
export interface GitHubMock {
  /** nock scope for nock-style interceptors (`gh.scope.get("/repos/o/r").reply(200, {...})`). */
  readonly scope: nock.Scope;
  /** Every request seen, in order. */
  readonly requests: GitHubRequest[];
  /** Answers `route` (e.g. `"GET /repos/{owner}/{repo}/issues/{issue_number}/comments"`) with `handler`; replaces an earlier one. Throws for a route not in the description. */
  on(route: string, handler: Handler): GitHubMock;
  /** Answers GraphQL requests whose first top-level field is `field`; the handler returns `data`, or throws to answer with an error. Documents are validated against GitHub's GraphQL schema. */
  onGraphQL(field: string, handler: GraphQLHandler): GitHubMock;
  /**
   * Answers one mutation field wherever it appears, aliased or not: a document whose top-level
   * fields all have field handlers is answered field by field, a throwing handler giving that
   * field `null` and an error with its path (as GitHub answers a partly failed mutation).
   * The handler receives the field's arguments, variables resolved.
   */
  onGraphQLField(field: string, handler: GraphQLFieldHandler): GitHubMock;
  /** Request counts per route (unresolved requests counted under `METHOD path`). */
  countByRoute(): Record<string, number>;
  /** Every problem so far, one line each, prefixed with the request. */
  problems(): string[];
  /** Throws, listing them, when any request was invalid, unknown or unmocked. */
  assertValid(): void;
  /** Throws when nock-style interceptors of `scope` were not all used. */
  done(): void;
  /** Removes every nock interceptor and listener and re-enables net connect. */
  restore(): void;
}

type Headers = GitHubRequest["headers"];

/** Hosts still reachable while mocking (local servers, e.g. a webhook endpoint under test). */
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

function parseBody(body: unknown): unknown {
  if (body === undefined || body === "") return undefined;
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function describeRequest(r: GitHubRequest): string {
  return `${r.method} ${r.path}`;
}

/**
 * Starts mocking https://api.github.com with validation on and net connect disabled (except to
 * localhost); a request to any other host is recorded as a problem.
 * Prefer `useGitHubMock()` in vitest suites; call `restore()` yourself otherwise.
 */
export function mockGitHub(): GitHubMock {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect(LOCAL_HOST);
  const requests: GitHubRequest[] = [];
  const handlers = new Map<string, Handler>();
  const interceptedMethods = new Set<string>();
  const hasHandler = (route: string) => handlers.has(route);
  const scope = nock(GITHUB_API);
  const handlerScope = nock(GITHUB_API).persist();

  const record = (method: string, url: string, headers: Headers, rawBody: unknown, extra: string[] = []) => {
    const body = parseBody(rawBody);
    const check = checkRequest({ method, url, headers, body }, hasHandler);
    const path = new URL(url, GITHUB_API).pathname;
    const found = check.found;
    const entry: GitHubRequest = {
      method: method.toUpperCase(),
      path,
      route: found?.route,
      params: found?.params ?? {},
      query: found?.query ?? {},
      body,
      headers,
      problems: [...check.problems, ...extra],
    };
    requests.push(entry);
    return entry;
  };

  scope.on(
    "request",
    (req: { method: string; path: string; headers: Headers }, _i: unknown, body: string) => {
      record(req.method, req.path, req.headers, body);
    },
  );

  const onNoMatch = (...args: unknown[]) => {
    const req = (args[0] ?? {}) as {
      method?: string;
      path?: string;
      host?: string;
      getHeader?: (name: string) => unknown;
      getHeaders?: () => Headers;
    };
    const method = (req.method ?? "GET").toUpperCase();
    const path = req.path ?? "/";
    const host = (req.host ?? String(req.getHeader?.("host") ?? "api.github.com")).replace(/:443$/, "");
    if (LOCAL_HOST.test(host)) return;
    if (host !== new URL(GITHUB_API).host) {
      const problem = `not mocked: a request to ${host}, and net connect is disabled`;
      const url = `https://${host}${path}`;
      requests.push({
        method,
        path: url,
        route: undefined,
        params: {},
        query: {},
        body: args[2],
        headers: {},
        problems: [problem],
      });
      return;
    }
    const resolved = findOperation(method, path, hasHandler);
    const hint = isFound(resolved) ? `: add gh.on("${resolved.route}", …) or a scope interceptor` : "";
    record(method, path, req.getHeaders?.() ?? {}, args[2], [`not mocked${hint}`]);
  };
  nock.emitter.on("no match", onNoMatch);

  const handlerFor = (method: string, uri: string): [Handler, FoundOperation] | undefined => {
    const found = findOperation(method, uri, hasHandler);
    if (!isFound(found)) return undefined;
    const handler = handlers.get(found.route);
    return handler ? [handler, found] : undefined;
  };

  const intercept = (method: string) => {
    if (interceptedMethods.has(method)) return;
    interceptedMethods.add(method);
    handlerScope
      .intercept((uri) => handlerFor(method, uri) !== undefined, method)
      .optionally()
      .reply(async function (this: nock.ReplyFnContext, uri: string, body: unknown) {
        const entry = record(method, uri, this.req.headers, body);
        const [handler] = handlerFor(method, uri) ?? [];
        if (!handler || !entry.route) return [500, "no handler"];
        if (entry.problems.length > 0) {
          const message = `Invalid request.\n\n${entry.problems.join("\n")}`;
          return [422, { message, documentation_url: "https://docs.github.com/rest", status: "422" }];
        }
        let result: HandlerResult;
        try {
          result = await handler({ ...entry, route: entry.route });
        } catch (error) {
          entry.problems.push(`handler for ${entry.route} threw: ${(error as Error).stack ?? String(error)}`);
          return [500, { message: "handler failed" }];
        }
        const [status, payload, headers = {}] = result;
        if (status === 204 || payload === undefined) return [status, "", headers];
        return [
          status,
          JSON.stringify(payload),
          { "content-type": "application/json; charset=utf-8", ...headers },
        ];
      });
  };

  const graphqlHandlers = new Map<string, GraphQLHandler>();
  const fieldHandlers = new Map<string, GraphQLFieldHandler>();
  let graphqlIntercepted = false;
  /** The answer of a document whose fields all have field handlers, else undefined. */
  const byField = async (checked: ReturnType<typeof checkGraphQL>) => {
    const fields = checked.operation?.selectionSet.selections ?? [];
    if (fields.length === 0 || !fields.every((f) => f.kind === "Field" && fieldHandlers.has(f.name.value)))
      return undefined;
    const data: Record<string, unknown> = {};
    const errors: { message: string; path: string[] }[] = [];
    for (const f of fields) {
      if (f.kind !== "Field") continue;
      const key = f.alias?.value ?? f.name.value;
      try {
        data[key] = await fieldHandlers.get(f.name.value)!(argumentsOf(f, checked.variables));
      } catch (error) {
        data[key] = null;
        errors.push({ message: (error as Error).message, path: [key] });
      }
    }
    return errors.length > 0 ? { data, errors } : { data };
  };
  const interceptGraphQL = () => {
    if (graphqlIntercepted) return;
    graphqlIntercepted = true;
    handlerScope
      .post("/graphql")
      .optionally()
      .reply(async function (this: nock.ReplyFnContext, _uri: string, raw: unknown) {
        const body = parseBody(raw);
        const checked = checkGraphQL(body);
        const handler = checked.field ? graphqlHandlers.get(checked.field) : undefined;
        const fieldAnswer = handler || checked.problems.length > 0 ? undefined : await byField(checked);
        const problems = [
          ...checked.problems,
          ...(handler || fieldAnswer ? [] : [`not mocked: gh.onGraphQL("${checked.field ?? "?"}", …)`]),
        ];
        requests.push({
          method: "POST",
          path: "/graphql",
          route: `POST /graphql ${checked.field ?? ""}`.trim(),
          params: {},
          query: {},
          body,
          headers: this.req.headers,
          problems,
        });
        if (fieldAnswer) return [200, fieldAnswer];
        if (!handler || checked.problems.length > 0)
          return [200, { errors: problems.map((message) => ({ message })) }];
        try {
          return [200, { data: await handler(checked.variables, checked.operation!) }];
        } catch (error) {
          // A handler throws to answer with a GraphQL error (as GitHub does for a refused mutation);
          // an error's `type` (e.g. STALE_DATA, NOT_FOUND) is passed on, as GitHub sets it.
          const type = (error as { type?: unknown }).type;
          const field = checked.field ?? "?";
          return [
            200,
            {
              data: { [field]: null },
              errors: [
                {
                  message: (error as Error).message,
                  path: [field],
                  ...(typeof type === "string" ? { type } : {}),
                },
              ],
            },
          ];
        }
      });
  };

  const mock: GitHubMock = {
    scope,
    requests,
    onGraphQL(field, handler) {
      interceptGraphQL();
      graphqlHandlers.set(field, handler);
      return mock;
    },
    onGraphQLField(field, handler) {
      interceptGraphQL();
      fieldHandlers.set(field, handler);
      return mock;
    },
    on(route, handler) {
      if (!operationOfRoute(route)) throw new Error(`no operation ${route} in ${SPEC_FILE}`);
      handlers.set(route, handler);
      intercept(route.split(" ")[0] ?? "GET");
      return mock;
    },
    countByRoute() {
      const counts: Record<string, number> = {};
      for (const r of requests) {
        const key = r.route ?? describeRequest(r);
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    problems() {
      return requests.flatMap((r) => r.problems.map((p) => `${describeRequest(r)} → ${p}`));
    },
    assertValid() {
      const problems = mock.problems();
      if (problems.length === 0) return;
      throw new Error(
        `${problems.length} problem(s) with GitHub requests (checked against ${SPEC_FILE}):\n  ${problems.join("\n  ")}`,
      );
    },
    done() {
      scope.done();
    },
    restore() {
      nock.emitter.removeListener("no match", onNoMatch);
      scope.removeAllListeners("request");
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
  return mock;
}

/**
 * Registers `beforeEach`/`afterEach` for the enclosing vitest suite: a fresh `mockGitHub()` per
 * test, and after each test `assertValid()` (and `done()` with `requireDone`), then `restore()`.
 * The returned object forwards to the current test's mock.
 */
export function useGitHubMock(options: { requireDone?: boolean } = {}): GitHubMock {
  let current: GitHubMock | undefined;
  beforeEach(() => {
    current = mockGitHub();
  });
  afterEach(() => {
    const mock = current;
    current = undefined;
    if (!mock) return;
    try {
      mock.assertValid();
      if (options.requireDone) mock.done();
    } finally {
      mock.restore();
    }
  });
  return new Proxy({} as GitHubMock, {
    get(_target, key) {
      if (!current) throw new Error("useGitHubMock(): the mock exists only while a test runs");
      const value = Reflect.get(current, key);
      return typeof value === "function" ? value.bind(current) : value;
    },
  });
}
