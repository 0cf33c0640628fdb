import { Octokit, type OctokitOptions } from "@octokit/core";
import { type PaginateInterface, paginateRest } from "@octokit/plugin-paginate-rest";
import { type Api, restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import {
  headerOf,
  InstallationTokenError,
  isRateLimited,
  isTokenRequest,
  messageOf,
  RateLimitError,
  statusOf,
} from "./errors.ts";

/** The Octokit the GitHub ports use: core + REST endpoint methods + pagination. */
export type GitHubClient = Octokit & Api & { paginate: PaginateInterface };

/** What a rate-limit callback is told. */
export interface RateLimitInfo {
  kind: "primary" | "secondary";
  /** Seconds to wait, from `retry-after` or `x-ratelimit-reset`. */
  retryAfter: number;
  method: string;
  url: string;
  /** Retries already made for this request. */
  retryCount: number;
  /** Whether the request will be retried after the wait. */
  willRetry: boolean;
}

export interface CreateOctokitOptions {
  /** A token (installation, `GITHUB_TOKEN`, PAT), or the options of `authStrategy`. */
  auth?: unknown;
  authStrategy?: unknown;
  /** API root; `https://<host>/api/v3` on GitHub Enterprise Server. */
  baseUrl?: string;
  fetch?: typeof fetch;
  userAgent?: string;
  /** Told of every rate-limit response (for logs); the retry decision is made here. */
  onRateLimit?: (info: RateLimitInfo) => void;
  /** Retries of a 5xx or network failure on requests safe to repeat. Default 3. */
  retries?: number;
  /** Retries of a rate-limited request before giving up with a RateLimitError. Default 3. */
  rateLimitRetries?: number;
  /** Longest rate-limit wait, in seconds, worth retrying after. Default 900. */
  maxRateLimitWait?: number;
  /**
   * Timing units, in ms: backoff unit (waits 1, 4, 9 units), one second of `retry-after`, and the
   * spacing between write requests GitHub asks integrations to keep (default 1000).
   */
  timing?: { backoffUnitMs?: number; rateLimitUnitMs?: number; writeSpacingMs?: number };
  /** Throttling key: clients sharing it share the write spacing. Default `orchestrate`. */
  throttleId?: string;
  log?: {
    debug: (m: string) => void;
    info: (m: string) => void;
    warn: (m: string) => void;
    error: (m: string) => void;
  };
}

/**
 * POST routes safe to re-send after a 5xx or network failure: git objects are content-addressed,
 * so creating one twice yields the same sha. Every other POST (workflow dispatch, comments, check
 * runs, refs, merges) is sent once: a failure is reported, not repeated blindly.
 */
const IDEMPOTENT_POSTS = [/^\/repos\/[^/]+\/[^/]+\/git\/(?:blobs|trees|commits)$/];

/**
 * Statuses the retry plugin never retries: every 4xx but 408 (a client error stays one; a 409 is a
 * conflict to re-read; 403/429 rate limits are the throttling plugin's). 5xx and network failures
 * (status 500 without a response) are retried.
 */
export const DO_NOT_RETRY: readonly number[] = Array.from({ length: 100 }, (_, i) => 400 + i).filter(
  (s) => s !== 408,
);

/**
 * Whether a failed request may be repeated (5xx, network errors). A GraphQL document is
 * repeated when it only reads (a `query`, or a shorthand `{ … }`); a mutation is sent once.
 */
export function isRetryable(method: string, url: string, graphqlDocument?: unknown): boolean {
  const upper = method.toUpperCase();
  if (upper !== "POST") return true;
  const path = new URL(url, "http://github.test").pathname.replace(/^\/api(?:\/v3)?(?=\/)/, "");
  if (path === "/graphql")
    return typeof graphqlDocument === "string" && /^\s*(?:query\b|\{)/.test(graphqlDocument);
  return IDEMPOTENT_POSTS.some((pattern) => pattern.test(decodeURIComponent(path)));
}

type RequestOptions = { method: string; url: string; query?: unknown; request?: Record<string, unknown> };

/**
 * Octokit plugin, to be applied after `retry` and `throttling` (its hook is then the outermost):
 * marks non-idempotent requests as not retryable before the retry plugin sees them, and turns a
 * rate limit that outlasted the retries into a RateLimitError. Hosts that build their own Octokit
 * class (e.g. `ProbotOctokit.plugin(requestGuardrails)`) get the same request policy with it.
 */
export function requestGuardrails(octokit: Octokit, options: OctokitOptions) {
  const limit = Number(
    (options.orchestrate as { rateLimitRetries?: number } | undefined)?.rateLimitRetries ?? 0,
  );
  octokit.hook.wrap("request", async (request, raw) => {
    const opts = raw as unknown as RequestOptions;
    if (!isRetryable(opts.method, opts.url, opts.query)) opts.request = { ...opts.request, retries: 0 };
    try {
      return await request(raw);
    } catch (error) {
      // The installation token for this request was refused: say so, rather than pass on a status
      // (a 404, say) that callers would take as the answer about what the request asked for.
      if (isTokenRequest(error) && !isTokenRequest({ request: { url: opts.url } })) {
        const status = statusOf(error);
        throw new InstallationTokenError(
          `GitHub issued no installation token for ${opts.method} ${opts.url}` +
            ` (HTTP ${status ?? "error"}: ${messageOf(error)}): the app may be uninstalled or suspended there.`,
          status,
          error,
        );
      }
      if (!isRateLimited(error)) throw error;
      const secondary = /secondary rate/i.test(messageOf(error));
      const wait = rateLimitWait(error, secondary);
      const tried = Number(opts.request?.retryCount ?? 0);
      throw new RateLimitError(
        `GitHub ${secondary ? "secondary " : ""}rate limit exceeded on ${opts.method} ${opts.url}` +
          ` (HTTP ${statusOf(error)}), still limited after ${Math.min(tried, limit)} retries;` +
          ` GitHub asks to wait ${wait} s. Spread the work out or try again later.`,
        statusOf(error) ?? 403,
        wait,
        error,
      );
    }
  });
  return {};
}

function rateLimitWait(error: unknown, secondary: boolean): number {
  const after = Number(headerOf(error, "retry-after"));
  if (Number.isFinite(after) && after > 0) return after;
  const reset = Number(headerOf(error, "x-ratelimit-reset"));
  if (!secondary && Number.isFinite(reset) && reset > 0) {
    return Math.max(0, Math.ceil(reset - Date.now() / 1000) + 1);
  }
  return 60;
}

/** The Octokit class with every plugin the ports rely on; configure it with `clientOptions`. */
export const OrchestrateOctokit = Octokit.plugin(
  restEndpointMethods,
  paginateRest,
  retry,
  throttling,
  requestGuardrails,
);

/** Octokit constructor options for `createOctokit` (exported for hosts that build the class themselves). */
/**
 * Throttle handlers that wait out primary and secondary rate limits (GitHub's `retry-after` or
 * reset time) up to `rateLimitRetries` times and `maxRateLimitWait` seconds, then give up.
 */
export function rateLimitHandlers(
  options: Pick<CreateOctokitOptions, "rateLimitRetries" | "maxRateLimitWait" | "onRateLimit"> = {},
) {
  const rateLimitRetries = options.rateLimitRetries ?? 3;
  const maxWait = options.maxRateLimitWait ?? 900;
  const handler =
    (kind: "primary" | "secondary") =>
    (retryAfter: number, opts: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const willRetry = retryCount < rateLimitRetries && retryAfter <= maxWait;
      options.onRateLimit?.({ kind, retryAfter, method: opts.method, url: opts.url, retryCount, willRetry });
      return willRetry;
    };
  return { onRateLimit: handler("primary"), onSecondaryRateLimit: handler("secondary") };
}

export function clientOptions(options: CreateOctokitOptions): Record<string, unknown> {
  const retries = options.retries ?? 3;
  const rateLimitRetries = options.rateLimitRetries ?? 3;
  return {
    ...(options.auth !== undefined ? { auth: options.auth } : {}),
    ...(options.authStrategy !== undefined ? { authStrategy: options.authStrategy } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, "") } : {}),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    ...(options.log ? { log: options.log } : {}),
    request: options.fetch ? { fetch: options.fetch } : {},
    retry: {
      retries,
      doNotRetry: [...DO_NOT_RETRY],
      retryAfterBaseValue: options.timing?.backoffUnitMs ?? 1000,
    },
    throttle: {
      id: options.throttleId ?? "orchestrate",
      retryAfterBaseValue: options.timing?.rateLimitUnitMs ?? 1000,
      ...rateLimitHandlers(options),
      ...(options.timing?.writeSpacingMs !== undefined
        ? {
            write: new Bottleneck.Group({
              id: `${options.throttleId ?? "orchestrate"}-write`,
              maxConcurrent: 1,
              minTime: options.timing.writeSpacingMs,
            }),
          }
        : {}),
    },
    orchestrate: { rateLimitRetries },
  };
}

/**
 * An Octokit for the ports: 5xx and network failures retried with backoff on requests safe to
 * repeat (GET, PATCH, PUT, DELETE and content-addressed git object creation); 409 never retried
 * (a conflict is to be re-read); primary and secondary rate limits waited out up to
 * `rateLimitRetries` times, then a RateLimitError.
 */
export function createOctokit(options: CreateOctokitOptions = {}): GitHubClient {
  return new OrchestrateOctokit(clientOptions(options)) as unknown as GitHubClient;
}

/** The same client with retries and throttling off: every request is sent exactly once. */
export function createTestOctokit(
  options: Pick<CreateOctokitOptions, "auth" | "baseUrl" | "fetch" | "userAgent"> = {},
): GitHubClient {
  const base = clientOptions(options);
  return new OrchestrateOctokit({
    ...base,
    retry: { enabled: false },
    throttle: { enabled: false },
  }) as unknown as GitHubClient;
}
