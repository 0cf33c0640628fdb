import { describe, expect, it } from "vitest";
import { commitPathProblem, problemList, taskFileProblems } from "../../src/action/task-files.ts";
import { MAX_FILE_BYTES, MAX_FILES } from "../../src/action/workspace-changes.ts";
import { MAX_BLOB_FILES } from "../../src/github/task-commit.ts";

const TASK = "build/dev";
const OWN = ".orchestrate/issue-1/artifacts/build__dev";

describe("commitPathProblem", () => {
  it.each([
    "src/x.ts",
    "README.md",
    ".github/dependabot.yml",
    `${OWN}/notes.md`,
    `${OWN}/deep/notes.md`,
    "a/.gitignore",
    "docs/.github/workflows/x.yml",
  ])("lets %s through", (path) => {
    expect(commitPathProblem(path, 1, TASK)).toBeUndefined();
  });

  it.each([
    ["", /empty path/],
    ["/etc/passwd", /is absolute/],
    ["\\server\\share", /is absolute/],
    ["C:/x", /is absolute/],
    ["../outside", /leaves the repository/],
    ["src/../../outside", /leaves the repository/],
    ["src\\..\\..\\outside", /leaves the repository/],
    ["src//x.ts", /not a plain path/],
    ["./src/x.ts", /not a plain path/],
    ["src/", /not a plain path/],
    [".git/config", /inside \.git/],
    [".git/hooks/pre-commit", /inside \.git/],
    ["sub/.GIT/config", /inside \.git/],
    [".github/workflows/ci.yml", /agents do not change workflows/],
    [".orchestrate/issue-1/results/build__dev.json", /reserved for result records/],
    [".orchestrate/issue-1/artifacts/design__architect/design.md", /reserved for result records/],
    // Another issue's folder of the same task.
    [".orchestrate/issue-2/artifacts/build__dev/notes.md", /reserved for result records/],
    [`${OWN}`, /reserved for result records/],
    ["a\0b", /NUL/],
  ])("refuses %j", (path, expected) => {
    expect(commitPathProblem(path, 1, TASK)).toMatch(expected);
  });
});

describe("taskFileProblems", () => {
  it("accepts an attempt's ordinary files and deletions", () => {
    expect(
      taskFileProblems(
        [
          { path: "src/x.ts", content: Buffer.from("x"), mode: "100644" },
          { path: "bin/run", content: Buffer.from("#!/bin/sh\n"), mode: "100755" },
          { path: "link", content: Buffer.from("src/x.ts"), mode: "120000" },
          { path: "old.ts", content: null },
          { path: `${OWN}/notes.md`, content: Buffer.from("# notes\n") },
        ],
        1,
        TASK,
      ),
    ).toEqual([]);
  });

  it("refuses a path that is both a file and the folder of another (a deleted file may become a folder)", () => {
    expect(
      taskFileProblems(
        [
          { path: "docs", content: Buffer.from("x") },
          { path: "docs/a.md", content: Buffer.from("a") },
          { path: "lib", content: null },
          { path: "lib/index.ts", content: Buffer.from("export {};\n") },
        ],
        1,
        TASK,
      ),
    ).toEqual(['"docs" is both a file and the folder of "docs/a.md"']);
  });

  it("names every problem: paths, duplicates, sizes and counts", () => {
    const big = Buffer.alloc(MAX_FILE_BYTES + 1);
    const problems = taskFileProblems(
      [
        { path: "../x", content: Buffer.from("x") },
        { path: "a.ts", content: Buffer.from("1") },
        { path: "a.ts", content: Buffer.from("2") },
        { path: `${OWN}/big.bin`, content: big },
      ],
      1,
      TASK,
    );
    expect(problems).toEqual([
      "\"../x\" leaves the repository ('..')",
      '"a.ts" appears more than once',
      `"${OWN}/big.bin" is ${MAX_FILE_BYTES + 1} bytes; files over ${MAX_FILE_BYTES} bytes are not committed`,
    ]);
    const many = Array.from({ length: MAX_FILES + 1 }, (_, i) => ({ path: `f${i}`, content: null }));
    expect(taskFileProblems(many, 1, TASK)).toEqual([
      `${MAX_FILES + 1} changed files; at most ${MAX_FILES} are committed`,
    ]);
  });

  it("refuses more files that each need an upload of their own than publish in time; small text files are not counted", () => {
    const binary = (i: number) => ({ path: `img/${i}.png`, content: Buffer.from([0x89, 0x50, 0, i % 256]) });
    const text = (i: number) => ({ path: `src/${i}.ts`, content: Buffer.from(`export const n = ${i};\n`) });
    const crlf = { path: "win.txt", content: Buffer.from("a\r\nb\r\n") };
    const fine = [...Array.from({ length: MAX_BLOB_FILES - 1 }, (_, i) => binary(i)), crlf];
    expect(taskFileProblems([...fine, ...Array.from({ length: 1500 }, (_, i) => text(i))], 1, TASK)).toEqual(
      [],
    );
    const problems = taskFileProblems([...fine, binary(9999)], 1, TASK);
    expect(problems).toEqual([expect.stringContaining(`${MAX_BLOB_FILES + 1} files are binary`)]);
    expect(problems[0]).toContain(".gitignore");
  });

  it("lists a few problems and counts the rest", () => {
    expect(problemList(["a", "b", "c"], 2)).toBe("a; b; and 1 more");
    expect(problemList(["a"])).toBe("a");
  });
});
