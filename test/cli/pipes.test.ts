import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { quietOnClosedPipe, readerGone } from "../../src/cli/io.ts";
import { BIN, cli, tempDir } from "./cli-helpers.ts";

/** Runs `pipeline` in bash from `dir`; `$ORCHESTRATE` is the CLI. Prints the CLI's exit code last. */
function shell(dir: string, pipeline: string): { stdout: string; stderr: string } {
  const r = spawnSync("bash", ["-c", `${pipeline}; echo "exit=\${PIPESTATUS[0]}"`], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", ORCHESTRATE: `${process.execPath} ${BIN}` },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr };
}

describe("a reader that goes away (EPIPE)", () => {
  it("logs | head -1: the first line, then a quiet stop with exit 0, every time", async () => {
    const dir = tempDir();
    // Large enough that the log is still being written when `head` has gone.
    writeFileSync(
      join(dir, "plan.yml"),
      "version: 1\nagents:\n  a: { run: 'seq 1 400000' }\nphases: [{ id: p, agents: [a] }]\n",
    );
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "l1"], { cwd: dir })).code).toBe(0);
    for (let i = 0; i < 5; i++) {
      const out = shell(dir, "$ORCHESTRATE logs l1 p/a --stdout | head -1");
      expect(out.stdout).toBe("1\nexit=0\n");
      expect(out.stderr).toBe("");
      const both = shell(dir, "$ORCHESTRATE logs l1 p/a 2>&1 | head -1");
      expect(both.stdout).toMatch(/^── stdout\.log of p\/a attempt 1 .*\nexit=0\n$/);
      expect(both.stderr).toBe("");
    }
  }, 60_000);

  it("run with its progress piped to head -1: the run is not cut short, its report still reaches stdout", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      [
        "version: 1",
        "agents:",
        "  a: { run: 'true' }",
        "phases: [{ id: p, agents: [a], matrix: { n: [a, b, c, d, e, f, g, h] } }]",
      ].join("\n"),
    );
    const out = shell(dir, "$ORCHESTRATE run plan.yml --request x --id r1 --plain 2>&1 >report.md | head -1");
    expect(out.stdout).toMatch(/start {4}p\/a@a \(attempt 1\)\nexit=0\n$/);
    expect(out.stderr).toBe("");
    const report = spawnSync("cat", ["report.md"], { cwd: dir, encoding: "utf8" }).stdout;
    expect(report).toContain("# Orchestrate report: r1");
    expect(report).toContain("✅ succeeded");
  }, 60_000);
});

describe("an input/output error (EIO) on an output", () => {
  const eio = () => Object.assign(new Error("write EIO"), { code: "EIO" });

  it("of a terminal that went away is quiet: what is left to write there is dropped", () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true });
    quietOnClosedPipe(stream);
    stream.emit("error", eio());
    expect(readerGone(stream)).toBe(true);
  });

  it("of a file (a failing disk) is an error, as before", () => {
    const stream = new PassThrough();
    quietOnClosedPipe(stream);
    expect(() => stream.emit("error", eio())).toThrow("write EIO");
    expect(readerGone(stream)).toBe(false);
  });
});
