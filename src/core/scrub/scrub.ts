import { encodedForms } from "./encoded-forms.ts";
import { literalPattern } from "./literal-pattern.ts";
import { type Groups, MASK, TOKEN_PATTERNS } from "./patterns.ts";

/** Secret values shorter than this are ignored: masking them would mask ordinary text. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Replaces known token formats and the given secret values (also their base64, base64url and
 * URL-encoded forms) with "***".
 */
export function scrub(text: string, secrets: readonly string[] = []): string {
  return createScrubber(secrets)(text);
}

/**
 * Every text that gives away one of `secrets`: each value, trimmed, each trimmed line of a
 * multi-line value (those `keepLine` accepts; all by default), and the encoded forms of each
 * (`encodedForms`). Values shorter than `MIN_SECRET_LENGTH` are left out.
 */
export function secretForms(
  secrets: readonly string[],
  keepLine: (line: string) => boolean = () => true,
): Set<string> {
  const values = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string") continue;
    const lines = secret.split(/\r?\n/).map((line) => line.trim());
    const variants = [secret, secret.trim(), ...(lines.length > 1 ? lines.filter(keepLine) : [])];
    for (const variant of variants) {
      if (variant.length < MIN_SECRET_LENGTH || values.has(variant)) continue;
      values.add(variant);
      for (const form of encodedForms(variant)) values.add(form);
    }
  }
  return values;
}

/**
 * Precompiles for repeated use on a stream of log lines. Secret values shorter than four characters
 * are ignored; where values overlap, the longest is replaced first. A multi-line value is also
 * masked line by line, and a value with surrounding whitespace also without it.
 */
export function createScrubber(secrets: readonly string[] = []): (text: string) => string {
  const values = secretForms(secrets);
  const literal = literalPattern(values);
  // Masking inserts "*": only a value containing "*" can reappear around an inserted mask.
  const recheck = [...values].some((value) => value.includes("*"));

  const maskValues = (text: string): string => {
    if (!literal) return text;
    let current = text;
    for (;;) {
      const next = current.replace(literal, MASK);
      if (next === current || !recheck) return next;
      current = next; // each round shortens the text, so this ends
    }
  };

  return (text: string): string => {
    let out = maskValues(String(text));
    for (const { pattern, mask } of TOKEN_PATTERNS) {
      out = out.replace(pattern, (match: string, ...rest: unknown[]) => {
        const last = rest.at(-1);
        return mask(match, typeof last === "object" && last !== null ? (last as Groups) : {});
      });
    }
    return recheck ? maskValues(out) : out;
  };
}
