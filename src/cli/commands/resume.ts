import type { Command } from "commander";
import type { Plan } from "../../core/plan/schema.ts";
import { fsCliError } from "../fs-problem.ts";
import { type CliIO, setExitCode, writeLine } from "../io.ts";
import { secretNames, secretValues, secretWarnings } from "../secrets.ts";
import { awaitsDelivery, checkApprovals, printDelivery, resumeFinished, runSession } from "../session.ts";
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
      "environment variable whose value is scrubbed from logs (repeatable; those given to run are masked again without it)",
      collect,
    );
  addStateDirOption(command).action(async (id: string | undefined, options: ResumeOptions) => {
    const given = secretNames(io.env, options.secret);
    const store = openStore(io, options, id);
    let state: ReturnType<typeof store.loadState>;
    let recorded: string[];
    try {
      // A crash between the log and the state file: the state is rebuilt from the log first.
      const lock = store.lock({ brief: true });
      try {
        state = store.loadCurrentState({ write: true });
        // The names given when it started (and at earlier resumes) are masked again; new ones are kept.
        recorded = store.secretNames();
        if (state.finished_at === undefined) store.addSecretNames(given);
      } finally {
        lock.release();
      }
    } catch (error) {
      asCliError(fsCliError(error));
    }
    const secrets = [...new Set([...recorded, ...given])];
    checkApprovals(state.phases, options.approve ?? []);
    if (state.finished_at !== undefined) {
      // Nothing runs: agents a dead process left are stopped, then the final report, as
      // `orchestrate report` shows it.
      try {
        setExitCode(await resumeFinished(io, store, commandPrefix(options)));
      } catch (error) {
        asCliError(fsCliError(error));
      }
      return;
    }
    if (awaitsDelivery(state)) {
      // Its tasks are done and what it waits for only GitHub does: it is not started again.
      setExitCode(printDelivery(io, state, commandPrefix(options)));
      return;
    }
    const earlier = new Set(recorded.filter((name) => !given.includes(name)));
    for (const warning of secretWarnings(io.env, secrets, earlier)) writeLine(io.stderr, warning);
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
          secrets: secretValues(io.env, secrets),
          commandPrefix: commandPrefix(options),
        },
        undefined,
        state,
      ).catch(asCliError),
    );
  });
}
