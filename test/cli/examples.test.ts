import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ROOT, tempDir } from "./cli-helpers.ts";

describe("bundled examples through the real CLI", () => {
  it("signup: the README's main command succeeds and ends with the report", async () => {
    const state = tempDir();
    const r = await cli(
      [
        "run",
        "examples/signup/orchestrate.yml",
        "--request-file",
        "examples/signup/request.md",
        "--yes",
        "--state-dir",
        state,
        "--id",
        "signup",
      ],
      { cwd: ROOT },
    );
    expect(r.stderr).toContain("Execution signup succeeded");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("execution signup");
    expect(r.stdout).toContain("# Orchestrate report: signup — 회원가입 시스템");
    // The modules were built in parallel and their tests ran for real, with the coverage check.
    expect(r.stdout).toMatch(
      /\| testing\/qa \| qa \| ✅ succeeded \| 1 \| .+ \| \d+\/\d+ tests pass; line coverage [\d.]+% \(minimum 80%\) \|/,
    );
    const s = JSON.parse(readFileSync(join(state, "signup/state.json"), "utf8"));
    expect(s.tasks["development/dev@backend"].status).toBe("succeeded");
    expect(s.tasks["development/dev@frontend"].status).toBe("succeeded");
    expect(s.phase_state.specification.gate.status).toBe("approved");
    const openapi = JSON.parse(
      readFileSync(join(state, "signup/tasks/design__architect/1/artifacts/openapi.json"), "utf8"),
    ) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toMatch(/^3\.1/);
    expect(Object.keys(openapi.paths).length).toBeGreaterThan(3);
  }, 60_000);

  it("pipeline: planner → builder → reviewer → doc", async () => {
    const state = tempDir();
    const r = await cli(
      [
        "run",
        "examples/pipeline/orchestrate.yml",
        "--request-file",
        "examples/pipeline/request.md",
        "--yes",
        "--state-dir",
        state,
        "--id",
        "p",
      ],
      { cwd: ROOT },
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(readFileSync(join(state, "p/state.json"), "utf8"));
    expect(Object.values(s.tasks).map((t) => (t as { status: string }).status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    expect(s.context.plan.tasks.length).toBeGreaterThan(0);
    expect(Object.keys(s.context)).toEqual(["plan", "build", "review"]);
  }, 60_000);
});
