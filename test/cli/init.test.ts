import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BUILTIN_TEMPLATES } from "../../src/core/plan/index.ts";
import { cli, ROOT, tempDir } from "./cli-helpers.ts";

/** The files each agent's comment in a generated plan says it writes, and whether it must. */
function listedOutputs(plan: string): Map<string, { path: string; optional: boolean }[]> {
  const out = new Map<string, { path: string; optional: boolean }[]>();
  let agent = "";
  for (const line of plan.split("\n")) {
    const head = /^ {2}([a-z-]+):/.exec(line);
    if (head) agent = head[1]!;
    const listed = /^ {4}# writes into \$ORCHESTRATE_ARTIFACTS \(template [a-z-]+\): (.*)$/.exec(line);
    if (!listed) continue;
    out.set(
      agent,
      [...listed[1]!.matchAll(/(\S+) \(output [a-z-]+(, optional)?\)/g)].map((m) => ({
        path: m[1]!,
        optional: m[2] !== undefined,
      })),
    );
  }
  return out;
}

describe("orchestrate init", () => {
  it.each(Object.keys(BUILTIN_TEMPLATES))(
    "%s: each agent's comment lists the outputs its template declares",
    async (template) => {
      const dir = tempDir();
      const init = await cli(["init", "--template", template], { cwd: dir });
      expect(init.code).toBe(0);
      const plan = readFileSync(join(dir, ".github/orchestrate.yml"), "utf8");
      const declared = (
        parse(BUILTIN_TEMPLATES[template]!) as {
          agents: Record<string, { outputs?: Record<string, { path: string; required?: boolean }> }>;
        }
      ).agents;
      const listed = listedOutputs(plan);
      for (const [id, agent] of Object.entries(declared)) {
        const outputs = Object.values(agent.outputs ?? {});
        expect(listed.get(id) ?? [], id).toEqual(
          outputs.map((o) => ({ path: o.path, optional: o.required === false })),
        );
      }
      // The template's file is in Orchestrate's package, not in the repository the plan is in.
      expect(plan).toContain(
        `They are declared\n# in the built-in template ${template}: templates/${template}.yml of Orchestrate's package or\n# checkout, not of this repository.`,
      );
      expect(init.stdout).toContain(
        `the template it extends: ${join(ROOT, "templates", `${template}.yml`)}\n`,
      );
      expect(existsSync(join(dir, "templates"))).toBe(false);
    },
  );

  it("commands that write what the comments list make the whole plan succeed; ones that do not fail with output_missing", async () => {
    const dir = tempDir();
    expect((await cli(["init", "--template", "pipeline"], { cwd: dir })).code).toBe(0);
    const path = join(dir, ".github/orchestrate.yml");
    const plan = readFileSync(path, "utf8");
    writeFileSync(path, plan.replaceAll(/run: '.*'$/gm, "run: 'echo working'"));
    const careless = await cli(["run", "--request", "Project: p", "--id", "c1", "--yes"], { cwd: dir });
    expect(careless.code).toBe(1);
    expect(careless.stderr).toContain('output "plan" is missing');
    const listed = listedOutputs(plan);
    let agent = "";
    const written = plan
      .split("\n")
      .map((line) => {
        agent = /^ {2}([a-z-]+):/.exec(line)?.[1] ?? agent;
        if (!line.startsWith("    run: ")) return line;
        const files = (listed.get(agent) ?? []).filter((o) => !o.optional).map((o) => o.path);
        return `    run: '${files.map((f) => `echo done > "$ORCHESTRATE_ARTIFACTS/${f}"`).join("; ") || "true"}'`;
      })
      .join("\n");
    writeFileSync(path, written);
    const r = await cli(["run", "--request", "Project: p", "--id", "w1", "--yes"], { cwd: dir });
    expect(r.stderr).not.toContain("output_missing");
    expect(r.code).toBe(0);
  });
});
