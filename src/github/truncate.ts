/**
 * `text` cut to at most `limit` characters (UTF-16 units, as GitHub counts), ending with `note`
 * when cut. A surrogate pair is never split.
 */
export function truncate(text: string, limit: number, note = "…"): string {
  if (text.length <= limit) return text;
  let cut = Math.max(0, limit - note.length);
  const code = text.charCodeAt(cut - 1);
  if (cut > 0 && code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + note.slice(0, limit);
}

/**
 * `text` cut to at most `limit` UTF-8 bytes, ending with `note` when cut (the note's bytes counted
 * within the limit). For the fields GitHub measures in bytes although its documentation says
 * characters: a check run's `summary` is refused past 65,535 bytes, which 22,000 Korean
 * characters already exceed. A character, or a surrogate pair, is never split.
 */
export function truncateBytes(text: string, limit: number, note = "…"): string {
  if (Buffer.byteLength(text, "utf8") <= limit) return text;
  const room = limit - Buffer.byteLength(note, "utf8");
  if (room < 0) return truncateBytes(note, limit, "");
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const [size, units] = utf8Size(text, end);
    if (bytes + size > room) break;
    bytes += size;
    end += units;
  }
  return text.slice(0, end) + note;
}

/**
 * The UTF-8 size of the character at `i` and its UTF-16 units: a surrogate pair is 4 bytes in 2
 * units; a lone surrogate counts 3 bytes, as it is sent (U+FFFD).
 */
function utf8Size(text: string, i: number): [bytes: number, units: number] {
  const unit = text.charCodeAt(i);
  if (unit < 0x80) return [1, 1];
  if (unit < 0x800) return [2, 1];
  const next = text.charCodeAt(i + 1);
  if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return [4, 2];
  return [3, 1];
}
