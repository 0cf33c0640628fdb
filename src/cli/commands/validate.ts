import type { Command } from "commander";
import { CliError, type CliIO, EXIT, writeLine } from "../io.ts";
import { DEFAULT_PLAN, loadPlanFile, readPlan } from "../plan-file.ts";

export function validateCommand(program: Command, io: CliIO): void {
  program
    .command("validate")
    .description("check a plan and report every problem with its line (exit 0 valid, 2 invalid)")
    .argument("[file]", `plan file (default: ${DEFAULT_PLAN})`)
    .option("--json", "print the result as JSON")
    .action((file: string | undefined, options: { json?: boolean }) => {
      if (options.json) {
        const loaded = loadPlanFile(file, io.cwd);
        const body = loaded.ok
          ? { ok: true, file: loaded.display, phases: loaded.plan.phases.map((p) => p.id) }
          : { ok: false, file: loaded.display, problems: loaded.problems };
        writeLine(io.stdout, JSON.stringify(body, null, 2));
        if (!loaded.ok) throw new CliError("", EXIT.usage);
        return;
      }
      const { plan, display } = readPlan(file, io.cwd);
      const agents = new Set(plan.phases.flatMap((p) => p.agents)).size;
      writeLine(io.stdout, `${display} is valid: ${plan.phases.length} phases, ${agents} agents`);
    });
}
