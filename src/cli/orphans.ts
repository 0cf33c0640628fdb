import { stopRecordedGroup } from "../agents/leftover-groups.ts";
import type { ExecutionState } from "../core/state/index.ts";
import { IN_FLIGHT } from "../core/state/index.ts";
import type { ExecutionStore } from "./store/execution-store.ts";

/**
 * Stops the agents a dead process left running: the recorded process group of the current
 * attempt of every task still in flight in `state` (Linux; see `stopRecordedGroup`). Called under
 * the execution's lock by a process that takes it over — before `resume` gives those attempts up
 * (with no attempt left, no later one would stop them) and before `cancel` records the end.
 * Returns the attempts stopped, as `task (attempt n)`.
 */
export async function stopOrphanedAgents(store: ExecutionStore, state: ExecutionState): Promise<string[]> {
  const inFlight = Object.entries(state.tasks).filter(([, t]) => IN_FLIGHT.has(t.status) && t.attempt > 0);
  const stopped = await Promise.all(
    inFlight.map(async ([id, t]) =>
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
