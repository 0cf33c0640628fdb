import type { ExecutionState } from "../core/state/index.ts";
import { EXIT, writeLine } from "./io.ts";
import { liveLockHolder } from "./store/execution-lock.ts";
import type { ExecutionStore } from "./store/execution-store.ts";

/**
 * What an unfinished execution that no process runs is waiting for:
 * - `gate`: a gate's approval (`orchestrate approve`, then `resume`);
 * - `blocked`: a decision (`retry` or `cancel`);
 * - `delivery`: a pull request, merge or deployment, which only GitHub carries out;
 * - `interrupted`: its process died while tasks ran (`resume` runs them again);
 * - `resume`: a command (`approve`, `reject`, `retry`, …) queued work that nobody started yet.
 */
export type Idle = "gate" | "blocked" | "delivery" | "interrupted" | "resume";

/** Phases whose gate is open. */
export function openGates(state: ExecutionState): string[] {
  return state.phases.filter((p) => state.phase_state[p.id]?.gate?.status === "open").map((p) => p.id);
}

/** Why `state` (unfinished, with no process running it) does not move. */
export function idleOf(state: ExecutionState): Idle {
  if (state.status === "waiting" && openGates(state).length > 0) return "gate";
  if (state.status === "blocked") return "blocked";
  if (state.status === "delivering") return "delivery";
  return Object.values(state.tasks).some((t) => t.status === "in_progress") ? "interrupted" : "resume";
}

/** The status to show for an execution no process runs: what it waits for, not `running`. */
export function idleStatus(state: ExecutionState): string {
  const idle = idleOf(state);
  if (idle === "interrupted") return "interrupted";
  if (idle === "resume") return "waiting for resume";
  return state.status;
}

/**
 * Whether a process runs the execution: its lock is held by a live process (or one on another
 * machine, or the lock cannot be read: then it may run, and nothing says otherwise).
 */
export function isRunning(store: ExecutionStore): boolean {
  try {
    return liveLockHolder(store.lockPath) !== undefined;
  } catch {
    return true;
  }
}

/**
 * Says on stderr why no process moves `state` and which command continues it; `id` is how
 * printed commands name it (with `--state-dir` when needed). Returns the exit code of
 * `status --watch`: 3 at a gate, else 1.
 */
export function printIdle(stderr: NodeJS.WritableStream, state: ExecutionState, id: string): number {
  const idle = idleOf(state);
  if (idle === "gate") {
    writeLine(stderr, `\nExecution ${state.id} is waiting for approval of: ${openGates(state).join(", ")}`);
    for (const phase of openGates(state)) {
      const given = state.phase_state[phase]?.gate?.approvals.length ?? 0;
      const needed = state.phases.find((p) => p.id === phase)?.gate?.min_approvals ?? 1;
      if (given > 0) writeLine(stderr, `  ${phase}: ${given} of ${needed} approvals given`);
      writeLine(stderr, `  approve:  orchestrate approve ${id} ${phase}`);
    }
    writeLine(stderr, `  then:     orchestrate resume ${id}`);
    return EXIT.gate;
  }
  if (idle === "blocked") {
    writeLine(
      stderr,
      `\nExecution ${state.id} is blocked and needs a decision${state.reason ? `: ${state.reason}` : ""}`,
    );
    writeLine(stderr, `  retry:    orchestrate retry ${id} [TASK|PHASE]`);
    writeLine(stderr, `  cancel:   orchestrate cancel ${id}`);
    return EXIT.failed;
  }
  if (idle === "delivery") {
    writeLine(stderr, `\n${deliveryStop(state)}`);
    writeLine(stderr, `  its report: orchestrate report ${id}`);
    writeLine(stderr, `  close it:   orchestrate cancel ${id} --reason "delivered by hand"`);
    return EXIT.failed;
  }
  writeLine(
    stderr,
    idle === "interrupted"
      ? `\nExecution ${state.id} is interrupted: no process runs it (its process stopped while tasks ran)`
      : `\nExecution ${state.id} is waiting for resume: no process runs it`,
  );
  writeLine(stderr, `  continue: orchestrate resume ${id}`);
  return EXIT.failed;
}

/** Why an execution in `delivering` goes no further here. */
export function deliveryStop(state: ExecutionState): string {
  return `Execution ${state.id} finished its tasks and waits for delivery (pull request, merge, deploy), which runs on GitHub only: nothing is left to run here`;
}
