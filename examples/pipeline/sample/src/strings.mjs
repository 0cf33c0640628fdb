// String helpers of the sample project.

/** Upper-cases the first character of `text`. */
export function capitalize(text) {
  const value = String(text);
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/** Shortens `text` to at most `max` characters, ending with "…" when it was cut. */
export function truncate(text, max) {
  const chars = [...String(text)];
  if (chars.length <= max) return chars.join("");
  return (
    chars
      .slice(0, Math.max(0, max - 1))
      .join("")
      .trimEnd() + "…"
  );
}

// TODO: slugify(text, { separator }) - URL-safe slugs with unicode support (see test/strings.test.mjs).
