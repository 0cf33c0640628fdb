// Walks the working directory for the analysis phase: file names, extensions and sizes only. It never
// opens a file that may hold a secret (.env, keys, credentials); callers read only manifests they name.
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";

const SKIP_DIRS = new Set([
  ".git",
  ".orchestrate",
  ".venv",
  "__pycache__",
  "build",
  "coverage",
  "dist",
  "node_modules",
  "target",
  "vendor",
  "venv",
]);

const SENSITIVE = [
  /^\.env(?!\.(example|sample|template)$)(\..+)?$/,
  /\.(pem|key|p12|pfx|keystore|jks)$/,
  /^id_(rsa|dsa|ecdsa|ed25519)$/,
  /^(credentials|secrets?)(\.(json|ya?ml|toml|ini|txt|env))?$/i,
  /^\.(npmrc|netrc|pypirc)$/,
];

const LANGUAGES = {
  ".cjs": "JavaScript",
  ".go": "Go",
  ".java": "Java",
  ".js": "JavaScript",
  ".jsx": "JavaScript",
  ".kt": "Kotlin",
  ".mjs": "JavaScript",
  ".py": "Python",
  ".rb": "Ruby",
  ".rs": "Rust",
  ".sql": "SQL",
  ".ts": "TypeScript",
  ".tsx": "TypeScript",
  ".vue": "Vue",
};

/** True when a file name looks like it holds a secret. */
export const isSensitive = (name) => SENSITIVE.some((re) => re.test(name));

/** The language of a file extension, or undefined for non-code files. */
export const languageOf = (ext) => LANGUAGES[ext];

/**
 * Lists the files under `root` (sorted, `/`-separated, at most `limit`), skipping dependency, build
 * and VCS folders and symbolic links. Sizes come from `stat`; no file is read.
 */
export function scanWorkingDir(root = process.cwd(), limit = 20000) {
  const files = [];
  const walk = (dir, prefix) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (files.length >= limit) return;
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), path);
      if (!entry.isFile()) continue;
      const sensitive = isSensitive(entry.name);
      const bytes = sensitive ? 0 : safeSize(join(dir, entry.name));
      files.push({
        path,
        name: entry.name,
        ext: extname(entry.name).toLowerCase() || "(none)",
        bytes,
        sensitive,
      });
    }
  };
  walk(root, "");
  return { files, truncated: files.length >= limit };
}

function safeSize(path) {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Groups files by a key: `[key, count, bytes]` rows, largest count first, then by key. */
export function groupBy(files, keyOf) {
  const groups = new Map();
  for (const file of files) {
    const key = keyOf(file);
    const group = groups.get(key) ?? [key, 0, 0];
    group[1] += 1;
    group[2] += file.bytes;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
