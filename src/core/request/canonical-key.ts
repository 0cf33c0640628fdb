/** The keys a request understands, in English. Every other key is kept as written, lower-cased. */
export type KnownKey = "project" | "requirements" | "stack" | "deadline" | "notes";

/**
 * Spellings accepted for each known key, lower-case, English and Korean. Matching ignores case and
 * runs of spaces, so `Tech Stack`, `tech  stack` and `TECH STACK` are the same key.
 */
export const KEY_SYNONYMS: Readonly<Record<KnownKey, readonly string[]>> = {
  project: ["project", "project name", "name", "프로젝트", "프로젝트명", "프로젝트 이름", "이름"],
  requirements: [
    "requirements",
    "requirement",
    "reqs",
    "features",
    "feature",
    "요구",
    "요구사항",
    "요구 사항",
    "기능",
  ],
  stack: [
    "stack",
    "tech stack",
    "tech",
    "technology",
    "technologies",
    "스택",
    "기술",
    "기술 스택",
    "기술스택",
  ],
  deadline: ["deadline", "due", "due date", "마감", "마감일", "기한"],
  notes: ["notes", "note", "비고", "메모", "참고"],
};

const LOOKUP: ReadonlyMap<string, KnownKey> = new Map(
  (Object.entries(KEY_SYNONYMS) as [KnownKey, readonly string[]][]).flatMap(([key, names]) =>
    names.map((name) => [name, key] as const),
  ),
);

/** Lower-cases a key and collapses its whitespace: `  Tech   Stack ` → `tech stack`. */
export function normalizeKey(raw: string): string {
  return raw.trim().toLowerCase().split(/\s+/).join(" ");
}

/** The English name of a known key (`스택` → `stack`), or `undefined` for any other key. */
export function canonicalKey(raw: string): KnownKey | undefined {
  return LOOKUP.get(normalizeKey(raw));
}
