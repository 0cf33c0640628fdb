import type { RepoFacts } from "./facts.ts";

/** Source file extensions and the language each names. */
export const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  py: "python",
  go: "go",
  rs: "rust",
  java: "java",
  kt: "kotlin",
  rb: "ruby",
  php: "php",
  cs: "csharp",
  swift: "swift",
  c: "c",
  h: "c",
  cc: "cpp",
  cpp: "cpp",
  hpp: "cpp",
  scala: "scala",
  dart: "dart",
  ex: "elixir",
  exs: "elixir",
  vue: "vue",
  svelte: "svelte",
};

const TEST_PATH = /(^|\/)(tests?|__tests__|spec)\/|[._-](test|spec)\.[a-z]+$|(^|\/)test_[^/]+\.py$/i;
const IGNORED = /(^|\/)(node_modules|\.git|\.orchestrate|dist|build|vendor|\.venv|venv|target)\//;

/**
 * Repository facts from a list of file paths (relative, `/`-separated): code is any file with a
 * source extension outside dependency and build folders; tests are files under test folders or
 * named like tests. Languages are sorted by file count, most first.
 */
export function repoFactsFromPaths(paths: readonly string[], defaultBranch: string): RepoFacts {
  const counts = new Map<string, number>();
  let hasTests = false;
  for (const path of paths) {
    if (IGNORED.test(`${path}`)) continue;
    const dot = path.lastIndexOf(".");
    const language = dot >= 0 ? LANGUAGE_BY_EXTENSION[path.slice(dot + 1).toLowerCase()] : undefined;
    if (!language) continue;
    counts.set(language, (counts.get(language) ?? 0) + 1);
    if (TEST_PATH.test(path)) hasTests = true;
  }
  const languages = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([l]) => l);
  return { has_code: languages.length > 0, has_tests: hasTests, languages, default_branch: defaultBranch };
}
