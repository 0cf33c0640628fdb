// Snippet the builder inserts into the sample project in place of the slugify() TODO. Lines starting
// with "//" at the top of this file are not copied.
/**
 * A URL-safe slug of `text`: lower-case letters and digits of any script joined by `separator`.
 * Accents are removed from Latin letters only (marks of other scripts carry meaning); output is NFC.
 */
export function slugify(text, { separator = "-" } = {}) {
  const edge = separator.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return String(text)
    .normalize("NFKD")
    .replace(/(\p{Script=Latin})\p{M}+/gu, "$1")
    .normalize("NFC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, separator)
    .replace(new RegExp(`^(?:${edge})+|(?:${edge})+$`, "g"), "");
}
