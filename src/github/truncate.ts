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
