import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCommandTask } from "../../src/agents/command-agent.ts";
import type { OutputConfig } from "../../src/core/plan/schema.ts";
import { makeTask, removeTempDirs } from "./helpers.ts";

afterEach(removeTempDirs);

const out = (path: string, required = true): OutputConfig => ({ path, required });
const fileSha = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("runCommandTask: declared outputs", () => {
  it("records each present output with its sha256 and size, in declared order", async () => {
    const t = makeTask(
      'cd "$ORCHESTRATE_ARTIFACTS" && mkdir -p docs && printf "# Report\\n" > docs/report.md && printf "{}" > api.json && touch extra.txt',
      { outputs: { report: out("./docs/report.md"), api: out("api.json"), notes: out("notes.md", false) } },
    );
    const result = await runCommandTask(t);
    const artifacts = join(t.workDir, "artifacts");
    expect(result).toMatchObject({
      ok: true,
      artifacts: [
        {
          name: "report",
          path: "docs/report.md",
          sha256: fileSha(join(artifacts, "docs/report.md")),
          bytes: 9,
        },
        { name: "api", path: "api.json", sha256: fileSha(join(artifacts, "api.json")), bytes: 2 },
      ],
    });
    expect(result.ok && result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("fails with output_missing naming the output and its expected path", async () => {
    const t = makeTask("true", { outputs: { report: out("docs/report.md") } });
    const result = await runCommandTask(t);
    expect(result).toMatchObject({ ok: false, kind: "output_missing", exitCode: 0, signal: null });
    expect(!result.ok && result.message).toContain('output "report"');
    expect(!result.ok && result.message).toContain(join(t.workDir, "artifacts/docs/report.md"));
  });

  it.each([
    ["a '..' path", "../escape.txt", 'touch "$ORCHESTRATE_ARTIFACTS/../escape.txt"', "'..'"],
    ["an absolute path", "/etc/hostname", "true", "absolute"],
    [
      "a symlink leading out",
      "report.md",
      'ln -s /etc/hostname "$ORCHESTRATE_ARTIFACTS/report.md"',
      "symlink",
    ],
    [
      "a path through a symlinked folder",
      "link/hostname",
      'ln -s /etc "$ORCHESTRATE_ARTIFACTS/link"',
      "symlink leading out",
    ],
    ["a broken symlink", "report.md", 'ln -s nowhere "$ORCHESTRATE_ARTIFACTS/report.md"', "broken"],
    ["a folder", "docs", 'mkdir "$ORCHESTRATE_ARTIFACTS/docs"', "not a regular file"],
  ])("fails with output_invalid for %s", async (_, path, command, message) => {
    const result = await runCommandTask(makeTask(command, { outputs: { report: out(path) } }));
    expect(result).toMatchObject({ ok: false, kind: "output_invalid" });
    expect(!result.ok && result.message).toContain(message);
  });

  it("accepts a symlink to a file inside the artifacts folder", async () => {
    const t = makeTask('cd "$ORCHESTRATE_ARTIFACTS" && echo hi > real.txt && ln -s real.txt link.txt', {
      outputs: { link: out("link.txt") },
    });
    expect(await runCommandTask(t)).toMatchObject({
      ok: true,
      artifacts: [{ name: "link", path: "link.txt", bytes: 3 }],
    });
  });
});

describe("runCommandTask: no declared outputs", () => {
  it("records every regular file, sorted by path", async () => {
    const t = makeTask(
      'cd "$ORCHESTRATE_ARTIFACTS" && mkdir -p b a && echo 1 > b/z.txt && echo 22 > a/y.txt && echo 3 > c.txt',
    );
    const result = await runCommandTask(t);
    expect(result.ok && result.artifacts.map((a) => [a.name, a.path, a.bytes])).toEqual([
      ["a/y.txt", "a/y.txt", 3],
      ["b/z.txt", "b/z.txt", 2],
      ["c.txt", "c.txt", 2],
    ]);
    expect(result.ok && result.artifacts[0]?.sha256).toBe(fileSha(join(t.workDir, "artifacts/a/y.txt")));
  });

  it("fails with output_invalid for a symlink leading out", async () => {
    const result = await runCommandTask(makeTask('ln -s /etc/hostname "$ORCHESTRATE_ARTIFACTS/host"'));
    expect(result).toMatchObject({ ok: false, kind: "output_invalid" });
  });

  it("fails with output_invalid when the artifacts folder itself is replaced by a link", async () => {
    for (const outputs of [undefined, { host: out("hostname") }]) {
      const result = await runCommandTask(
        makeTask('rm -rf "$ORCHESTRATE_ARTIFACTS" && ln -s /etc "$ORCHESTRATE_ARTIFACTS"', {
          ...(outputs ? { outputs } : {}),
        }),
      );
      expect(result).toMatchObject({ ok: false, kind: "output_invalid" });
      expect(!result.ok && result.message).toMatch(/was replaced by something that is not a folder/);
    }
  });
});

describe("runCommandTask: exit codes", () => {
  it("maps exit 78 to a config failure", async () => {
    const result = await runCommandTask(makeTask('echo "missing API key" >&2; exit 78'));
    expect(result).toMatchObject({ ok: false, kind: "config", exitCode: 78, signal: null });
    expect(!result.ok && result.message).toContain("missing API key");
  });

  it("maps another exit code to an exit failure with the last lines of stderr", async () => {
    const result = await runCommandTask(
      makeTask("for i in 1 2 3 4 5 6 7; do echo line$i >&2; done; echo out; exit 3"),
    );
    expect(result).toMatchObject({ ok: false, kind: "exit", exitCode: 3 });
    expect(!result.ok && result.message).toBe("exited with code 3\nline3\nline4\nline5\nline6\nline7");
  });

  it("does not check outputs of a failed command", async () => {
    const result = await runCommandTask(makeTask("exit 1", { outputs: { report: out("report.md") } }));
    expect(result).toMatchObject({ ok: false, kind: "exit", message: "exited with code 1" });
  });

  it("reports a command killed by a signal", async () => {
    const result = await runCommandTask(makeTask("kill -9 $$"));
    expect(result).toMatchObject({ ok: false, kind: "killed", exitCode: null, signal: "SIGKILL" });
  });

  it("reports a missing working directory as a spawn failure", async () => {
    const t = makeTask("true");
    const result = await runCommandTask({ ...t, cwd: join(t.root, "missing") });
    expect(result).toMatchObject({ ok: false, kind: "spawn", exitCode: null, signal: null });
    expect(!result.ok && result.message).toContain("does not exist");
  });
});
