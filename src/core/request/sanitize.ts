/**
 * Cleaning of untrusted request text before anything reads it. Issue text is data: it is never
 * evaluated, so `${{ secrets.X }}`, backticks and `$(…)` pass through as ordinary characters.
 */

/** Cap on the cleaned request text, in UTF-8 bytes (64 KiB). Longer text is cut at a character boundary. */
export const MAX_TEXT_BYTES = 64 * 1024;

/**
 * Raw input beyond this many UTF-16 code units per byte of the cap is dropped before cleaning (1 Mi
 * code units for the 64 KiB text cap), so the work done on a hostile body stays bounded whatever its size.
 */
export const RAW_CHARS_PER_BYTE = 16;

/**
 * Characters a reader does not see: NUL and C0 controls except tab and newline, DEL, C1 controls,
 * every format character (`\p{Cf}`: bidi controls, zero-width characters, the soft hyphen,
 * invisible operators U+2061–U+2064, U+180E, U+FEFF, Unicode tags…), every character Unicode says
 * to draw as nothing (`\p{Default_Ignorable_Code_Point}`: the whole tag block U+E0000–U+E0FFF,
 * variation selectors U+FE00–U+FE0F and U+E0100–U+E01EF, the combining grapheme joiner U+034F,
 * Hangul fillers…). (The line and paragraph separators U+2028 and U+2029 become newlines.) The zero-width joiner
 * goes too, also inside emoji sequences (a joined emoji shows as its parts): text that cannot hide
 * anything in joiners is worth more than the joined glyph.
 */
const HIDDEN =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029]+/gu;

/** Line and paragraph separators: line breaks to a reader, so kept as newlines. */
const SEPARATORS = /[\u2028\u2029]/g;

/** True when the text still holds a character {@link stripHidden} removes. */
export function hasHidden(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

/**
 * Removes characters a reader cannot see but a model or a terminal may act on (see `HIDDEN`): NUL
 * and other C0/C1 control characters (tab and newline are kept), format characters such as bidi
 * controls, zero-width characters and Unicode tags, other default-ignorable characters such as
 * variation selectors. Line and paragraph separators become newlines (words they separate stay
 * apart). `\r\n` becomes `\n`; a lone `\r` is a control character and is removed.
 */
export function stripHidden(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(SEPARATORS, "\n").replace(HIDDEN, "");
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function capUtf8(text: string, maxBytes: number = MAX_TEXT_BYTES): string {
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let size = 3;
    let units = 1;
    if (code < 0x80) size = 1;
    else if (code < 0x800) size = 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        size = 4;
        units = 2;
      }
    }
    if (bytes + size > maxBytes) return text.slice(0, i);
    bytes += size;
    i += units - 1;
  }
  return text;
}

/**
 * Prepares untrusted request text: drops raw input beyond `maxBytes` × {@link RAW_CHARS_PER_BYTE}
 * code units, strips hidden characters, then caps the result at `maxBytes` UTF-8 bytes
 * ({@link MAX_TEXT_BYTES} by default).
 */
export function cleanText(raw: unknown, maxBytes: number = MAX_TEXT_BYTES): string {
  if (typeof raw !== "string") return "";
  const maxRaw = maxBytes * RAW_CHARS_PER_BYTE;
  let text = raw;
  if (text.length > maxRaw) {
    const last = text.charCodeAt(maxRaw - 1);
    text = text.slice(0, last >= 0xd800 && last <= 0xdbff ? maxRaw - 1 : maxRaw);
  }
  return capUtf8(stripHidden(text), maxBytes);
}
