import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/cli/commands/run.ts";
import { cli, tempDir } from "./cli-helpers.ts";

/** A plan whose agents record what they saw; `fail-<agent>` files make an agent fail. */
const PLAN = `
version: 1
policy: { retry: { max_attempts: 2, initial_interval: 10ms, jitter: false } }
agents:
  writer:
    run: 'if [ -f fail-writer ]; then echo "writer broke" >&2; exit 1; fi; { echo "attempt $ORCHESTRATE_ATTEMPT"; cat "$ORCHESTRATE_FEEDBACK" 2>/dev/null || true; } > "$ORCHESTRATE_ARTIFACTS/spec.md"'
    outputs: { spec: { path: spec.md } }
  builder:
    run: 'cat "$ORCHESTRATE_INPUTS"/spec__writer/spec.md > "$ORCHESTRATE_ARTIFACTS/build.txt"; echo "$ORCHESTRATE_MATRIX" >> "$ORCHESTRATE_ARTIFACTS/build.txt"'
    outputs: { build: { path: build.txt } }
phases:
  - { id: spec, agents: [writer], gate: {} }
  - { id: build, needs: [spec], agents: [builder], matrix: { module: [api, web] } }
`;

function project(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), PLAN);
  return dir;
}

function state(dir: string, id: string) {
  return JSON.parse(readFileSync(join(dir, ".orchestrate", id, "state.json"), "utf8")) as {
    status: string;
    tasks: Record<string, { status: string; attempt: number; errors: { kind: string }[] }>;
  };
}

describe("orchestrate run", () => {
  it("keeps its state folder out of git: an agent that commits everything commits none of it", async () => {
    const dir = tempDir();
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
    writeFileSync(
      join(dir, "plan.yml"),
      `version: 1
agents:
  coder:
    run: 'echo "{\\"summary\\": \\"$TOKEN\\"}" > "$ORCHESTRATE_RESULT"; echo code > code.txt; git add -A; git -c user.name=a -c user.email=a@b commit -qm work'
phases: [{ id: code, agents: [coder] }]
`,
    );
    const r = await cli(["run", "plan.yml", "--request", "Project: git", "--id", "g1"], {
      cwd: dir,
      env: { TOKEN: "s3cr3t-value" },
    });
    expect(r.code).toBe(0);
    const committed = execFileSync("git", ["ls-files"], { cwd: dir, encoding: "utf8" }).split("\n");
    expect(committed).toContain("code.txt");
    expect(committed.filter((f) => f.startsWith(".orchestrate"))).toEqual([]);
    expect(readFileSync(join(dir, ".orchestrate/.gitignore"), "utf8")).toMatch(/^\*$/m);
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: dir, encoding: "utf8" })).toBe("");
  });

  it("runs to the end with --yes, prints the id first and the report last", async () => {
    const dir = project();
    const r = await cli(["run", "plan.yml", "--request", "Project: demo", "--yes", "--id", "x1"], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("execution x1");
    expect(r.stdout).toContain("# Orchestrate report: x1 — demo");
    expect(r.stdout).toContain("| build/builder@web | builder | ✅ succeeded | 1 |");
    const built = readFileSync(
      join(dir, ".orchestrate/x1/tasks/build__builder@api/1/artifacts/build.txt"),
      "utf8",
    );
    expect(built).toBe('attempt 1\n{"module":"api"}\n');
    expect(state(dir, "x1").status).toBe("succeeded");
  });

  it("stops at a gate with exit 3 and the exact commands; reject re-runs with feedback; approve + resume finish", async () => {
    const dir = project();
    const first = await cli(["run", "plan.yml", "--request", "Project: demo", "--id", "g1"], { cwd: dir });
    expect(first.code).toBe(3);
    expect(first.stderr).toContain("orchestrate approve g1 spec");
    expect(first.stderr).toContain("orchestrate resume g1");
    expect((await cli(["reject", "g1", "spec", "--reason", "add rate limits"], { cwd: dir })).code).toBe(0);
    expect((await cli(["resume", "g1"], { cwd: dir })).code).toBe(3);
    const spec = readFileSync(join(dir, ".orchestrate/g1/tasks/spec__writer/2/artifacts/spec.md"), "utf8");
    expect(spec).toBe("attempt 2\nadd rate limits");
    expect((await cli(["approve", "g1", "spec"], { cwd: dir })).code).toBe(0);
    const done = await cli(["resume", "g1"], { cwd: dir });
    expect(done.code).toBe(0);
    const s = state(dir, "g1");
    expect(s.tasks["spec/writer"]).toMatchObject({ status: "succeeded", attempt: 2, errors: [] });
    expect(s.tasks["build/builder@api"]).toMatchObject({ status: "succeeded", attempt: 1 });
    expect(done.stdout).toContain("approved by");
    expect((await cli(["replay", "g1"], { cwd: dir })).code).toBe(0);
  });

  it("--approve PHASE approves in advance", async () => {
    const dir = project();
    const r = await cli(
      ["run", "plan.yml", "--request", "Project: demo", "--approve", "spec", "--id", "a1"],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
  });

  it("a gate that needs two approvals stops with exit 3 after --yes or --approve gave one", async () => {
    const dir = project();
    writeFileSync(join(dir, "plan.yml"), PLAN.replace("gate: {}", "gate: { min_approvals: 2 }"));
    for (const [id, flags] of [
      ["m1", ["--yes"]],
      ["m2", ["--approve", "spec"]],
    ] as const) {
      const r = await cli(["run", "plan.yml", "--request", "Project: demo", "--id", id, ...flags], {
        cwd: dir,
        timeoutMs: 10_000,
      });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`orchestrate approve ${id} spec`);
      expect(r.stderr).toContain(`orchestrate resume ${id}`);
      expect(r.stderr).toContain("spec: 1 of 2 approvals given");
      expect(state(dir, id).status).toBe("waiting");
    }
    // Resumed with --yes, the same approver cannot approve again: it stops, it does not hang.
    const again = await cli(["resume", "m1", "--yes"], { cwd: dir, timeoutMs: 10_000 });
    expect(again.code).toBe(3);
  });

  it("--approve refuses an unknown phase and a phase without a gate, as approve does, before starting", async () => {
    const dir = project();
    const unknown = await cli(
      ["run", "plan.yml", "--request", "Project: demo", "--approve", "nosuch", "--id", "u1"],
      { cwd: dir },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('refused: unknown phase "nosuch"');
    expect(unknown.stderr).toContain("gated phases: spec");
    expect(unknown.stdout).toBe("");
    expect(existsSync(join(dir, ".orchestrate/u1"))).toBe(false);
    const ungated = await cli(
      ["run", "plan.yml", "--request", "Project: demo", "--approve", "build", "--id", "u2"],
      { cwd: dir },
    );
    expect(ungated.code).toBe(2);
    expect(ungated.stderr).toContain("refused: phase build has no gate");
    expect(
      (await cli(["run", "plan.yml", "--request", "Project: demo", "--id", "u3"], { cwd: dir })).code,
    ).toBe(3);
    const resume = await cli(["resume", "u3", "--approve", "nosuch"], { cwd: dir });
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('refused: unknown phase "nosuch"');
  });

  it("fails with exit 1 after the retries, then `retry` + `resume` recover", async () => {
    const dir = project();
    writeFileSync(join(dir, "fail-writer"), "");
    const r = await cli(["run", "plan.yml", "--request", "Project: demo", "--yes", "--id", "f1"], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("spec/writer");
    const failed = state(dir, "f1");
    expect(failed.tasks["spec/writer"]!.errors.map((e) => e.kind)).toEqual(["exit", "exit"]);
    expect(failed.tasks["build/builder@api"]!.status).toBe("skipped");
    expect(readFileSync(join(dir, ".orchestrate/f1/tasks/spec__writer/1/stderr.log"), "utf8")).toBe(
      "writer broke\n",
    );
    const resumeFinished = await cli(["resume", "f1"], { cwd: dir });
    expect(resumeFinished.code).toBe(1);
    expect(resumeFinished.stderr).toContain("orchestrate retry f1");
    expect(resumeFinished.stdout).toContain("# Orchestrate report: f1 — demo");
    writeFileSync(join(dir, "fail-writer.off"), "");
    await import("node:fs").then((fs) => fs.rmSync(join(dir, "fail-writer")));
    expect((await cli(["retry", "f1"], { cwd: dir })).code).toBe(0);
    const again = await cli(["resume", "f1", "--yes"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(state(dir, "f1").tasks["build/builder@web"]!.status).toBe("succeeded");
  });

  it("approving the last gate finishes the execution: said at once, and resume shows the report; its work is not skipped past the gate", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      "version: 1\nagents:\n  a: { run: 'echo hi' }\nphases:\n  - { id: p, agents: [a] }\n  - { id: q, needs: [p], agents: [a], gate: {} }\n",
    );
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "e1"], { cwd: dir })).code).toBe(3);
    const approve = await cli(["approve", "e1", "q"], { cwd: dir });
    expect(approve.code).toBe(0);
    expect(approve.stdout).toBe("approved q of e1\n");
    expect(approve.stderr).toContain("execution e1 is finished: succeeded; nothing is left to run");
    expect(approve.stderr).toContain("see the report: orchestrate report e1");
    expect(approve.stderr).not.toContain("resume");
    const resume = await cli(["resume", "e1"], { cwd: dir });
    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain("# Orchestrate report: e1 — x");
    expect(resume.stdout).toContain("**Status:** ✅ succeeded");
    expect(resume.stderr).toContain("Execution e1 already succeeded");
    expect(resume.stderr).not.toContain("retry");

    // Work under review is not skipped: its gate decides it.
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "s1"], { cwd: dir })).code).toBe(3);
    const skip = await cli(["skip", "s1", "q/a"], { cwd: dir });
    expect(skip.code).toBe(2);
    expect(skip.stderr).toContain(
      "refused: task q/a is under review: the gate of phase q decides it (approve the phase, or reject it with what should change)",
    );
    expect(state(dir, "s1").tasks["q/a"]!.status).toBe("under_review");
  });

  it("a rejection past max_revisions says the phase is escalated and the execution blocked", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      "version: 1\nagents:\n  a: { run: 'echo hi' }\nphases:\n  - { id: p, agents: [a], gate: { max_revisions: 1 } }\n",
    );
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "r1"], { cwd: dir })).code).toBe(3);
    const first = await cli(["reject", "r1", "p", "--reason", "no"], { cwd: dir });
    expect(first.stdout).toBe("rejected p of r1: it will run again with your feedback\n");
    expect(first.stderr).toContain("orchestrate resume r1");
    expect((await cli(["resume", "r1"], { cwd: dir })).code).toBe(3);
    const second = await cli(["reject", "r1", "p", "--reason", "still no"], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(
      "rejected p of r1 (rejection 2, limit 1 revision): the phase is escalated and does not run again; the execution is blocked\n",
    );
    expect(second.stderr).toContain("orchestrate retry r1 p");
    expect(second.stderr).toContain("orchestrate cancel r1");
    expect(second.stderr).not.toContain("resume");
  });

  it("status --watch stops when no process runs the execution: waiting at a gate (exit 3), blocked (exit 1)", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      "version: 1\nagents:\n  a: { run: 'echo hi' }\nphases:\n  - { id: p, agents: [a], gate: { max_revisions: 0 } }\n",
    );
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "w1"], { cwd: dir })).code).toBe(3);
    const waiting = await cli(["status", "w1", "--watch"], { cwd: dir, timeoutMs: 10_000 });
    expect(waiting.code).toBe(3);
    expect(waiting.stdout).toContain("p");
    expect(waiting.stderr).toContain("Execution w1 is waiting for approval of: p");
    expect(waiting.stderr).toContain("orchestrate approve w1 p");
    expect(waiting.stderr).toContain("orchestrate resume w1");
    expect((await cli(["reject", "w1", "p", "--reason", "no"], { cwd: dir })).code).toBe(0);
    const blocked = await cli(["status", "w1", "--watch"], { cwd: dir, timeoutMs: 10_000 });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain("Execution w1 is blocked and needs a decision");
    expect(blocked.stderr).toContain("orchestrate retry w1");
  });

  it("refuses what does not fit: unknown phase, a gate that is not open, an unknown execution", async () => {
    const dir = project();
    await cli(["run", "plan.yml", "--request", "Project: demo", "--id", "r1"], { cwd: dir });
    const unknown = await cli(["approve", "r1", "nope"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('refused: unknown phase "nope"');
    const closed = await cli(["approve", "r1", "build"], { cwd: dir });
    expect(closed.stderr).toContain("refused: phase build has no gate");
    const missing = await cli(["status", "zzz"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no execution "zzz"');
    expect(missing.stderr).toContain("r1");
  });

  it("resume prints the execution id only once it really starts: not before a corrupt log stops it", async () => {
    const dir = project();
    expect(
      (await cli(["run", "plan.yml", "--request", "Project: demo", "--id", "k1"], { cwd: dir })).code,
    ).toBe(3);
    const log = join(dir, ".orchestrate/k1/events.jsonl");
    const lines = readFileSync(log, "utf8").split("\n");
    writeFileSync(log, [lines[0], "{oops", ...lines.slice(1)].join("\n"));
    const broken = await cli(["resume", "k1", "--yes"], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${log}:2: invalid JSON`);
    expect(broken.stdout).toBe("");
    expect(existsSync(join(dir, ".orchestrate/k1/lock"))).toBe(false);
    writeFileSync(log, lines.join("\n"));
    const resumed = await cli(["resume", "k1", "--yes"], { cwd: dir });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.split("\n")[0]).toBe("execution k1");
  });

  it("needs a request and a valid plan", async () => {
    const dir = project();
    const noRequest = await cli(["run", "plan.yml"], { cwd: dir });
    expect(noRequest.code).toBe(2);
    expect(noRequest.stderr).toContain("a request is needed");
    writeFileSync(join(dir, "bad.yml"), "version: 1\nphases: [{ id: a, agents: [ghost] }]\n");
    const bad = await cli(["run", "bad.yml", "--request", "x"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'bad.yml:2:28: phases[0].agents[0]: unknown agent "ghost" (hint: no agents are defined)',
    );
    expect(existsSync(join(dir, ".orchestrate"))).toBe(false);
  });
});

describe("execution ids", () => {
  it.each([
    ["Signup system", /^signup-system-[0-9a-f]{6}$/],
    ["Système d'inscription à deux facteurs", /^systeme-d-inscription-a-[0-9a-f]{6}$/],
    ["Ｆｕｌｌ－width Ｎａｍｅ", /^full-width-name-[0-9a-f]{6}$/],
    ["登録システム", /^exec-[0-9a-f]{6}$/],
  ])("%s", (project, shape) => {
    expect(newId({ project })).toMatch(shape);
  });
});
