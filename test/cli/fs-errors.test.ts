import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "./cli-helpers.ts";

const PLAN = "version: 1\nagents:\n  a: { run: 'echo hi' }\nphases:\n  - { id: p, agents: [a] }\n";

/** Permission bits do not stop root: those cases run only as another user. */
const root = process.getuid?.() === 0;

function project(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "ok.yml"), PLAN);
  return dir;
}

/** One line on stderr, exit 2, no stack trace. */
function expectOneLine(r: { code: number | null; stderr: string }): string {
  expect(r.code).toBe(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain("unexpected error");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  return r.stderr;
}

describe("file-system errors: one line with the path, the cause and the fix, exit 2", () => {
  it("run with --state-dir naming a regular file", async () => {
    const dir = project();
    const file = join(dir, "afile");
    writeFileSync(file, "");
    const r = await cli(["run", "ok.yml", "--request", "x", "--state-dir", file], { cwd: dir });
    const line = expectOneLine(r);
    expect(line).toContain(`cannot create the folder ${file}: EEXIST (a file is in the way)`);
    expect(line).toContain("--state-dir");
    expect(r.stdout).toBe("");
  });

  it("run with --state-dir under a regular file", async () => {
    const dir = project();
    writeFileSync(join(dir, "afile"), "");
    const r = await cli(["run", "ok.yml", "--request", "x", "--state-dir", "afile/state"], { cwd: dir });
    const line = expectOneLine(r);
    expect(line).toContain(join(dir, "afile/state"));
    expect(line).toContain("ENOTDIR (a part of the path is a file, not a folder)");
  });

  it("init where .github is a regular file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".github"), "");
    const line = expectOneLine(await cli(["init"], { cwd: dir }));
    expect(line).toContain(`${join(dir, ".github")}: EEXIST`);
    expect(line).toContain("run orchestrate init in another folder");
  });

  it.skipIf(root)("run with a state folder that cannot be written", async () => {
    const dir = project();
    const state = join(dir, "state");
    mkdirSync(state);
    chmodSync(state, 0o555);
    const r = await cli(["run", "ok.yml", "--request", "x", "--state-dir", "state"], { cwd: dir });
    const line = expectOneLine(r);
    expect(line).toContain("EACCES (permission denied)");
    expect(line).toContain(`check the permissions of ${state}`);
  });

  it.skipIf(root)("init in a folder that cannot be written", async () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    const line = expectOneLine(await cli(["init"], { cwd: dir }));
    expect(line).toContain(`${join(dir, ".github")}: EACCES (permission denied)`);
  });
});
