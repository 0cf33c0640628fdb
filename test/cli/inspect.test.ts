import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "./cli-helpers.ts";

const SIGNUP =
  "프로젝트: 회원가입 시스템, 요구: OAuth + 2FA + Email verification, 스택: FastAPI + React, 마감: 3일";

describe("orchestrate init, graph, status, report", () => {
  it("init writes the plan and the issue form, never overwriting without --force", async () => {
    const dir = tempDir();
    const first = await cli(["init", "--template", "pipeline"], { cwd: dir });
    expect(first.code).toBe(0);
    const plan = readFileSync(join(dir, ".github/orchestrate.yml"), "utf8");
    expect(plan).toContain("extends: pipeline");
    expect(existsSync(join(dir, ".github/ISSUE_TEMPLATE/orchestrate.yml"))).toBe(true);
    // Editors find the schema beside the plan (no download, the version that wrote the plan).
    expect(plan.split("\n")[0]).toBe("# yaml-language-server: $schema=./orchestrate.schema.json");
    const schema = JSON.parse(readFileSync(join(dir, ".github/orchestrate.schema.json"), "utf8"));
    expect(schema.properties).toHaveProperty("phases");
    expect((await cli(["validate"], { cwd: dir })).code).toBe(0);
    const again = await cli(["init"], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exist");
    expect(again.stderr).toContain("--force");
    expect((await cli(["init", "--force"], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, ".github/orchestrate.yml"), "utf8")).toContain("extends: full-delivery");
    expect((await cli(["init", "--template", "nope"], { cwd: dir })).stderr).toContain("unknown template");
  });

  it("graph shows skipped phases with reasons and the critical path", async () => {
    const dir = tempDir();
    const text = await cli(
      ["graph", join(import.meta.dirname, "../../templates/full-delivery.yml"), "--request", SIGNUP],
      {
        cwd: dir,
      },
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("analysis  (skipped: repo.has_code is false)");
    expect(text.stdout).toContain("development/dev@backend");
    expect(text.stdout).toMatch(/critical path \(.+\): .*development\/dev@/);
    const mermaid = await cli(
      ["graph", join(import.meta.dirname, "../../templates/pipeline.yml"), "--format", "mermaid"],
      {
        cwd: dir,
      },
    );
    expect(mermaid.stdout.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid.stdout).toContain("n_plan --> n_build");
    const json = await cli(
      ["graph", join(import.meta.dirname, "../../templates/pipeline.yml"), "--format", "json"],
      { cwd: dir },
    );
    expect((JSON.parse(json.stdout) as { tasks: unknown[] }).tasks).toHaveLength(4);
  });

  it("graph --tasks draws tasks in text as in mermaid, and is refused with json", async () => {
    const dir = tempDir();
    const plan = join(import.meta.dirname, "../../templates/pipeline.yml");
    const text = await cli(["graph", plan, "--tasks"], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("level 0\n  plan/planner  ~10m  (critical path)\n");
    expect(text.stdout).toContain("level 1\n  build/builder  ~1h  ← plan/planner  (critical path)\n");
    expect(text.stdout).toContain("4 tasks in 4 levels");
    const mermaid = await cli(["graph", plan, "--tasks", "--format", "mermaid"], { cwd: dir });
    expect(mermaid.stdout).toContain('subgraph n_phase_plan["plan"]');
    const json = await cli(["graph", plan, "--tasks", "--format", "json"], { cwd: dir });
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("--tasks does not apply to --format json");
    expect(json.stdout).toBe("");
  });

  it("status shows the cost with the decimals it needs", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      `version: 1\nagents:\n  a: { run: 'echo "{\\"cost\\": {\\"usd\\": 0.00002}}" > "$ORCHESTRATE_RESULT"' }\nphases: [{ id: p, agents: [a] }]\n`,
    );
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "m1"], { cwd: dir })).code).toBe(0);
    const status = await cli(["status", "m1"], { cwd: dir });
    expect(status.stdout.split("\n")[0]).toMatch(/ {2}cost \$0\.00002 · 0 tokens$/);
  });

  it("status lists executions and shows one; report prints markdown or JSON", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      "version: 1\nagents:\n  a: { run: 'echo hi > \"$ORCHESTRATE_ARTIFACTS/hi.txt\"' }\nphases: [{ id: p, agents: [a] }]\n",
    );
    expect((await cli(["status"], { cwd: dir })).stdout).toContain("no executions yet");
    expect(
      (await cli(["run", "plan.yml", "--request", "Project: tiny", "--id", "s1"], { cwd: dir })).code,
    ).toBe(0);
    const list = await cli(["status"], { cwd: dir });
    expect(list.stdout).toMatch(/^s1 +succeeded/);
    // Times are whole epoch milliseconds, as in the execution's own JSON.
    const listed = JSON.parse((await cli(["status", "--json"], { cwd: dir })).stdout) as {
      created_at: number;
      updated_at: number;
    }[];
    expect(Number.isInteger(listed[0]!.created_at)).toBe(true);
    expect(Number.isInteger(listed[0]!.updated_at)).toBe(true);
    expect(listed[0]!.updated_at).toBeGreaterThanOrEqual(listed[0]!.created_at);
    const one = await cli(["status", "s1"], { cwd: dir });
    expect(one.stdout).toContain("s1  succeeded  1/1 tasks");
    const json = JSON.parse((await cli(["status", "s1", "--json"], { cwd: dir })).stdout) as {
      status: string;
      phases: unknown[];
    };
    expect(json.status).toBe("succeeded");
    expect(json.phases).toEqual([{ id: "p", status: "succeeded", tasks: ["p/a"] }]);
    const md = await cli(["report", "s1"], { cwd: dir });
    expect(md.stdout).toContain("| p/a | hi.txt | hi.txt |");
    expect(md.stdout).toContain("```mermaid");
    const reportJson = JSON.parse((await cli(["report", "s1", "--format", "json"], { cwd: dir })).stdout) as {
      tasks: { artifacts: { sha256: string }[] }[];
    };
    expect(reportJson.tasks[0]!.artifacts[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await cli(["report", "s1", "--format", "xml"], { cwd: dir })).code).toBe(2);
    // --watch on an execution that has ended shows it once and returns.
    const watched = await cli(["status", "s1", "--watch"], { cwd: dir });
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain("s1  succeeded  1/1 tasks");
  });
});

describe("orchestrate logs", () => {
  it("prints an attempt's logs: both under headers, or one stream as it is; names what is missing", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      [
        "version: 1",
        "policy: { retry: { max_attempts: 2, initial_interval: 10ms, jitter: false } }",
        "agents:",
        `  a: { run: 'echo "out $ORCHESTRATE_ATTEMPT"; echo "err $ORCHESTRATE_ATTEMPT" >&2; exit 1' }`,
        "  b: { run: 'true' }",
        "phases: [{ id: one, agents: [a] }, { id: two, needs: [one], agents: [b] }]",
      ].join("\n"),
    );
    expect(
      (await cli(["run", "plan.yml", "--request", "x", "--id", "g1", "--plain"], { cwd: dir })).code,
    ).toBe(1);
    const both = await cli(["logs", "g1", "one/a"], { cwd: dir });
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(
      /^── stdout\.log of one\/a attempt 2 \(.*stdout\.log\)\nout 2\n── stderr\.log of one\/a attempt 2 \(.*\)\nerr 2\n$/,
    );
    expect((await cli(["logs", "g1", "one/a", "--stderr", "--attempt", "1"], { cwd: dir })).stdout).toBe(
      "err 1\n",
    );
    expect((await cli(["logs", "g1", "one/a", "--stdout"], { cwd: dir })).stdout).toBe("out 2\n");
    const typo = await cli(["logs", "g1", "one/b"], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('execution g1 has no task "one/b": did you mean "one/a"?');
    const never = await cli(["logs", "g1", "two/b"], { cwd: dir });
    expect(never.code).toBe(2);
    expect(never.stderr).toContain("task two/b of g1 has not run yet (it is skipped): no logs");
    const third = await cli(["logs", "g1", "one/a", "--attempt", "3"], { cwd: dir });
    expect(third.stderr).toContain("task one/a has no logs of attempt 3: its attempts with logs are 1, 2");
  }, 20_000);
});
