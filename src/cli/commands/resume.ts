import type { Command } from "commander";
import type { Plan } from "../../core/plan/schema.ts";
import { type CliIO, setExitCode } from "../io.ts";
import { secretValues } from "../secrets.ts";
import { awaitsDelivery, checkApprovals, printDelivery, printFinished, runSession } from "../session.ts";
import { addStateDirOption, asCliError, collect, commandPrefix, openStore } from "./common.ts";

interface ResumeOptions {
  yes?: boolean;
  approve?: string[];
  stateDir?: string;
  plain?: boolean;
  secret?: string[];
}

export function resumeCommand(program: Command, io: CliIO): void {
  const command = program
    .command("resume")
    .description("continue an execution after a gate or a crash; finished tasks do not run again")
    .argument("[id]", "execution id (default: the newest)")
    .option("-y, --yes", "approve every gate")
    .option("--approve <phase>", "approve this phase's gate (repeatable)", collect)
    .option("--plain", "plain progress lines even on a terminal")
    .option(
      "--secret <name>",
      "environment variable whose value is scrubbed from logs (repeatable)",
      collect,
    );
  addStateDirOption(command).action(async (id: string | undefined, options: ResumeOptions) => {
    const store = openStore(io, options, id);
    let state: ReturnType<typeof store.loadState>;
    try {
      // A crash between the log and the state file: the state is rebuilt from the log first.
      const lock = store.lock();
      try {
        state = store.loadCurrentState({ write: true });
      } finally {
        lock.release();
      }
    } catch (error) {
      asCliError(error);
    }
    checkApprovals(state.phases, options.approve ?? []);
    if (state.finished_at !== undefined) {
      // Nothing runs: the final report, as `orchestrate report` shows it.
      setExitCode(printFinished(io, state, commandPrefix(options)));
      return;
    }
    if (awaitsDelivery(state)) {
      // Its tasks are done and what it waits for only GitHub does: it is not started again.
      setExitCode(printDelivery(io, state, commandPrefix(options)));
      return;
    }
    const meta = state.meta as { plan: Plan; plan_dir: string; cwd: string };
    setExitCode(
      await runSession(
        {
          io,
          store,
          plan: meta.plan,
          planDir: meta.plan_dir,
          cwd: meta.cwd,
          yes: options.yes === true,
          approve: options.approve ?? [],
          plain: options.plain === true,
          secrets: secretValues(io.env, options.secret),
          commandPrefix: commandPrefix(options),
        },
        undefined,
        state,
      ).catch(asCliError),
    );
  });
}
