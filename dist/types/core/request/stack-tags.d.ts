/**
 * Lower-case tags for stack entries, in order, each once. An entry that is a known technology
 * (trailing version dropped: `Python 3.12` → `python`, aliases resolved: `Next.js` → `nextjs`) gives
 * its tag; an entry that names known technologies (`FastAPI (Python)`) gives theirs; any other entry
 * gives itself, lower-cased, with runs of other characters turned into `-` (`Custom ML` →
 * `custom-ml`). Each known technology adds what it implies, transitively: `fastapi` → `python`,
 * `react` → `javascript`, `nextjs` → `react`, `javascript`, `spring-boot` → `spring`, `java`.
 */
export declare function stackTags(stack: readonly string[]): string[];
