/** The keys a request understands, in English. Every other key is kept as written, lower-cased. */
export type KnownKey = "project" | "requirements" | "stack" | "deadline" | "notes";
/**
 * Spellings accepted for each known key, lower-case, English and Korean. Matching ignores case and
 * runs of spaces, so `Tech Stack`, `tech  stack` and `TECH STACK` are the same key.
 */
export declare const KEY_SYNONYMS: Readonly<Record<KnownKey, readonly string[]>>;
/** Lower-cases a key and collapses its whitespace: `  Tech   Stack ` → `tech stack`. */
export declare function normalizeKey(raw: string): string;
/** The English name of a known key (`스택` → `stack`), or `undefined` for any other key. */
export declare function canonicalKey(raw: string): KnownKey | undefined;
