/** What a scrubbed secret is replaced with. */
export const MASK = "***";

/** Named groups a pattern may capture; `before` and `after` are kept, `secret` (or the rest) is masked. */
export type Groups = Record<string, string | undefined>;

/** One family of token formats, found in a single pass. */
export interface TokenPattern {
  /** The formats covered, for documentation and tests. */
  readonly name: string;
  /** A global expression. Every one is written to run in linear time on any input. */
  readonly pattern: RegExp;
  /** The replacement for one match. */
  readonly mask: (match: string, groups: Groups) => string;
  /**
   * Found by the text around the credential (a header name, `user:password@`, `?token=`) rather
   * than by its own format: code and documentation hold such text with placeholders all the time.
   */
  readonly contextual?: true;
}

/** Masks the match, keeping the `before` and `after` groups; leaves it when `accept` says no. */
const keep =
  (accept: (secret: string, groups: Groups) => boolean = () => true) =>
  (match: string, groups: Groups): string => {
    const [before = "", after = ""] = [groups["before"], groups["after"]];
    const secret = match.slice(before.length, match.length - after.length);
    return accept(secret, groups) ? before + MASK + after : match;
  };

/**
 * Random-looking: at least two of upper case, lower case and digits, and not a lower-case
 * hyphenated word list (`sk-learn-docs-2`), so ordinary identifiers that share a prefix survive.
 */
const looksRandom = (text: string): boolean =>
  [/[A-Z]/, /[a-z]/, /[0-9]/].filter((re) => re.test(text)).length >= 2 &&
  !/^[a-z0-9]+(?:-[a-z0-9]+)+$/.test(text);

/** Known token formats. Patterns prefer masking too much over too little. */
export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  {
    // GitHub: classic personal (ghp_), OAuth (gho_), user-to-server (ghu_), server-to-server or
    // installation (ghs_) and refresh (ghr_) tokens, 36+ characters after the prefix; fine-grained
    // personal access tokens (github_pat_, 82 characters). Per GitHub's published token formats.
    name: "GitHub tokens",
    pattern: /(?<![A-Za-z])(?:gh[pousr]_[A-Za-z0-9_]{36,}|github_pat_[A-Za-z0-9_]{22,})/g,
    mask: keep(),
  },
  {
    // OpenAI keys: legacy `sk-` + 48, project `sk-proj-`, service account `sk-svcacct-`, admin
    // `sk-admin-`; Anthropic `sk-ant-api03-…` and `sk-ant-admin01-…`. All random base62/base64url.
    name: "OpenAI and Anthropic keys",
    pattern: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g,
    mask: keep((secret) => looksRandom(secret.slice(3))),
  },
  {
    // AWS access key ids (AKIA long-term, ASIA temporary, and the other documented unique-id
    // prefixes), and the value of a secret access key assignment in env, ini, JSON or YAML form.
    name: "AWS credentials",
    pattern:
      /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])|(?<before>(?:aws_?secret(?:_?access)?_?key|secret_?access_?key)["']?\s{0,8}[:=]\s{0,8}["']?)(?<secret>[A-Za-z0-9/+=]{16,})/gi,
    mask: keep(
      (secret, groups) => groups["before"] !== undefined || /^(?:A3T|[A-Z]{4})[A-Z0-9]{16}$/.test(secret),
    ),
  },
  {
    // Slack bot (xoxb-), user (xoxp-), workspace (xoxa-), refresh (xoxr-), legacy (xoxo-, xoxs-)
    // and app-level (xapp-) tokens.
    name: "Slack tokens",
    pattern: /(?<![A-Za-z0-9])x(?:ox[abposr]|app)-[A-Za-z0-9-]{10,}/g,
    mask: keep(),
  },
  {
    // Slack incoming-webhook URLs: the path after /services/ is the credential.
    name: "Slack webhooks",
    pattern: /(?<before>hooks\.slack\.com\/services\/)(?<secret>[A-Za-z0-9/]{8,})/g,
    mask: keep(),
  },
  {
    // npm access tokens (npm_ + 36) and `_authToken=` / `_auth=` lines of an .npmrc.
    name: "npm tokens",
    pattern:
      /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36,}|(?<before>_auth(?:Token)?\s{0,8}=\s{0,8}["']?)(?<secret>[^\s"']{4,})/g,
    mask: keep(),
  },
  {
    // PEM private keys (PKCS#1 RSA, PKCS#8, encrypted PKCS#8, EC, DSA, OpenSSH, PGP blocks), whole
    // block up to the END line, across real or escaped (`\n`) newlines. A block cut off before its
    // END line is masked as far as its base64 body goes.
    name: "private keys",
    pattern:
      /-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----(?:(?:(?!-----BEGIN)[\s\S]){0,20000}?-----END[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:,.-]*)/g,
    mask: keep(),
  },
  {
    // `Authorization:` / `Proxy-Authorization:` headers with any scheme (Bearer, token, Basic, …),
    // API-key headers (X-API-Key, X-Auth-Token, Private-Token), and a bare `Bearer <token>`.
    name: "authorization headers",
    pattern:
      /(?<before>\b(?:(?:proxy-)?authorization|x-api-key|x-auth-token|private-token)["']?\s{0,8}[:=]\s{0,8}["']?(?:(?:bearer|token|basic|digest|bot)\s{1,8})?|\bbearer\s{1,8})(?<secret>[^\s"',;]{4,})/gi,
    mask: keep((secret, groups) => !/^bearer/i.test(groups["before"] ?? "") || looksRandom(secret)),
    contextual: true,
  },
  {
    // Credentials in URLs: `scheme://user:password@host`. The password is masked; for GitHub's
    // `https://<token>:x-oauth-basic@…` form the user is the token and is masked instead.
    name: "URL credentials",
    pattern:
      /\b(?<scheme>[A-Za-z][A-Za-z0-9+.-]{0,20}:\/\/)(?<user>[^\s:@/?#"'<>]{1,256}):(?<password>[^\s@/?#"'<>]{1,256})@/g,
    mask: (_match, { scheme = "", user = "", password = "" }) =>
      password === "x-oauth-basic" ? `${scheme}${MASK}:${password}@` : `${scheme}${user}:${MASK}@`,
    contextual: true,
  },
  {
    // OAuth and API credentials passed in a query string.
    name: "URL query credentials",
    pattern:
      /(?<before>[?&](?:access_token|refresh_token|id_token|client_secret|api_key|apikey|password|token)=)(?<secret>[^&#\s"'<>]{4,})/gi,
    mask: keep(),
    contextual: true,
  },
];
