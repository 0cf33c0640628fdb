/**
 * Errors at the GitHub boundary. An unexpected HTTP failure is wrapped in a `GitHubError` that
 * says which call failed and what to check (a missing app permission is named).
 */

/** The status of an Octokit `RequestError` (network failures carry 500), or undefined. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's own message for a failed request (`message` of the response body, else the error's). */
export function messageOf(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  const data = (error as { response?: { data?: unknown } }).response?.data;
  if (typeof data === "object" && data !== null) {
    const message = (data as { message?: unknown }).message;
    const details = (data as { errors?: unknown }).errors;
    const extra = Array.isArray(details)
      ? details
          .map((d) =>
            typeof d === "string" ? d : ((d as { message?: string }).message ?? JSON.stringify(d)),
          )
          .join("; ")
      : "";
    if (typeof message === "string") return extra ? `${message} (${extra})` : message;
  }
  const graphql = graphqlErrors(error);
  if (graphql.length > 0) return graphql.map((e) => e.message).join("; ");
  return error instanceof Error ? error.message : String(error);
}

/** The errors of a GraphQL response that failed (octokit's GraphqlResponseError), else none. */
export function graphqlErrors(error: unknown): { message: string; type?: string }[] {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || (error as { name?: unknown }).name !== "GraphqlResponseError") return [];
  return errors.map((e: { message?: unknown; type?: unknown }) => ({
    message: String(e?.message ?? JSON.stringify(e)),
    ...(typeof e?.type === "string" ? { type: e.type } : {}),
  }));
}

/** A header of a failed response, lower-cased name. */
export function headerOf(error: unknown, name: string): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;
  const value = headers?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** True when a failure is GitHub refusing for a rate limit (primary or secondary). */
export function isRateLimited(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 429) return true;
  if (status !== 403) return false;
  return headerOf(error, "x-ratelimit-remaining") === "0" || /rate limit/i.test(messageOf(error));
}

/**
 * True when a failure says nothing of whether GitHub did the work: no answer, a 5xx, or a rate
 * limit (429, `RateLimitError`). The request may have landed; trying again later may go through.
 */
export function isUnclear(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500 || status === 429 || error instanceof RateLimitError;
}

/** An unexpected failure of a GitHub call, with what to check. */
export class GitHubError extends Error {
  /** HTTP status, when GitHub answered (500 for network failures). */
  readonly status: number | undefined;
  /** The call that failed, e.g. `create check run orchestrate / design`. */
  readonly operation: string;
  constructor(operation: string, message: string, status: number | undefined, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "GitHubError";
    this.operation = operation;
    this.status = status;
  }
}

/** Still rate limited after the allowed retries. */
export class RateLimitError extends Error {
  readonly status: number;
  /** Seconds GitHub asked to wait before the next request. */
  readonly retryAfter: number;
  constructor(message: string, status: number, retryAfter: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "RateLimitError";
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/**
 * GitHub issued no installation token for a request (the app's token request failed: the
 * installation is suspended or gone, or GitHub did not answer). It carries no `status` of its
 * own: the 404 of a token request is not a 404 of the resource the request asked for (a missing
 * branch or file), so nothing reads it as one; the token request's answer is `tokenStatus`.
 */
export class InstallationTokenError extends Error {
  readonly tokenStatus: number | undefined;
  constructor(message: string, tokenStatus: number | undefined, cause: unknown) {
    super(message, { cause });
    this.name = "InstallationTokenError";
    this.tokenStatus = tokenStatus;
  }
}

/** The installation token request: its URL, or its route (`{installation_id}`) before expansion. */
const TOKEN_REQUEST = /\/app\/installations\/(?:\d+|\{installation_id\})\/access_tokens(?:$|\?)/;

/** Whether a failed request is the request for an installation token. */
export function isTokenRequest(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const url = (error as { request?: { url?: unknown } }).request?.url;
  return typeof url === "string" && TOKEN_REQUEST.test(url);
}

/** App permissions, named as in the app manifest. */
export type AppPermission =
  | "contents: read"
  | "contents: write"
  | "issues: write"
  | "checks: write"
  | "actions: write"
  | "metadata: read"
  | "members: read"
  | "pull_requests: write"
  | "deployments: write";

/**
 * Wraps an unexpected failure of `operation`, which needs `permission`. Errors that are already
 * ours (GitHubError, RateLimitError, InstallationTokenError) pass through unchanged.
 */
export function failure(operation: string, error: unknown, permission: AppPermission): Error {
  if (
    error instanceof GitHubError ||
    error instanceof RateLimitError ||
    error instanceof InstallationTokenError
  )
    return error;
  const status = statusOf(error);
  const said = messageOf(error);
  const graphql = status === undefined && graphqlErrors(error).length > 0;
  const hint = graphql ? graphqlHint(said, permission) : hintFor(status, said, permission);
  const where = status === undefined ? (graphql ? " (GraphQL)" : "") : ` (HTTP ${status})`;
  return new GitHubError(operation, `GitHub: ${operation} failed${where}: ${said}. ${hint}`, status, error);
}

/** GraphQL answers 200 with errors: the hint comes from what they say. */
function graphqlHint(said: string, permission: AppPermission): string {
  if (/not accessible by integration|permission|forbidden/i.test(said))
    return hintFor(403, "not accessible by integration", permission);
  if (/could not resolve|not found|does not exist/i.test(said)) return hintFor(404, said, permission);
  return "GitHub refused the GraphQL request: see its message above.";
}

function hintFor(status: number | undefined, said: string, permission: AppPermission): string {
  switch (status) {
    case undefined:
      return "This is not an HTTP error: see the cause.";
    case 401:
      return "The token is invalid or expired: check the app's credentials or the workflow's token.";
    case 403:
      // A workflow's GITHUB_TOKEN: a repository setting, not a permission, allows pull requests.
      if (/not permitted to create or approve pull requests/i.test(said))
        return 'Turn on Settings → Actions → General → Workflow permissions → "Allow GitHub Actions to create and approve pull requests" (or give the workflow a GitHub App token).';
      return /not accessible by integration|permission/i.test(said) || said === "Forbidden"
        ? `The app needs ${permission}: add it to the app manifest (or the workflow's \`permissions:\`) and accept it on the installation.`
        : `GitHub refused the request: check the app's ${permission} permission and branch protection rules.`;
    case 404:
      return `The repository or object was not found: check that the app is installed on the repository with ${permission}.`;
    case 409:
      return "GitHub reported a conflict: the repository may be empty or the object changed; read it again.";
    case 422:
      return "GitHub rejected the request as invalid: see its message above.";
    default:
      return status >= 500
        ? "GitHub is failing or unreachable (retried where safe): try again later."
        : "Check the request and the app's permissions.";
  }
}

/** Runs `fn`, wrapping any failure with `failure(operation, …, permission)`. */
export async function guarded<T>(
  operation: string,
  permission: AppPermission,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw failure(operation, error, permission);
  }
}
