import { literalPattern } from "./literal-pattern.ts";
import { type Groups, TOKEN_PATTERNS } from "./patterns.ts";
import { secretForms } from "./scrub.ts";

/**
 * Shortest line of a multi-line secret searched for on its own. Finding a secret refuses a
 * commit, so a line must be secret by itself: a PEM key's base64 lines are, its `-----BEGIN …`
 * line, an INI section (`[default]`) or a pretty-printed JSON key line are not.
 */
const MIN_SECRET_LINE = 16;

/**
 * Whether a value (or a line of one) is secret by itself: 16 or more characters, no whitespace.
 * The Action gets `secrets-to-mask` one value per line, so this is what decides whether a line
 * (a PEM header, a short password such as `postgres`) may refuse a commit.
 */
export const secretLine = (line: string): boolean => line.length >= MIN_SECRET_LINE && !/\s/.test(line);

/**
 * Precompiles a search for `secrets` in bytes: true when `content` holds one of the values as
 * written (UTF-8), trimmed, or in one of the encoded forms the scrubber masks (base64, base64url,
 * URL-encoded, JSON-escaped), or a line of a multi-line value that is secret by itself. Bytes
 * are compared as they are, so binary content is searched as well as text; one pass over the
 * content whatever the number of secrets. Values shorter than `MIN_SECRET_LENGTH` are ignored, as
 * the scrubber ignores them.
 */
export function createSecretFinder(secrets: readonly string[]): (content: Uint8Array) => boolean {
  // Each form as its UTF-8 bytes, one character per byte: latin1 maps bytes to characters 1:1.
  const forms = [...secretForms(secrets, secretLine)].map((form) =>
    Buffer.from(form, "utf8").toString("latin1"),
  );
  const literal = literalPattern(forms);
  if (!literal) return () => false;
  const pattern = new RegExp(literal.source); // not global: no lastIndex carried between calls
  return (content) =>
    pattern.test(Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString("latin1"));
}

/**
 * The names of the known token formats (`TOKEN_PATTERNS`) that `text` holds at least one match
 * of, by the rules the scrubber masks with (a lookalike it leaves, such as `sk-learn-docs-2`, does
 * not count). Families found only by their context (`contextual`) are not looked for.
 */
export function tokenKinds(text: string): string[] {
  const kinds: string[] = [];
  for (const { name, pattern, mask, contextual } of TOKEN_PATTERNS) {
    if (contextual) continue;
    for (const match of text.matchAll(pattern)) {
      const groups: Groups = match.groups ?? {};
      if (mask(match[0], groups) !== match[0]) {
        kinds.push(name);
        break;
      }
    }
  }
  return kinds;
}
