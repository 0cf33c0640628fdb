import { resolve } from "node:path";
import type { Command } from "commander";
import { OrchestrateError } from "../../core/errors.ts";
import type { ExecutionState } from "../../core/state/index.ts";
import { CliError, type CliIO, EXIT } from "../io.ts";
import { ExecutionStore } from "../store/execution-store.ts";

/** The default state folder, under the working directory. */
export const DEFAULT_STATE_DIR = ".orchestrate";

export interface StateOptions {
  stateDir?: string;
}

export function addStateDirOption(command: Command): Command {
  return command.option("--state-dir <dir>", `folder holding executions (default: ${DEFAULT_STATE_DIR})`);
}

export function stateRoot(io: CliIO, options: StateOptions): string {
  return resolve(io.cwd, options.stateDir ?? DEFAULT_STATE_DIR);
}

/** How printed commands name an execution, so they work when pasted. */
export function commandPrefix(options: StateOptions): string {
  return options.stateDir ? `--state-dir ${JSON.stringify(options.stateDir)} ` : "";
}

/** The store of execution `id` (default: the newest one), which must exist. */
export function openStore(io: CliIO, options: StateOptions, id: string | undefined): ExecutionStore {
  const root = stateRoot(io, options);
  const chosen = id ?? ExecutionStore.latest(root);
  if (!chosen) throw new CliError(`no executions in ${root}; start one with 'orchestrate run'`, EXIT.usage);
  let store: ExecutionStore;
  try {
    store = new ExecutionStore(root, chosen, { commandPrefix: commandPrefix(options) });
  } catch (error) {
    asCliError(error);
  }
  if (!store.exists()) {
    const known = ExecutionStore.list(root).map((e) => e.id);
    const hint = known.length > 0 ? ` (known: ${known.slice(0, 5).join(", ")})` : "";
    throw new CliError(`no execution "${chosen}" in ${root}${hint}`, EXIT.usage);
  }
  return store;
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Turns store errors (locked, corrupt) into CLI errors that keep their hint. */
export function asCliError(error: unknown): never {
  if (error instanceof OrchestrateError) {
    throw new CliError(error.message, EXIT.usage, [
      ...error.details,
      ...(error.hint ? [`hint: ${error.hint}`] : []),
    ]);
  }
  throw error;
}

/** The tasks of an execution, for a message about a task it does not have (the first ones, if many). */
export function taskList(state: ExecutionState): string {
  const ids = Object.keys(state.tasks);
  const shown = ids.slice(0, 12).join(", ");
  return `its tasks: ${shown}${ids.length > 12 ? ` and ${ids.length - 12} more` : ""}`;
}
