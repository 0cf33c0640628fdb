import { stopRecordedGroup } from "../agents/leftover-groups.ts";
import type { ExecutionState } from "../core/state/index.ts";
import type { ExecutionStore } from "./store/execution-store.ts";

/**
 * Stops the agents a dead process left running: the recorded process group of the latest attempt
 * of every task in `state` that still runs (Linux; see `stopRecordedGroup`, which stops only a
 * group that is still the one recorded). Not only of tasks in flight: a run killed (`kill -9`)
 * while its Ctrl-C stopped its tasks has them recorded as cancelled, their agents still running.
 * Called under the execution's lock (so no live process runs it) by a process that takes it over —
 * before `resume` gives those attempts up (with no attempt left, no later one would stop them),
 * before a command is recorded directly (`cancel`, `skip`, …: what it ends must not run on), and by
 * `resume` and `cancel` of an execution that has ended. Returns the attempts stopped, as
 * `task (attempt n)`.
 */
export async function stopOrphanedAgents(store: ExecutionStore, state: ExecutionState): Promise<string[]> {
  const started = Object.entries(state.tasks).filter(([, t]) => t.attempt > 0);
  const stopped = await Promise.all(
    started.map(async ([id, t]) =>
      (await stopRecordedGroup(store.taskDir(id, t.attempt))) ? `${id} (attempt ${t.attempt})` : undefined,
    ),
  );
  return stopped.filter((s) => s !== undefined);
}

/** What a process says of the agents it stopped (nothing when there were none). */
export function orphansLine(stopped: readonly string[]): string | undefined {
  if (stopped.length === 0) return undefined;
  return `stopped the agent${stopped.length === 1 ? "" : "s"} of ${stopped.join(", ")}, left running when the process that ran ${stopped.length === 1 ? "it" : "them"} died`;
}
