import { describe, expect, it } from "vitest";
import { createTestOctokit } from "../../src/github/octokit.ts";
import { type ResultRecord, resultPath, taskBranch } from "../../src/github/result-record.ts";
import {
  commitTaskResult,
  INLINE_MAX_BYTES,
  type TaskFile,
  TREE_REQUEST_BYTES,
  TREE_REQUEST_ENTRIES,
} from "../../src/github/task-commit.ts";
import { fakeRepo } from "../support/github/fake-repo.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";

const gh = useGitHubMock();
const repo = { owner: "o", repo: "r" };
const record: ResultRecord = {
  execution: "o/r#1",
  task: "build/dev",
  attempt: 1,
  status: "succeeded",
  artifacts: [],
};

const BLOBS = "POST /repos/{owner}/{repo}/git/blobs";
const TREES = "POST /repos/{owner}/{repo}/git/trees";

type TreeBody = { base_tree: string; tree: { path: string; sha?: string | null; content?: string }[] };

/** Commits `files` on top of a repository holding `existing`; returns the repository and the write requests. */
async function commit(files: TaskFile[], existing: Record<string, string> = { "README.md": "# r\n" }) {
  const { git } = fakeRepo(gh, { files: existing });
  const base = git.head("main")!;
  const sha = await commitTaskResult(createTestOctokit(), repo, {
    issue: 1,
    base,
    files,
    record,
    message: "build/dev attempt 1",
  });
  const writes = gh.requests.filter((r) => r.method !== "GET");
  const trees = writes.filter((r) => r.route === TREES).map((r) => r.body as TreeBody);
  return { git, base, sha, writes, trees, branch: taskBranch(1, "build/dev") };
}

const text = (path: string, body: string): TaskFile => ({ path, content: Buffer.from(body) });

describe("commitTaskResult", () => {
  it("sends text files inline in the tree request: only binary, large or CR files are uploaded as blobs", async () => {
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
    const large = "x".repeat(INLINE_MAX_BYTES + 1);
    const files: TaskFile[] = [
      ...Array.from({ length: 40 }, (_, i) => text(`gen/f${i}.txt`, `${i}\n`)),
      text("docs/ünïcode.md", "naïve café ✓\n"),
      { path: "bin/run", content: Buffer.from("#!/bin/sh\necho hi\n"), mode: "100755" },
      { path: "link", content: Buffer.from("gen/f0.txt"), mode: "120000" },
      { path: "logo.png", content: binary },
      { path: "latin1.txt", content: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]) },
      text("windows.txt", "a\r\nb\r\n"),
      text("big.txt", large),
      { path: "README.md", content: null },
    ];
    const { git, sha, writes, trees, branch } = await commit(files);

    expect(writes.map((r) => r.route)).toEqual([
      BLOBS,
      BLOBS,
      BLOBS,
      BLOBS,
      TREES,
      "POST /repos/{owner}/{repo}/git/commits",
      "POST /repos/{owner}/{repo}/git/refs",
    ]);
    const uploaded = writes
      .filter((r) => r.route === BLOBS)
      .map((r) => Buffer.from((r.body as { content: string }).content, "base64"));
    expect(uploaded).toEqual(
      expect.arrayContaining([
        binary,
        Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
        Buffer.from("a\r\nb\r\n"),
      ]),
    );
    expect(trees).toHaveLength(1);
    const entry = (path: string) => trees[0]!.tree.find((e) => e.path === path);
    expect(entry("gen/f7.txt")).toEqual({ path: "gen/f7.txt", mode: "100644", type: "blob", content: "7\n" });
    expect(entry("bin/run")).toMatchObject({ mode: "100755", content: "#!/bin/sh\necho hi\n" });
    expect(entry("link")).toMatchObject({ mode: "120000", content: "gen/f0.txt" });
    expect(entry("README.md")).toEqual({ path: "README.md", mode: "100644", type: "blob", sha: null });

    expect(git.head(branch)).toBe(sha);
    const tree = git.files(sha);
    expect(tree.get("gen/f39.txt")?.toString()).toBe("39\n");
    expect(tree.get("docs/ünïcode.md")?.toString()).toBe("naïve café ✓\n");
    expect(tree.get("logo.png")).toEqual(binary);
    expect(tree.get("latin1.txt")).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect(tree.get("windows.txt")?.toString()).toBe("a\r\nb\r\n");
    expect(tree.get("big.txt")?.toString()).toBe(large);
    expect(tree.has("README.md")).toBe(false);
    expect(JSON.parse(tree.get(resultPath(1, "build/dev"))!.toString())).toEqual(record);
  });

  it("spreads 4,000 text files over a few tree requests of bounded size, each on the tree before", async () => {
    const files = [
      ...Array.from({ length: 2000 }, (_, i) =>
        text(`src/f${i}.ts`, `export const f${i} = "${"y".repeat(1000)}";\n`),
      ),
      ...Array.from({ length: 2000 }, (_, i) =>
        text(`.orchestrate/artifacts/build__dev/n${i}.md`, `# ${i}\n`),
      ),
      { path: "zz-old.txt", content: null },
    ];
    const { git, base, sha, writes, trees } = await commit(files, {
      "README.md": "# r\n",
      "zz-old.txt": "old\n",
    });

    expect(writes.filter((r) => r.route === BLOBS)).toEqual([]);
    expect(trees.length).toBeGreaterThanOrEqual(4);
    expect(trees.length).toBeLessThanOrEqual(6);
    for (const [i, body] of trees.entries()) {
      expect(body.tree.length).toBeLessThanOrEqual(TREE_REQUEST_ENTRIES);
      expect(Buffer.byteLength(JSON.stringify(body.tree))).toBeLessThanOrEqual(TREE_REQUEST_BYTES);
      // Each request builds on the tree the one before made (the first on the base commit's).
      if (i === 0) expect(body.base_tree).toBe(git.commits.get(base)!.tree);
      else {
        const on = git.trees.get(body.base_tree)!;
        for (const e of trees[i - 1]!.tree) expect(on.has(e.path)).toBe(e.sha !== null);
      }
    }
    // Deletions come first: a file may replace a folder it deletes, and the other way round.
    expect(trees[0]!.tree[0]).toEqual({ path: "zz-old.txt", mode: "100644", type: "blob", sha: null });
    expect(trees.flatMap((t) => t.tree)).toHaveLength(files.length + 1);

    const tree = git.files(sha);
    expect(tree.size).toBe(4000 + 2);
    expect(tree.get("src/f1999.ts")?.toString()).toContain("export const f1999");
    expect(tree.get(".orchestrate/artifacts/build__dev/n0.md")?.toString()).toBe("# 0\n");
    expect(tree.has("zz-old.txt")).toBe(false);
  });
});
