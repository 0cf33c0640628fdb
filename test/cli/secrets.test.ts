import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MIN_SECRET_LENGTH } from "../../src/core/scrub/index.ts";
import { cli, tempDir } from "./cli-helpers.ts";

/** Each phase's agent prints both variables; `one` and `two` are gated, so runs stop after them. */
const PLAN = `
version: 1
agents:
  a: { run: 'echo "token is $MY_TOKEN, other is $OTHER_TOKEN"' }
phases:
  - { id: one, agents: [a], gate: {} }
  - { id: two, needs: [one], agents: [a], gate: {} }
  - { id: three, needs: [two], agents: [a] }
`;

const VALUE = "supersecretvalue";
const OTHER = "anothersecret42";

function project(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), PLAN);
  return dir;
}

function stdoutOf(dir: string, id: string, task: string): string {
  return readFileSync(join(dir, "sd", id, "tasks", task, "1", "stdout.log"), "utf8");
}

/** Every file under `folder`, as text. */
function allText(folder: string): string {
  return readdirSync(folder)
    .map((name) => join(folder, name))
    .map((path) => (statSync(path).isDirectory() ? allText(path) : readFileSync(path, "utf8")))
    .join("\n");
}

/** The printed `then:` command, as arguments (quotes removed), to run it as a user would paste it. */
function thenCommand(stderr: string): string[] {
  const line = stderr.split("\n").find((l) => l.trim().startsWith("then:"));
  if (!line) throw new Error(`no 'then:' line in: ${stderr}`);
  return line
    .replace(/^\s*then:\s*orchestrate /, "")
    .split(" ")
    .map((word) => word.replace(/^"(.*)"$/, "$1"));
}

describe("--secret names are kept with the execution", () => {
  it("the printed resume command masks the secret in later phases; only its name is stored", async () => {
    const dir = project();
    const env = { MY_TOKEN: VALUE };
    const first = await cli(
      ["run", "plan.yml", "--request", "x", "--id", "s1", "--state-dir", "sd", "--secret", "MY_TOKEN"],
      { cwd: dir, env },
    );
    expect(first.code).toBe(3);
    expect(first.stderr).not.toContain("warning");
    expect(stdoutOf(dir, "s1", "one__a")).toBe("token is ***, other is \n");
    expect(JSON.parse(readFileSync(join(dir, "sd/s1/secret-names.json"), "utf8"))).toEqual(["MY_TOKEN"]);
    expect((await cli(["approve", "--state-dir", "sd", "s1", "one"], { cwd: dir, env })).code).toBe(0);
    const resumed = await cli(thenCommand(first.stderr), { cwd: dir, env: { ...env, OTHER_TOKEN: OTHER } });
    expect(resumed.code).toBe(3);
    expect(stdoutOf(dir, "s1", "two__a")).toBe(`token is ***, other is ${OTHER}\n`);
    // A name given at a resume is masked and kept as well.
    expect((await cli(["approve", "--state-dir", "sd", "s1", "two"], { cwd: dir, env })).code).toBe(0);
    const last = await cli(["resume", "--state-dir", "sd", "s1", "--secret", "OTHER_TOKEN"], {
      cwd: dir,
      env: { ...env, OTHER_TOKEN: OTHER },
    });
    expect(last.code).toBe(0);
    expect(stdoutOf(dir, "s1", "three__a")).toBe("token is ***, other is ***\n");
    expect(JSON.parse(readFileSync(join(dir, "sd/s1/secret-names.json"), "utf8"))).toEqual([
      "MY_TOKEN",
      "OTHER_TOKEN",
    ]);
    expect(allText(join(dir, "sd/s1"))).not.toContain(VALUE);
  });

  it("warns of a secret that cannot be masked: not set, or shorter than the scrubber's minimum", async () => {
    expect(MIN_SECRET_LENGTH).toBe(4);
    const dir = project();
    const r = await cli(
      [
        "run",
        "plan.yml",
        "--request",
        "x",
        "--id",
        "w1",
        "--state-dir",
        "sd",
        "--secret",
        "MY_TOKEN",
        "--secret",
        "OTHER_TOKEN",
      ],
      { cwd: dir, env: { MY_TOKEN: "abc" } },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      "warning: --secret MY_TOKEN: its value is shorter than 4 characters and is not masked (masking it would mask ordinary text)",
    );
    expect(r.stderr).toContain(
      "warning: --secret OTHER_TOKEN: the variable is not set here, so there is nothing to mask",
    );
    // At resume, a name kept with the execution but not set in this shell is said too.
    expect((await cli(["approve", "--state-dir", "sd", "w1", "one"], { cwd: dir })).code).toBe(0);
    const resumed = await cli(["resume", "--state-dir", "sd", "w1"], { cwd: dir, env: { MY_TOKEN: VALUE } });
    expect(resumed.stderr).toContain(
      "warning: secret OTHER_TOKEN (recorded with the execution): the variable is not set here, so there is nothing to mask",
    );
    expect(resumed.stderr).not.toContain("MY_TOKEN");
    expect(stdoutOf(dir, "w1", "two__a")).toBe("token is ***, other is \n");
  });

  it("a value given instead of a name is refused without being repeated or kept", async () => {
    const dir = project();
    for (const given of [VALUE, "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "not a name"]) {
      const r = await cli(
        ["run", "plan.yml", "--request", "x", "--id", "v1", "--state-dir", "sd", "--secret", given],
        { cwd: dir, env: { MY_TOKEN: VALUE } },
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        "--secret takes the NAME of an environment variable (letters, digits and _), not its value",
      );
      expect(r.stderr).not.toContain(given);
      expect(r.stdout).toBe("");
      expect(existsSync(join(dir, "sd"))).toBe(false);
    }
  });
});
