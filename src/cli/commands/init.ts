import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { parse } from "yaml";
import { BUILTIN_TEMPLATES } from "../../core/plan/index.ts";
import { fsCliError } from "../fs-problem.ts";
import { CliError, type CliIO, EXIT, writeLine } from "../io.ts";
import { makeFolders } from "../store/durable-write.ts";

/** The package's root folder (where package.json is), from this file's location. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "templates"))) return dir;
    dir = dirname(dir);
  }
  throw new CliError("cannot find the package's files (templates/); reinstall orchestrate", EXIT.failed);
}

/** The plan's JSON Schema, written beside it for editors (completion, checks as you type). */
export const SCHEMA_FILE = "orchestrate.schema.json";

/** What a template says of one agent, as the starter plan needs it. */
interface TemplateAgent {
  role?: string;
  outputs?: Record<string, { path: string; required?: boolean }>;
}

/**
 * The comment above an agent's command: the files it must write, as the template declares them.
 * A required output that is missing fails the task (`output_missing`), so a command set without
 * knowing them fails every time.
 */
function outputComment(template: string, agent: TemplateAgent): string[] {
  const outputs = Object.entries(agent.outputs ?? {});
  if (outputs.length === 0)
    return ["    # outputs: none declared; every file it writes into $ORCHESTRATE_ARTIFACTS is kept"];
  const files = outputs.map(
    ([name, o]) => `${o.path} (output ${name}${o.required === false ? ", optional" : ""})`,
  );
  return [`    # writes into $ORCHESTRATE_ARTIFACTS (template ${template}): ${files.join(", ")}`];
}

/** A starter plan: the template by reference, with each agent's command to fill in and the files it must write. */
export function starterPlan(template: string): string {
  const parsed = parse(BUILTIN_TEMPLATES[template]!) as { agents?: Record<string, TemplateAgent> };
  const lines = [
    `# yaml-language-server: $schema=./${SCHEMA_FILE}`,
    "# Orchestrate plan. Reference: the README's 'Configuration reference'.",
    "version: 1",
    `extends: ${template}`,
    "",
    "# Every agent of the template runs a placeholder that exits 78 until you give it a command.",
    "# Each command writes the files listed above it into the folder named by $ORCHESTRATE_ARTIFACTS:",
    "# one that is missing (and not optional) fails the task with output_missing. They are declared",
    `# in the built-in template ${template}: templates/${template}.yml of Orchestrate's package or`,
    "# checkout, not of this repository. To change them, set the agent's `outputs:` here (it replaces",
    "# the template's).",
    "agents:",
  ];
  for (const [id, agent] of Object.entries(parsed.agents ?? {})) {
    lines.push(
      `  ${id}:${agent.role ? ` # ${agent.role}` : ""}`,
      ...outputComment(template, agent),
      `    run: 'echo "TODO - set the command of agent ${id}" >&2; exit 78'`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function initCommand(program: Command, io: CliIO): void {
  program
    .command("init")
    .description(
      "write .github/orchestrate.yml, the issue form and the plan's JSON Schema (for editors) from a template",
    )
    .option("--template <name>", `one of: ${Object.keys(BUILTIN_TEMPLATES).join(", ")}`, "full-delivery")
    .option("--force", "overwrite existing files")
    .action((options: { template: string; force?: boolean }) => {
      if (!BUILTIN_TEMPLATES[options.template]) {
        throw new CliError(
          `unknown template "${options.template}": use one of ${Object.keys(BUILTIN_TEMPLATES).join(", ")}`,
        );
      }
      const form = readFileSync(join(packageRoot(), ".github/ISSUE_TEMPLATE/orchestrate.yml"), "utf8");
      const files: [string, string][] = [
        [".github/orchestrate.yml", starterPlan(options.template)],
        [".github/ISSUE_TEMPLATE/orchestrate.yml", form],
      ];
      const existing = files.filter(([path]) => existsSync(resolve(io.cwd, path))).map(([p]) => p);
      // Generated, so refreshed on every init (not a file of the user's).
      files.push([
        `.github/${SCHEMA_FILE}`,
        readFileSync(join(packageRoot(), "schema", SCHEMA_FILE), "utf8"),
      ]);
      if (existing.length > 0 && !options.force) {
        throw new CliError(
          `${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}; use --force to overwrite`,
        );
      }
      for (const [path, text] of files) {
        const full = resolve(io.cwd, path);
        try {
          makeFolders(dirname(full));
          writeFileSync(full, text);
        } catch (error) {
          throw fsCliError(error, { alternative: "run orchestrate init in another folder" });
        }
        writeLine(io.stdout, `wrote ${path}`);
      }
      // The plan names its template only: where that file is on this machine is said here.
      writeLine(
        io.stdout,
        `the template it extends: ${join(packageRoot(), "templates", `${options.template}.yml`)}`,
      );
      writeLine(
        io.stdout,
        "next: set each agent's run command, then: orchestrate validate && orchestrate graph",
      );
    });
}
