/**
 * Cleaning of untrusted request text before anything reads it. Issue text is data: it is never
 * evaluated, so `${{ secrets.X }}`, backticks and `$(…)` pass through as ordinary characters.
 */
/** Cap on the cleaned request text, in UTF-8 bytes (64 KiB). Longer text is cut at a character boundary. */
export declare const MAX_TEXT_BYTES: number;
/**
 * Raw input beyond this many UTF-16 code units per byte of the cap is dropped before cleaning (1 Mi
 * code units for the 64 KiB text cap), so the work done on a hostile body stays bounded whatever its size.
 */
export declare const RAW_CHARS_PER_BYTE = 16;
/** True when the text still holds a character {@link stripHidden} removes. */
export declare function hasHidden(text: string): boolean;
/**
 * Removes characters a reader cannot see but a model or a terminal may act on (see `HIDDEN`): NUL
 * and other C0/C1 control characters (tab and newline are kept), format characters such as bidi
 * controls, zero-width characters and Unicode tags, other default-ignorable characters such as
 * variation selectors. Line and paragraph separators become newlines (words they separate stay
 * apart). `\r\n` becomes `\n`; a lone `\r` is a control character and is removed.
 */
export declare function stripHidden(text: string): string;
/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export declare function capUtf8(text: string, maxBytes?: number): string;
/**
 * Prepares untrusted request text: drops raw input beyond `maxBytes` × {@link RAW_CHARS_PER_BYTE}
 * code units, strips hidden characters, then caps the result at `maxBytes` UTF-8 bytes
 * ({@link MAX_TEXT_BYTES} by default).
 */
export declare function cleanText(raw: unknown, maxBytes?: number): string;
