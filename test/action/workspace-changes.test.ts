import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { taskFileProblems } from "../../src/action/task-files.ts";
import { workspaceChanges } from "../../src/action/workspace-changes.ts";

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@t",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@t",
};

/** Runs git in `cwd` (local clones allowed: submodules here come from a folder). */
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "protocol.file.allow=always", ...args], {
    cwd,
    encoding: "utf8",
    env: ENV,
  }).trim();

/** A repository with one file, committed. */
function repository(dir: string, file: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q");
  writeFileSync(join(dir, file), text);
  git(dir, "add", ".");
  git(dir, "commit", "-qm", "initial");
  return dir;
}

/** A checkout with `README.md` and the submodule `lib` (a repository of its own, initialised). */
function checkoutWithSubmodule() {
  const root = mkdtempSync(join(tmpdir(), "orchestrate-submodule-"));
  const lib = repository(join(root, "lib"), "lib.txt", "lib\n");
  const checkout = repository(join(root, "checkout"), "README.md", "# r\n");
  git(checkout, "submodule", "add", "-q", lib, "lib");
  git(checkout, "commit", "-qm", "add lib");
  return { root, lib, checkout };
}

const paths = (changes: Awaited<ReturnType<typeof workspaceChanges>>) => changes.files.map((f) => f.path);

describe("workspaceChanges", () => {
  it("leaves out a submodule the agent changed files in, saying why, and takes the other changes", async () => {
    const { checkout } = checkoutWithSubmodule();
    writeFileSync(join(checkout, "lib", "lib.txt"), "changed inside the submodule\n");
    writeFileSync(join(checkout, "README.md"), "# r, edited\n");

    const changes = await workspaceChanges(checkout);
    expect(paths(changes)).toEqual(["README.md"]);
    expect(changes.leftOut).toEqual([
      {
        path: "lib",
        why: "a submodule: what changed inside it belongs to its own repository, and the commit keeps it as it was",
      },
    ]);
    expect(taskFileProblems(changes.files, 1, "build/dev")).toEqual([]);
  });

  it("never deletes a submodule: one committed to, or removed, is left out", async () => {
    const { checkout } = checkoutWithSubmodule();
    writeFileSync(join(checkout, "lib", "more.txt"), "more\n");
    git(join(checkout, "lib"), "add", ".");
    git(join(checkout, "lib"), "commit", "-qm", "inside");
    expect((await workspaceChanges(checkout)).leftOut.map((l) => l.path)).toEqual(["lib"]);
    expect((await workspaceChanges(checkout)).files).toEqual([]);

    rmSync(join(checkout, "lib"), { recursive: true, force: true });
    const changes = await workspaceChanges(checkout);
    expect(changes.files).toEqual([]);
    expect(changes.leftOut.map((l) => l.path)).toEqual(["lib"]);
  });

  it("leaves out a repository the agent cloned or created in the checkout, whose files are not listed", async () => {
    const root = mkdtempSync(join(tmpdir(), "orchestrate-nested-"));
    const upstream = repository(join(root, "upstream"), "u.txt", "u\n");
    const checkout = repository(join(root, "checkout"), "README.md", "# r\n");
    git(checkout, "clone", "-q", upstream, "vendor-y");
    repository(join(checkout, "tools", "scratch"), "s.txt", "s\n");
    mkdirSync(join(checkout, "src"));
    writeFileSync(join(checkout, "src", "x.ts"), "export const x = 1;\n");

    const changes = await workspaceChanges(checkout);
    expect(paths(changes)).toEqual(["src/x.ts"]);
    const why = "a git repository inside the checkout: nested repositories are not committed";
    expect(changes.leftOut).toEqual([
      { path: "tools/scratch/", why },
      { path: "vendor-y/", why },
    ]);
    // The attempt does not fail on a path that is a folder.
    expect(taskFileProblems(changes.files, 1, "build/dev")).toEqual([]);
  });

  it("a tracked file replaced by a folder is deleted, the folder's files added", async () => {
    const root = mkdtempSync(join(tmpdir(), "orchestrate-replace-"));
    const checkout = repository(join(root, "checkout"), "docs", "a file\n");
    rmSync(join(checkout, "docs"));
    mkdirSync(join(checkout, "docs"));
    writeFileSync(join(checkout, "docs", "index.md"), "# Docs\n");

    const changes = await workspaceChanges(checkout);
    expect(changes.files).toEqual([
      { path: "docs", content: null },
      { path: "docs/index.md", content: Buffer.from("# Docs\n"), mode: "100644" },
    ]);
    expect(changes.leftOut).toEqual([]);
  });
});
