import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ROOT, tempDir } from "./cli-helpers.ts";

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The body of the first fenced block of `lang` after `heading`. */
function blockAfter(heading: string, lang: string): string {
  const start = README.indexOf(heading);
  expect(start, `README heading ${heading}`).toBeGreaterThanOrEqual(0);
  const open = README.indexOf(`\n\`\`\`${lang}\n`, start);
  const body = open + lang.length + 5;
  return README.slice(body, README.indexOf("\n```", body));
}

/** The README's synopsis entry of one command: its line and the indented lines after it. */
function synopsisOf(command: string): string {
  const lines = blockAfter("## CLI", "").split("\n");
  const at = lines.findIndex(
    (l) => l.startsWith(`orchestrate ${command} `) || l === `orchestrate ${command}`,
  );
  expect(at, `README synopsis of ${command}`).toBeGreaterThanOrEqual(0);
  const entry = [lines[at]!];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith(" ")) break;
    entry.push(line);
  }
  return entry.join("\n");
}

/** How the README writes each argument of a command's usage line. */
const ARGUMENT: Record<string, string> = { target: "TASK|PHASE" };

describe("the README stays true to the CLI", () => {
  it("the configuration reference's example plan is valid", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "orchestrate.yml"), blockAfter("## Configuration reference", "yaml"));
    const r = await cli(["validate", "orchestrate.yml"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("the synopsis has every command with its arguments and options", async () => {
    const help = (await cli(["--help"])).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== "help");
    expect(commands.length).toBeGreaterThan(10);
    for (const flag of help.match(/--[a-z][a-z-]+/g) ?? []) {
      if (flag !== "--help") expect(blockAfter("## CLI", ""), flag).toContain(flag);
    }
    // Each command's help, read four at a time (one CLI process each).
    const usages = new Map<string, string>();
    for (let i = 0; i < commands.length; i += 4) {
      const part = commands.slice(i, i + 4);
      const helps = await Promise.all(part.map((c) => cli([c, "--help"])));
      for (const [j, c] of part.entries()) usages.set(c, helps[j]!.stdout);
    }
    for (const command of commands) {
      const usage = usages.get(command)!;
      const entry = synopsisOf(command);
      const args = usage.split("\n")[0]!.replace(/^Usage: orchestrate \S+( \[options\])?/, "");
      for (const [, open, name] of args.matchAll(/([<[])([a-z]+)[>\]]/g)) {
        const word = ARGUMENT[name!] ?? name!.toUpperCase();
        expect(entry, `${command} ${name}`).toContain(open === "[" ? `[${word}]` : ` ${word}`);
        if (open === "<") expect(entry, `${command} ${name} is required`).not.toContain(`[${word}]`);
      }
      for (const flag of new Set(usage.match(/--[a-z][a-z-]+/g) ?? [])) {
        // --state-dir is described once for every command that takes an ID.
        if (flag === "--help" || flag === "--state-dir") continue;
        expect(entry, `${command} ${flag}`).toContain(flag);
      }
    }
  }, 60_000);
});
