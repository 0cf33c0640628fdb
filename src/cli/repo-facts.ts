import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { RepoFacts } from "../core/plan/facts.ts";
import { repoFactsFromPaths } from "../core/plan/repo-facts.ts";

const MAX_FILES = 20_000;
const SKIP_DIRS = new Set([
  "node_modules",
  ".git",
  ".orchestrate",
  "dist",
  "build",
  "vendor",
  ".venv",
  "venv",
  "target",
]);

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 64 << 20,
    });
  } catch {
    return undefined;
  }
}

function walk(root: string): string[] {
  const out: string[] = [];
  const stack = [""];
  while (stack.length > 0 && out.length < MAX_FILES) {
    const rel = stack.pop()!;
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) stack.push(path);
      } else if (e.isFile()) out.push(path);
    }
  }
  return out;
}

/** Whether `path` is inside a dependency, build or state folder (never the project's own files). */
function skipped(path: string): boolean {
  return path.split("/").some((segment) => SKIP_DIRS.has(segment));
}

/**
 * What the working directory holds: in a repository, the files `git ls-files` lists, tracked or
 * not (a project not committed yet has code too) but not ignored; else a bounded walk.
 */
export function localRepoFacts(cwd: string): RepoFacts {
  const listed = git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd);
  const paths =
    listed !== undefined
      ? listed
          .split("\0")
          .filter((path) => path !== "" && !skipped(path))
          .slice(0, MAX_FILES)
      : walk(cwd);
  const branch =
    git(["symbolic-ref", "--short", "refs/remotes/origin/HEAD"], cwd)
      ?.trim()
      .replace(/^origin\//, "") ??
    git(["symbolic-ref", "--short", "HEAD"], cwd)?.trim() ??
    "main";
  return repoFactsFromPaths(paths, branch || "main");
}
