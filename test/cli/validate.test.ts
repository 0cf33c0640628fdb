import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "./cli-helpers.ts";

describe("orchestrate validate", () => {
  it("exits 0 on a valid plan", async () => {
    const r = await cli(["validate", "templates/pipeline.yml"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("templates/pipeline.yml is valid: 4 phases, 4 agents\n");
    expect(r.code).toBe(0);
  });

  it("exits 2 and prints every problem with its line", async () => {
    const dir = tempDir();
    const file = join(dir, "orchestrate.yml");
    writeFileSync(
      file,
      [
        "version: 1",
        "policy: { max_concurrency: 0 }",
        "agents:",
        "  dev: { run: ./dev.sh }",
        "phases:",
        "  - { id: a, agents: [dev], needs: [b] }",
        "  - { id: b, agents: [dev], needs: [a] }",
        "  - { id: a, agents: [qa] }",
      ].join("\n"),
    );
    const r = await cli(["validate", file], { cwd: dir });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe("orchestrate: orchestrate.yml: 4 problems");
    expect(lines.slice(1).map((l) => l.trim().split(": ")[0])).toEqual([
      "orchestrate.yml:2:28",
      "orchestrate.yml:6:37",
      "orchestrate.yml:8:11",
      "orchestrate.yml:8:23",
    ]);
    expect(r.stderr).toContain("a → b → a");
    expect(r.stderr).toContain('unknown agent "qa"');
  });

  it("reports a missing default plan with what to do", async () => {
    const r = await cli(["validate"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(".github/orchestrate.yml");
    expect(r.stderr).toContain("orchestrate init");
  });

  it("prints problems as JSON with --json", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "p.yml"), "version: 2\n");
    const r = await cli(["validate", "--json", "p.yml"], { cwd: dir });
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout) as { ok: boolean; problems: { line: number; path: string }[] };
    expect(body.ok).toBe(false);
    expect(body.problems[0]).toMatchObject({ line: 1, path: "version" });
  });

  it("answers --help and rejects unknown commands with exit 2", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("validate");
    const bad = await cli(["frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown command 'frobnicate'");
  });
});
