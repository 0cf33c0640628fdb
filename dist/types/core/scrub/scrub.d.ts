/** Secret values shorter than this are ignored: masking them would mask ordinary text. */
export declare const MIN_SECRET_LENGTH = 4;
/**
 * Replaces known token formats and the given secret values (also their base64, base64url and
 * URL-encoded forms) with "***".
 */
export declare function scrub(text: string, secrets?: readonly string[]): string;
/**
 * Every text that gives away one of `secrets`: each value, trimmed, each trimmed line of a
 * multi-line value (those `keepLine` accepts; all by default), and the encoded forms of each
 * (`encodedForms`). Values shorter than `MIN_SECRET_LENGTH` are left out.
 */
export declare function secretForms(secrets: readonly string[], keepLine?: (line: string) => boolean): Set<string>;
/**
 * Precompiles for repeated use on a stream of log lines. Secret values shorter than four characters
 * are ignored; where values overlap, the longest is replaced first. A multi-line value is also
 * masked line by line, and a value with surrounding whitespace also without it.
 */
export declare function createScrubber(secrets?: readonly string[]): (text: string) => string;
