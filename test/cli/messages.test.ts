import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ExecutionEvent, replay } from "../../src/core/state/index.ts";
import { cli, GATED_PLAN, tempDir } from "./cli-helpers.ts";

const PLAN = GATED_PLAN;

/** An execution `m1` in state folder `sd`, stopped at the gate of phase `one`. */
async function stopped(): Promise<string> {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), PLAN);
  const r = await cli(["run", "plan.yml", "--request", "x", "--id", "m1", "--state-dir", "sd"], { cwd: dir });
  expect(r.code).toBe(3);
  return dir;
}

const root = process.getuid?.() === 0;

describe("messages that name the cause and the fix", () => {
  it("validate of a folder says it is a folder, and names the plan inside it when there is one", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "proj/.github"), { recursive: true });
    const empty = await cli(["validate", "proj"], { cwd: dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(
      "proj: cannot read the file: EISDIR (it is a folder, not a file) (hint: give the path of a plan file, not a folder; the default is .github/orchestrate.yml)",
    );
    expect(empty.stderr).not.toContain("permissions");
    writeFileSync(join(dir, "proj/.github/orchestrate.yml"), PLAN);
    const inside = await cli(["validate", "proj"], { cwd: dir });
    expect(inside.stderr).toContain("(hint: give the plan file, not a folder: proj/.github/orchestrate.yml)");
  });

  it("--request-file that does not exist: the meaning of the error and what to do", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.yml"), PLAN);
    const r = await cli(["run", "plan.yml", "--request-file", "nofile.md"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'orchestrate: cannot read the request file nofile.md: ENOENT (it does not exist); check the path\n  or give the request itself: --request "Project: …, Requirements: …"\n',
    );
  });

  it("no plan here, in a folder of a repository whose plan is above: that plan is named", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, ".git"));
    mkdirSync(join(dir, ".github"));
    writeFileSync(join(dir, ".github/orchestrate.yml"), PLAN);
    mkdirSync(join(dir, "src/app"), { recursive: true });
    const r = await cli(["run", "--request", "Project: x"], { cwd: join(dir, "src/app") });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `(hint: this repository's plan is ../../.github/orchestrate.yml: run from ${dir} (agents run in the working directory), or pass it as the first argument)`,
    );
    expect(r.stderr).not.toContain("orchestrate init");
    // Above the repository's root is not looked at.
    const outer = tempDir();
    mkdirSync(join(outer, ".github"));
    writeFileSync(join(outer, ".github/orchestrate.yml"), PLAN);
    mkdirSync(join(outer, "repo/.git"), { recursive: true });
    const inRepo = await cli(["validate"], { cwd: join(outer, "repo") });
    expect(inRepo.code).toBe(2);
    expect(inRepo.stderr).toContain("create one with 'orchestrate init'");
  });

  it("replay of a state file behind its log says so, and how to rebuild it", async () => {
    const dir = await stopped();
    const log = join(dir, "sd/m1/events.jsonl");
    const lines = readFileSync(log, "utf8").trimEnd().split("\n");
    const behind = replay(lines.slice(0, -1).map((l) => JSON.parse(l) as ExecutionEvent))!;
    // A crash between the log's last append and the state file's write.
    writeFileSync(join(dir, "sd/m1/state.json"), JSON.stringify(behind));
    const r = await cli(["replay", "--state-dir", "sd", "m1"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(dir, "sd/m1/state.json")} records ${lines.length - 1} of the log's ${lines.length} events: it is behind its log (a crash between the two writes)`,
    );
    expect(r.stderr).toContain(
      'rebuild state.json from the log: orchestrate replay --state-dir "sd" m1 --write',
    );
    expect((await cli(["replay", "--state-dir", "sd", "m1", "--write"], { cwd: dir })).code).toBe(0);
    expect((await cli(["replay", "--state-dir", "sd", "m1"], { cwd: dir })).code).toBe(0);
  });

  it("an empty --request-file is named and said to be empty", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.yml"), PLAN);
    writeFileSync(join(dir, "request.md"), " \n\n");
    const r = await cli(["run", "plan.yml", "--request-file", "request.md"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'orchestrate: the request file request.md is empty\n  write the request in it ("Project: …, Requirements: …"), or give it with --request "…"\n',
    );
    expect(existsSync(join(dir, ".orchestrate"))).toBe(false);
  });

  it("logs --attempt that is not a whole number from 1 says so; an unknown task lists the execution's tasks", async () => {
    const dir = await stopped();
    for (const attempt of ["x", "0", "1.5", "-1"]) {
      const r = await cli(["logs", "--state-dir", "sd", "m1", "one/a", "--attempt", attempt], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `--attempt must be a whole number from 1 (the first attempt), not "${attempt}"`,
      );
    }
    expect(
      (await cli(["logs", "--state-dir", "sd", "m1", "one/a", "--attempt", "1"], { cwd: dir })).code,
    ).toBe(0);
    const unknown = await cli(["logs", "--state-dir", "sd", "m1", "plan/nope"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'orchestrate: execution m1 has no task "plan/nope"\n  its tasks: one/a, two/a\n  each task with its status: orchestrate report --state-dir "sd" m1\n',
    );
  });

  it("refused commands list what exists: phases waiting for approval, tasks, a close name", async () => {
    const dir = await stopped();
    const sd = ["--state-dir", "sd", "m1"];
    const approve = await cli(["approve", ...sd, "onw"], { cwd: dir });
    expect(approve.code).toBe(2);
    expect(approve.stderr).toBe(
      'orchestrate: refused: unknown phase "onw"\n  did you mean "one"?\n  phases waiting for approval: one\n',
    );
    const ungated = await cli(["reject", ...sd, "two", "--reason", "no"], { cwd: dir });
    expect(ungated.stderr).toContain("phases waiting for approval: one");
    const skip = await cli(["skip", ...sd, "two/aa"], { cwd: dir });
    expect(skip.code).toBe(2);
    expect(skip.stderr).toBe(
      'orchestrate: refused: unknown task "two/aa"\n  did you mean "two/a"?\n  its tasks: one/a, two/a\n',
    );
    const retry = await cli(["retry", ...sd, "zzz"], { cwd: dir });
    expect(retry.stderr).toContain("its phases: one, two");
    expect(retry.stderr).toContain("its tasks: one/a, two/a");
    expect((await cli(["approve", ...sd, "one"], { cwd: dir })).code).toBe(0);
    const none = await cli(["approve", ...sd, "one"], { cwd: dir });
    expect(none.stderr).toContain("no phase is waiting for approval");
  });

  it("a second approval under the same name is refused with how another person approves; status counts the approvals", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.yml"), PLAN.replace("gate: {}", "gate: { min_approvals: 2 }"));
    const run = await cli(["run", "plan.yml", "--request", "x", "--id", "a1", "--state-dir", "sd"], {
      cwd: dir,
    });
    expect(run.code).toBe(3);
    const sd = ["--state-dir", "sd", "a1"];
    const first = await cli(["approve", ...sd, "one"], { cwd: dir, env: { USER: "ann" } });
    expect(first.stdout).toBe("approved one of a1: 1 of 2 approvals; the gate stays open for the others\n");
    expect(first.stderr).toBe(
      '  another person approves under their own name: USER=<their name> orchestrate approve --state-dir "sd" a1 one\n',
    );
    const status = await cli(["status", ...sd], { cwd: dir });
    expect(status.stdout).toMatch(/^ {2}one +░+ waiting +0\/1 {2}1 of 2 approvals$/m);
    expect(status.stderr).toContain("  one: 1 of 2 approvals given\n");
    const again = await cli(["approve", ...sd, "one"], { cwd: dir, env: { USER: "ann" } });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      [
        "orchestrate: refused: ann already approved phase one",
        "  1 of 2 approvals given, one per user name; you approve as ann (the name in $USER, else your system account)",
        '  another person approves under their own name: USER=<their name> orchestrate approve --state-dir "sd" a1 one',
        "",
      ].join("\n"),
    );
    const other = await cli(["approve", ...sd, "one"], { cwd: dir, env: { USER: "bob" } });
    expect(other.stdout).toBe("approved one of a1\n");
  });

  it("retry says which tasks run again, cancelled ones too", async () => {
    const dir = await stopped();
    expect((await cli(["cancel", "--state-dir", "sd", "m1"], { cwd: dir })).code).toBe(0);
    const retry = await cli(["retry", "--state-dir", "sd", "m1"], { cwd: dir });
    expect(retry.code).toBe(0);
    expect(retry.stdout).toBe("m1: 2 tasks will run again (2 cancelled)\n");
    expect(retry.stderr).toBe('  continue with: orchestrate resume --state-dir "sd" m1\n');
  });

  it("an execution whose state file cannot be opened is listed as unreadable, not corrupt", async () => {
    const dir = await stopped();
    const state = join(dir, "sd/m1/state.json");
    rmSync(state);
    mkdirSync(state);
    const list = await cli(["status", "--state-dir", "sd"], { cwd: dir });
    expect(list.stdout).toMatch(/^m1 +unreadable /);
    const one = await cli(["status", "--state-dir", "sd", "m1"], { cwd: dir });
    expect(one.code).toBe(2);
    expect(one.stderr).toBe(
      `orchestrate: cannot read ${state}: EISDIR (it is a folder, not a file)\n  hint: move what is in its place away; \`orchestrate replay --state-dir "sd" m1 --write\` writes it again from events.jsonl\n`,
    );
  });

  it.skipIf(root)(
    "an unreadable (EACCES) state file: listed as unreadable; status names the permissions",
    async () => {
      const dir = await stopped();
      const state = join(dir, "sd/m1/state.json");
      chmodSync(state, 0);
      try {
        expect((await cli(["status", "--state-dir", "sd"], { cwd: dir })).stdout).toMatch(/^m1 +unreadable /);
        const one = await cli(["status", "--state-dir", "sd", "m1"], { cwd: dir });
        expect(one.stderr).toContain(`cannot read ${state}: EACCES (permission denied)`);
        expect(one.stderr).toContain("hint: check the permissions of the file and of its folder");
      } finally {
        chmodSync(state, 0o644);
      }
    },
  );

  it("--help: run says it needs a request; the top level lists the exit codes", async () => {
    const run = (await cli(["run", "--help"])).stdout.replace(/\s+/g, " ");
    expect(run).toContain("for a request (--request or --request-file)");
    expect(run).toContain("--request <text> the project request (this or --request-file is required)");
    const top = await cli(["--help"]);
    expect(top.stdout).toContain("Exit codes:");
    for (const code of ["0", "1", "2", "3"])
      expect(top.stdout).toMatch(new RegExp(`^ {2}${code} {2}\\S`, "m"));
    // status --watch of an execution nobody runs exits 3 at a gate, 1 otherwise: both say so.
    const codes = top.stdout.slice(top.stdout.indexOf("Exit codes:")).replace(/\s+/g, " ");
    expect(codes).toContain("or no process runs it and it waits for no gate (status --watch);");
    expect(codes).toContain(
      '3 stopped at a gate waiting for approval (no terminal to ask and no --yes, "stop here" or Ctrl-C at the prompt, or more approvals needed); status --watch of an execution that no process runs and that waits at a gate',
    );
    // What Ctrl-C and SIGTERM do to a run, once and twice.
    expect(codes).toContain(
      "130 a second Ctrl-C while a cancelled run stops its tasks (or a Ctrl-C after orchestrate cancel from another shell): it quits at once and kills them (143 for a second SIGTERM)",
    );
    expect(codes).toContain(
      "Ctrl-C (or SIGTERM) during a run, outside a prompt, cancels the execution: the cancel is recorded, its running tasks are stopped (SIGTERM, then SIGKILL after 2 s) and the run exits 1.",
    );
  });

  it("reject --help shows --reason as required, in its synopsis and its description", async () => {
    const help = await cli(["reject", "--help"]);
    expect(help.stdout.split("\n")[0]).toBe(
      "Usage: orchestrate reject [options] <id> <phase> --reason <text>",
    );
    expect(help.stdout).toMatch(
      /^ {2}--reason <text> +what should change, given to the agents \(required\)$/m,
    );
  });
});
