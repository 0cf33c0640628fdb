import { TECH_BY_NAME, type TechTerm, techByTag } from "./tech-terms.ts";
import { findInOrder, indexText } from "./text-index.ts";

const MAX_TAG_LENGTH = 64;
const VERSION = /^v?\d+(?:\.\d+)*[a-z]?$/;
const NOT_TAG_CHARS = /[^\p{L}\p{N}.+#]+/gu;

/**
 * Lower-case tags for stack entries, in order, each once. An entry that is a known technology
 * (trailing version dropped: `Python 3.12` → `python`, aliases resolved: `Next.js` → `nextjs`) gives
 * its tag; an entry that names known technologies (`FastAPI (Python)`) gives theirs; any other entry
 * gives itself, lower-cased, with runs of other characters turned into `-` (`Custom ML` →
 * `custom-ml`). Each known technology adds what it implies, transitively: `fastapi` → `python`,
 * `react` → `javascript`, `nextjs` → `react`, `javascript`, `spring-boot` → `spring`, `java`.
 */
export function stackTags(stack: readonly string[]): string[] {
  const tags: string[] = [];
  const seen = new Set<string>();
  const add = (tag: string) => {
    if (tag && !seen.has(tag)) {
      seen.add(tag);
      tags.push(tag);
    }
  };
  const implied: TechTerm[] = [];
  for (const entry of stack) {
    const words = entry.trim().toLowerCase().split(/\s+/);
    if (words.length > 1 && VERSION.test(words[words.length - 1]!)) words.pop();
    const exact = TECH_BY_NAME.get(words.join(" "));
    const terms = exact ? [exact] : findInOrder(indexText(entry), TECH_BY_NAME);
    if (terms.length === 0) add(genericTag(words.join(" ")));
    for (const term of terms) {
      add(term.tag);
      implied.push(term);
    }
  }
  for (let i = 0; i < implied.length; i++) {
    for (const tag of implied[i]!.implies ?? []) {
      if (seen.has(tag)) continue;
      add(tag);
      const term = techByTag(tag);
      if (term) implied.push(term);
    }
  }
  return tags;
}

function genericTag(text: string): string {
  const tag = text.replace(NOT_TAG_CHARS, "-");
  let start = 0;
  let end = Math.min(tag.length, MAX_TAG_LENGTH);
  while (start < end && tag[start] === "-") start++;
  while (end > start && tag[end - 1] === "-") end--;
  return tag.slice(start, end);
}
