/**
 * Whether a value (or a line of one) is secret by itself: 16 or more characters, no whitespace.
 * The Action gets `secrets-to-mask` one value per line, so this is what decides whether a line
 * (a PEM header, a short password such as `postgres`) may refuse a commit.
 */
export declare const secretLine: (line: string) => boolean;
/**
 * Precompiles a search for `secrets` in bytes: true when `content` holds one of the values as
 * written (UTF-8), trimmed, or in one of the encoded forms the scrubber masks (base64, base64url,
 * URL-encoded, JSON-escaped), or a line of a multi-line value that is secret by itself. Bytes
 * are compared as they are, so binary content is searched as well as text; one pass over the
 * content whatever the number of secrets. Values shorter than `MIN_SECRET_LENGTH` are ignored, as
 * the scrubber ignores them.
 */
export declare function createSecretFinder(secrets: readonly string[]): (content: Uint8Array) => boolean;
/**
 * The names of the known token formats (`TOKEN_PATTERNS`) that `text` holds at least one match
 * of, by the rules the scrubber masks with (a lookalike it leaves, such as `sk-learn-docs-2`, does
 * not count). Families found only by their context (`contextual`) are not looked for.
 */
export declare function tokenKinds(text: string): string[];
