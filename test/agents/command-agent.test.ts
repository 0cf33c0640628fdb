import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCommandTask } from "../../src/agents/command-agent.ts";
import { ATTEMPT_LAYOUT } from "../../src/agents/layout.ts";
import { makeTask, parseEnv, removeTempDirs, tempDir } from "./helpers.ts";

afterEach(removeTempDirs);

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

describe("runCommandTask: the agent's environment and files", () => {
  it("sets the contract's variables and keeps the caller's extras", async () => {
    const t = makeTask('env > "$ORCHESTRATE_ARTIFACTS/env.txt"', {
      attempt: 2,
      task: {
        id: "development/dev@backend",
        agent: "dev",
        phase: "development",
        matrix: { module: "backend" },
        params: { model: "small", depth: 2 },
      },
      env: { ORCHESTRATE_PLAN_DIR: "/plans", ORCHESTRATE_FEEDBACK: "/not/this" },
    });
    const result = await runCommandTask(t);
    expect(result).toMatchObject({ ok: true, artifacts: [{ name: "env.txt", path: "env.txt" }] });
    const env = parseEnv(readFileSync(join(t.workDir, "artifacts/env.txt"), "utf8"));
    expect(env).toMatchObject({
      ORCHESTRATE_EXECUTION: "exec-1",
      ORCHESTRATE_TASK: "development/dev@backend",
      ORCHESTRATE_AGENT: "dev",
      ORCHESTRATE_PHASE: "development",
      ORCHESTRATE_ATTEMPT: "2",
      ORCHESTRATE_REQUEST: join(t.workDir, ATTEMPT_LAYOUT.request),
      ORCHESTRATE_CONTEXT: join(t.workDir, ATTEMPT_LAYOUT.context),
      ORCHESTRATE_CONTEXT_OUT: join(t.workDir, ATTEMPT_LAYOUT.contextOut),
      ORCHESTRATE_RESULT: join(t.workDir, ATTEMPT_LAYOUT.result),
      ORCHESTRATE_INPUTS: join(t.workDir, "inputs"),
      ORCHESTRATE_ARTIFACTS: join(t.workDir, "artifacts"),
      ORCHESTRATE_PLAN_DIR: "/plans",
      PATH: process.env.PATH,
    });
    expect(JSON.parse(env.ORCHESTRATE_MATRIX!)).toEqual({ module: "backend" });
    expect(JSON.parse(env.ORCHESTRATE_PARAMS!)).toEqual({ model: "small", depth: 2 });
    expect(env.ORCHESTRATE_FEEDBACK).toBeUndefined();
  });

  it("passes {} for no matrix or params and leaves ORCHESTRATE_PHASE unset without a phase", async () => {
    const t = makeTask('env > "$ORCHESTRATE_ARTIFACTS/env.txt"', { task: { id: "solo", agent: "solo" } });
    expect((await runCommandTask(t)).ok).toBe(true);
    const env = parseEnv(readFileSync(join(t.workDir, "artifacts/env.txt"), "utf8"));
    expect(env).toMatchObject({
      ORCHESTRATE_MATRIX: "{}",
      ORCHESTRATE_PARAMS: "{}",
      ORCHESTRATE_TASK: "solo",
    });
    expect(env.ORCHESTRATE_PHASE).toBeUndefined();
  });

  it("hands request text over only as a file, never through the shell", async () => {
    const request = { title: 'x"; touch pwned; echo "', body: "$(touch pwned2) `touch pwned3`" };
    const t = makeTask('cp "$ORCHESTRATE_REQUEST" "$ORCHESTRATE_ARTIFACTS/request.json"', { request });
    expect((await runCommandTask(t)).ok).toBe(true);
    expect(JSON.parse(readFileSync(join(t.workDir, "artifacts/request.json"), "utf8"))).toEqual(request);
    for (const name of ["pwned", "pwned2", "pwned3"]) expect(existsSync(join(t.root, name))).toBe(false);
  });

  it("runs in cwd and writes the shared context", async () => {
    const t = makeTask(
      'pwd > "$ORCHESTRATE_ARTIFACTS/cwd.txt"; cp "$ORCHESTRATE_CONTEXT" "$ORCHESTRATE_ARTIFACTS/"',
      {
        context: { api: "rest", modules: ["a", "b"] },
      },
    );
    expect((await runCommandTask(t)).ok).toBe(true);
    expect(readFileSync(join(t.workDir, "artifacts/cwd.txt"), "utf8").trim()).toBe(t.root);
    const context = JSON.parse(readFileSync(join(t.workDir, "artifacts/context.json"), "utf8"));
    expect(context).toEqual({ api: "rest", modules: ["a", "b"] });
  });

  it("writes the feedback file and points ORCHESTRATE_FEEDBACK at it", async () => {
    const t = makeTask('cp "$ORCHESTRATE_FEEDBACK" "$ORCHESTRATE_ARTIFACTS/feedback.txt"', {
      feedback: "Please add tests for the login flow.\n",
    });
    expect((await runCommandTask(t)).ok).toBe(true);
    expect(readFileSync(join(t.workDir, ATTEMPT_LAYOUT.feedback), "utf8")).toBe(
      "Please add tests for the login flow.\n",
    );
    expect(readFileSync(join(t.workDir, "artifacts/feedback.txt"), "utf8")).toContain("login flow");
  });

  it("empties artifacts and removes the previous run's agent files when a folder is reused", async () => {
    const t = makeTask('touch "$ORCHESTRATE_ARTIFACTS/a.txt"; echo "{}" > "$ORCHESTRATE_RESULT"');
    expect((await runCommandTask(t)).ok).toBe(true);
    const again = await runCommandTask({
      ...t,
      command: 'test ! -e "$ORCHESTRATE_RESULT" && touch "$ORCHESTRATE_ARTIFACTS/b.txt"',
    });
    expect(again).toMatchObject({ ok: true, artifacts: [{ name: "b.txt" }] });
  });
});

describe("runCommandTask: upstream inputs", () => {
  function upstream(): { dir: string; report: string } {
    const dir = tempDir();
    mkdirSync(join(dir, "api"), { recursive: true });
    const report = "# Design\n";
    writeFileSync(join(dir, "design.md"), report);
    writeFileSync(join(dir, "api/openapi.json"), "{}\n");
    return { dir, report };
  }

  it("copies upstream artifacts under inputs/<task dir> with an index", async () => {
    const { dir, report } = upstream();
    const t = makeTask('echo changed >> "$ORCHESTRATE_INPUTS/design__architect/design.md"', {
      inputs: [
        {
          task: "design/architect",
          agent: "architect",
          phase: "design",
          dir,
          artifacts: [
            { name: "design", path: "design.md", sha256: sha256(report), bytes: report.length },
            { name: "api", path: "./api//openapi.json" },
          ],
        },
      ],
    });
    expect((await runCommandTask(t)).ok).toBe(true);
    expect(readFileSync(join(dir, "design.md"), "utf8")).toBe(report);
    expect(readFileSync(join(t.workDir, "inputs/design__architect/api/openapi.json"), "utf8")).toBe("{}\n");
    const index = JSON.parse(readFileSync(join(t.workDir, "inputs/index.json"), "utf8"));
    expect(index).toEqual([
      {
        task: "design/architect",
        agent: "architect",
        phase: "design",
        dir: "design__architect",
        artifacts: [
          { name: "design", path: "design.md", sha256: sha256(report), bytes: report.length },
          { name: "api", path: "api/openapi.json", sha256: sha256("{}\n"), bytes: 3 },
        ],
      },
    ]);
  });

  it("writes an empty index without upstream tasks", async () => {
    const t = makeTask("true");
    expect((await runCommandTask(t)).ok).toBe(true);
    expect(JSON.parse(readFileSync(join(t.workDir, "inputs/index.json"), "utf8"))).toEqual([]);
  });

  it("fails with input_invalid when an upstream artifact changed, input_missing when it is gone", async () => {
    const { dir } = upstream();
    const input = { task: "design/architect", agent: "architect", dir };
    const changed = await runCommandTask(
      makeTask("true", {
        inputs: [{ ...input, artifacts: [{ name: "d", path: "design.md", sha256: sha256("x") }] }],
      }),
    );
    expect(changed).toMatchObject({ ok: false, kind: "input_invalid" });
    const gone = await runCommandTask(
      makeTask("true", { inputs: [{ ...input, artifacts: [{ name: "d", path: "nope.md" }] }] }),
    );
    expect(gone).toMatchObject({ ok: false, kind: "input_missing" });
    expect(!gone.ok && gone.message).toContain("nope.md");
  });
});

describe("runCommandTask: result and context files", () => {
  it("returns the agent's context keys, summary and cost, secrets masked", async () => {
    const t = makeTask(
      `echo '{"api":"rest","note":"key hunter2"}' > "$ORCHESTRATE_CONTEXT_OUT"
       echo '{"summary":"Built it with hunter2","cost":{"usd":0.25},"extra":1}' > "$ORCHESTRATE_RESULT"`,
      { secrets: ["hunter2"] },
    );
    const result = await runCommandTask(t);
    expect(result).toMatchObject({
      ok: true,
      context: { api: "rest", note: "key ***" },
      summary: "Built it with ***",
      cost: { usd: 0.25, tokens: 0 },
    });
  });

  it("leaves out summary, cost and context when the agent writes no files", async () => {
    const result = await runCommandTask(makeTask("true"));
    expect(result.ok).toBe(true);
    expect(result).not.toHaveProperty("summary");
    expect(result).not.toHaveProperty("cost");
    expect(result).not.toHaveProperty("context");
  });

  it.each([
    ["invalid JSON in the result", 'echo "{oops" > "$ORCHESTRATE_RESULT"', "result.json: invalid JSON"],
    ["a non-object result", 'echo "[1]" > "$ORCHESTRATE_RESULT"', "expected a JSON object"],
    ["a wrong cost type", `echo '{"cost":{"tokens":"many"}}' > "$ORCHESTRATE_RESULT"`, '"cost.tokens"'],
    [
      "a cost past any real task's",
      `echo '{"cost":{"usd":1e308}}' > "$ORCHESTRATE_RESULT"`,
      '"cost.usd" must be a number from 0 to 1000000',
    ],
    ["a non-object context", 'echo "42" > "$ORCHESTRATE_CONTEXT_OUT"', "context-out.json: expected"],
    [
      "invalid JSON in the context",
      'echo "{" > "$ORCHESTRATE_CONTEXT_OUT"',
      "context-out.json: invalid JSON",
    ],
  ])("fails with result_invalid on %s", async (_, command, message) => {
    const t = makeTask(command);
    const result = await runCommandTask(t);
    expect(result).toMatchObject({ ok: false, kind: "result_invalid", exitCode: 0 });
    expect(!result.ok && result.message).toContain(message);
    expect(!result.ok && result.message).toContain(t.workDir);
  });
});
