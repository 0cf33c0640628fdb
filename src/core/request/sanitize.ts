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
 * NUL and C0 controls except tab and newline, DEL, C1 controls, bidi controls (U+061C, U+200E,
 * U+200F, U+202A–U+202E, U+2066–U+2069) and zero-width characters (U+200B–U+200D, U+2060, U+FEFF).
 */
const HIDDEN =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]+/g;

/** True when the text still holds a character {@link stripHidden} removes. */
export function hasHidden(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

/**
 * Removes characters a reader cannot see but a model or a terminal may act on: NUL and other C0/C1
 * control characters (tab and newline are kept), bidi controls and zero-width characters.
 * `\r\n` becomes `\n`; a lone `\r` is a control character and is removed.
 */
export function stripHidden(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(HIDDEN, "");
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
