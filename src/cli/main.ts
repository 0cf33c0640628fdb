import { Command, CommanderError } from "commander";
import { OrchestrateError } from "../core/errors.ts";
import { controlCommands } from "./commands/control.ts";
import { graphCommand } from "./commands/graph.ts";
import { initCommand } from "./commands/init.ts";
import { inspectCommands } from "./commands/inspect.ts";
import { resumeCommand } from "./commands/resume.ts";
import { runCommand } from "./commands/run.ts";
import { validateCommand } from "./commands/validate.ts";
import { fsProblem, isFsError } from "./fs-problem.ts";
import {
  CliError,
  type CliIO,
  EXIT,
  quietOnClosedPipe,
  quietOnLostTerminal,
  takeExitCode,
  writeLine,
} from "./io.ts";

import { VERSION } from "./version.ts";

export { VERSION };

/** Builds the command tree. Each command file adds itself. */
export function buildProgram(io: CliIO): Command {
  const program = new Command("orchestrate")
    .description("Run multi-agent plans: phases, gates, retries and reports, locally or on GitHub.")
    .version(VERSION, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  initCommand(program, io);
  validateCommand(program, io);
  graphCommand(program, io);
  runCommand(program, io);
  inspectCommands(program, io);
  controlCommands(program, io);
  resumeCommand(program, io);
  for (const command of program.commands) command.exitOverride().showHelpAfterError();
  program.addHelpText("after", EXIT_CODES_HELP);
  return program;
}

/** The exit codes, as the README's table gives them (see `EXIT`). */
export const EXIT_CODES_HELP = `
Exit codes:
  0  the execution succeeded, or the command did what it was asked
  1  the execution failed or was cancelled, is blocked and needs a decision, or no process runs it
     and it waits for no gate (status --watch); replay found a difference
  2  usage error, invalid plan, unknown execution, corrupt state, refused command, or a file or
     folder that cannot be used: one line with the path and the fix
  3  stopped at a gate waiting for approval (no terminal to ask and no --yes, "stop here" or
     Ctrl-C at the prompt, or more approvals needed); status --watch of an execution that no
     process runs and that waits at a gate
  129  the terminal closed (SIGHUP) during a run: running tasks were stopped, then it ended by
       that signal; nothing was cancelled: resume runs them again
  130  a second Ctrl-C while a cancelled run stops its tasks (or a Ctrl-C after orchestrate
       cancel from another shell): it quits at once and kills them (143 for a second SIGTERM)

Ctrl-C (or SIGTERM) during a run, outside a prompt, cancels the execution: the cancel is
recorded, its running tasks are stopped (SIGTERM, then SIGKILL after 2 s) and the run exits 1.`;

/** Runs the CLI; resolves with the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  // `orchestrate logs ID TASK | head -1`: every command stops printing quietly once its reader is gone.
  quietOnClosedPipe(io.stdout);
  quietOnClosedPipe(io.stderr);
  quietOnLostTerminal(io.stdin);
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return takeExitCode() ?? EXIT.ok;
  } catch (error) {
    takeExitCode();
    return report(error, io);
  }
}

function report(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; usage errors were already printed by commander.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof CliError) {
    if (error.message) writeLine(io.stderr, `orchestrate: ${error.message}`);
    for (const line of error.details) writeLine(io.stderr, `  ${line}`);
    return error.exitCode;
  }
  if (error instanceof OrchestrateError) {
    writeLine(io.stderr, `orchestrate: ${error.message}`);
    for (const line of error.details) writeLine(io.stderr, `  ${line}`);
    if (error.hint) writeLine(io.stderr, `  hint: ${error.hint}`);
    return EXIT.usage;
  }
  if (isFsError(error)) {
    // A path that cannot be used is the user's to fix: one line, no stack trace.
    writeLine(io.stderr, `orchestrate: ${fsProblem(error)}`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeLine(io.stderr, `orchestrate: unexpected error: ${message}`);
  return EXIT.failed;
}
