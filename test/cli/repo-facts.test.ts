import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { localRepoFacts } from "../../src/cli/repo-facts.ts";
import { tempDir } from "./cli-helpers.ts";

/** A new git repository holding `files` (path → text), none of them committed. */
function repository(files: Record<string, string>): string {
  const dir = tempDir();
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("local repository facts", () => {
  it("count files not committed yet: a project with code and tests that are not in git yet has both", () => {
    const dir = repository({ "app/main.py": "print(1)\n", "tests/test_main.py": "def test(): pass\n" });
    expect(localRepoFacts(dir)).toMatchObject({ has_code: true, has_tests: true, languages: ["python"] });
  });

  it("leave out what git ignores, and dependency and state folders that are not ignored", () => {
    const dir = repository({
      ".gitignore": "generated/\n",
      "README.md": "# p\n",
      "generated/client.ts": "export {};\n",
      "node_modules/lib/index.js": "module.exports = 1;\n",
      ".orchestrate/x-1/tasks/dev/1/artifacts/app.py": "print(1)\n",
    });
    expect(localRepoFacts(dir)).toMatchObject({ has_code: false, has_tests: false, languages: [] });
  });
});
