import { userInfo } from "node:os";
import { OrchestrateError } from "../core/errors.ts";
import type { Plan } from "../core/plan/schema.ts";
import { reportMarkdown } from "../core/render/report-markdown.ts";
import type { ExecutionState } from "../core/state/index.ts";
import { IN_FLIGHT } from "../core/state/index.ts";
import { Engine } from "../engine/engine.ts";
import { systemClock } from "../ports/clock.ts";
import type { NewEvent } from "../ports/engine-ports.ts";
import { canRetry } from "./commands/control.ts";
import { fsProblem, isFsError } from "./fs-problem.ts";
import { cliGatekeeper } from "./gatekeeper.ts";
import { deliveryStop } from "./idle.ts";
import { CliError, type CliIO, EXIT, writeLine } from "./io.ts";
import { drain, type LocalRunner, localRunner } from "./local-runner.ts";
import { orphansLine, stopOrphanedAgents } from "./orphans.ts";
import { CAN_TAKE_REQUESTS, dropAbandonedRequests, onRequestSignal, takeRequests } from "./requests.ts";
import type { ExecutionStore } from "./store/execution-store.ts";
import { createView } from "./view.ts";

export interface SessionOptions {
  io: CliIO;
  store: ExecutionStore;
  plan: Plan;
  planDir: string;
  /** Where agents run. */
  cwd: string;
  yes: boolean;
  approve: readonly string[];
  plain: boolean;
  secrets: readonly string[];
  /** How `ID` is written in printed commands (with `--state-dir` when not the default). */
  commandPrefix: string;
}

export function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return env.USER ?? userInfo().username;
  } catch {
    return "local";
  }
}

/**
 * Refuses `--approve PHASE` for a phase that does not exist or has no gate, with the messages
 * `orchestrate approve` gives.
 */
export function checkApprovals(
  phases: readonly { id: string; gate?: unknown }[],
  approve: readonly string[],
): void {
  const gated = phases.filter((p) => p.gate).map((p) => p.id);
  const details = [gated.length > 0 ? `gated phases: ${gated.join(", ")}` : "no phase has a gate"];
  for (const phase of approve) {
    const spec = phases.find((p) => p.id === phase);
    if (!spec) throw new CliError(`refused: unknown phase "${phase}"`, EXIT.usage, details);
    if (!spec.gate) throw new CliError(`refused: phase ${phase} has no gate`, EXIT.usage, details);
  }
}

/** How a session ends: the execution's end, a stop it cannot go past here, or its terminal closed. */
type Outcome = "done" | "gate" | "blocked" | "delivery" | "hangup";

/**
 * What a run whose terminal closed (SIGHUP) returns: 128 + 1, as a shell reports it. The process
 * itself then ends by the signal (see `cli/index.ts`), not by exiting with this code.
 */
export const HANGUP_EXIT = 129;

/**
 * Runs an execution on this machine until it ends, stops at a gate nobody can answer here, or is
 * blocked. `first` is `execution_started` for a new run; absent for a resume of `state`.
 */
export async function runSession(
  options: SessionOptions,
  first: NewEvent | undefined,
  state?: ExecutionState,
): Promise<number> {
  const { io, store } = options;
  // Commands from other shells (`approve`, `retry`, …) are taken once the engine runs; the
  // signal that announces them is handled from before the lock says this process takes them.
  onRequestSignal(undefined);
  const lock = store.lock({ takesRequests: CAN_TAKE_REQUESTS });
  if (!first && state) {
    let ended: number | undefined;
    try {
      // A crash may have cut the log's last line, or stopped between the log and the state file.
      state = store.loadCurrentState({ write: true });
      if (state.finished_at !== undefined) {
        // Finished meanwhile, or by the event the state file had not caught up with: nothing runs.
        ended = await endFinished(io, store, state, options.commandPrefix);
      } else if (awaitsDelivery(state)) {
        ended = printDelivery(io, state, options.commandPrefix);
      } else {
        // Agents of a process that died still run: stopped before their attempts are given up.
        const line = orphansLine(await stopOrphanedAgents(store, state));
        if (line) writeLine(io.stderr, line);
      }
    } catch (error) {
      lock.release();
      throw error;
    }
    if (ended !== undefined) {
      lock.release();
      return ended;
    }
  }
  // The id goes first on stdout once the execution really starts (locked, its log readable).
  writeLine(io.stdout, `execution ${store.id}`);
  const interactive = !options.yes && io.stdin.isTTY === true && io.stderr.isTTY === true && !io.env.CI;
  let engine!: Engine;
  /** Set when the terminal closed: every write to it fails (EIO), so nothing more is drawn there. */
  let hungUp = false;
  const view = createView(
    io,
    () => (hungUp ? undefined : engine.state),
    () => Date.now(),
    options.plain,
  );
  // Closes a prompt still open when the session ends (the execution was cancelled meanwhile).
  const prompts = new AbortController();
  const gates = cliGatekeeper({
    io,
    yes: options.yes,
    approve: new Set(options.approve),
    interactive,
    user: currentUser(io.env),
    signal: prompts.signal,
    onPrompt: (active) => {
      if (active) return view.pause();
      view.resume();
      // "stop here", Ctrl-C, or an approval the gate needs more of: the gate may still be open.
      if (engine.state) check(engine.state);
    },
  });
  const local = localRunner({
    plan: options.plan,
    planDir: options.planDir,
    cwd: options.cwd,
    taskDir: (id, attempt) => store.taskDir(id, attempt),
    secrets: options.secrets,
  });
  /**
   * Set when the session stops before its execution ends (a write failed, the terminal closed):
   * no task starts from then on. One the engine dispatches meanwhile stays queued in the log;
   * `resume` starts it.
   */
  let halted = false;
  const runner: LocalRunner = {
    ...local,
    start: (task, s, send) => {
      if (!halted) local.start(task, s, send);
    },
  };
  let decided = false;
  let settle!: (o: Outcome) => void;
  let fail!: (error: unknown) => void;
  const stopped = new Promise<Outcome>((resolve, reject) => {
    settle = (o) => {
      decided = true;
      resolve(o);
    };
    fail = (error) => {
      decided = true;
      reject(error);
    };
  });
  /** Open gates nobody here is asked about: they wait for `orchestrate approve`/`reject`. */
  const waitingGates = (s: ExecutionState) =>
    s.phases
      .filter((p) => s.phase_state[p.id]?.gate?.status === "open" && !gates.asking.has(p.id))
      .map((p) => p.id);
  // On resume, open gates are handed to the gatekeeper again before anything counts as waiting.
  let handedOver = first !== undefined;
  const check = (s: ExecutionState) => {
    if (!handedOver || s.finished_at !== undefined) return;
    const inFlight = Object.values(s.tasks).some((t) => IN_FLIGHT.has(t.status));
    if (inFlight) return;
    if (s.status === "waiting" && waitingGates(s).length > 0) settle("gate");
    else if (s.status === "blocked") settle("blocked");
    else if (s.status === "delivering") settle("delivery");
  };
  engine = new Engine(
    {
      clock: systemClock,
      random: Math.random,
      runner,
      gatekeeper: gates,
      store,
      secrets: options.secrets,
      telemetry: (e) => view.telemetry(e),
      notifier: {
        update: (s, effect) => view.update?.(s, effect),
        notify: (effect, s) => view.notify?.(effect, s),
      },
      // After each batch of events: an approval the gate needs more of changes no status.
      onIdle: check,
    },
    state,
  );
  /** Stops what still runs of a session that ends before its execution does, and waits for it. */
  const halt = async (reason: string) => {
    halted = true;
    onRequestSignal(undefined);
    prompts.abort();
    engine.stop();
    runner.stopAll(reason);
    await drain(runner);
  };
  let interrupts = 0;
  const onSigint = (signal: NodeJS.Signals) => {
    interrupts++;
    // A session already stopping its tasks is not cancelled: a signal then quits at once.
    if (interrupts === 1 && !halted) {
      // `orchestrate cancel` from another shell says who asks before it signals.
      const request = store.takeCancelRequest(process.pid);
      if (request) {
        io.stderr.write(
          `\nCancelling (orchestrate cancel by ${request.by}): stopping running tasks (Ctrl-C to quit at once)…\n`,
        );
        engine.send({
          type: "cancel_requested",
          by: request.by,
          ...(request.reason !== undefined ? { reason: request.reason } : {}),
        });
        return;
      }
      const how = signal === "SIGINT" ? "with Ctrl-C" : `by ${signal}`;
      io.stderr.write(`\nCancelling: stopping running tasks (Ctrl-C again to quit at once)…\n`);
      engine.send({ type: "cancel_requested", by: currentUser(io.env), reason: `cancelled ${how}` });
    } else {
      // Quit at once: agents that ignore SIGTERM must not outlive the process that ran them.
      runner.killAll();
      lock.release();
      process.exit(signal === "SIGTERM" ? 143 : 130);
    }
  };
  // The terminal closed (a window shut, an SSH connection dropped): nobody is there to ask or to
  // see the run. It stops its tasks and lets go, recording no cancel: `resume` retries them.
  const onSighup = () => {
    hungUp = true;
    settle("hangup");
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  process.on("SIGHUP", onSighup);
  // Engine timers (retry backoff, timeouts) do not hold the process open by themselves.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    const takeCommands = () =>
      takeRequests(store, engine, {
        applied: (event) => {
          // A gate answered from another shell: its prompt here is closed.
          if (event.type === "gate_approved" || event.type === "gate_rejected") {
            if (
              gates.asking.has(event.phase) &&
              engine.state?.phase_state[event.phase]?.gate?.status !== "open"
            )
              gates.dismiss(event.phase);
          }
        },
        // Decided, or ended: a command from now on waits for the lock, then is recorded as if
        // nothing ran.
        decided: () => decided || engine.failed || engine.state?.finished_at !== undefined,
        failed: fail,
      });
    try {
      if (first) engine.send(first);
      else {
        engine.send({ type: "resume_requested", by: currentUser(io.env), workers_lost: true });
        // Gates that were already open are asked again.
        const s = engine.state!;
        for (const phase of s.phases) {
          if (s.phase_state[phase.id]?.gate?.status === "open") {
            gates.open(
              { type: "open_gate", phase: phase.id, approvers: phase.gate?.approvers ?? [], revision: 0 },
              s,
              engine.send,
            );
          }
        }
      }
      dropAbandonedRequests(store);
      onRequestSignal(takeCommands);
      // Commands that came while this process started are recorded before anything counts as
      // waiting: an approval given meanwhile must not leave the run stopped at its gate.
      takeCommands();
      handedOver = true;
      if (engine.state) check(engine.state);
    } catch (error) {
      // Its tasks may run already: they are stopped before the lock is let go, as below.
      fail(error);
    }
    const outcome = await Promise.race([engine.done.then(() => "done" as const), stopped]).catch(
      async (error: unknown) => {
        // An event or a command's answer could not be written (a full disk): the execution stops
        // here, its running tasks with it, and only then is the lock let go (a `resume` must not
        // run beside them).
        await halt("the run stopped: a write failed");
        view.stop();
        throw stoppedByError(error, `${options.commandPrefix}${store.id}`);
      },
    );
    if (outcome === "hangup") {
      await halt("the terminal closed");
      return hangUp(io, store.id, options.commandPrefix);
    }
    // Decided: a command from now on waits for the lock, then is recorded as if nothing ran.
    onRequestSignal(undefined);
    prompts.abort();
    await drain(runner);
    view.stop();
    return finish(options, engine.state!, outcome, waitingGates(engine.state!));
  } finally {
    onRequestSignal(undefined);
    prompts.abort();
    clearInterval(keepAlive);
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
    process.off("SIGHUP", onSighup);
    lock.release();
  }
}

/**
 * What a run whose terminal closed says, where it can still be read (stderr redirected to a file;
 * a closed terminal fails every write): its tasks were stopped, and how to continue.
 */
function hangUp(io: CliIO, id: string, commandPrefix: string): number {
  if (io.stderr.isTTY !== true) {
    writeLine(
      io.stderr,
      `\nExecution ${id} stopped: its terminal closed (SIGHUP); its running tasks were stopped`,
    );
    writeLine(io.stderr, `  continue: orchestrate resume ${commandPrefix}${id}`);
  }
  return HANGUP_EXIT;
}

/**
 * What `resume` of a finished execution does, under the execution's lock: agents a process that
 * died left running are stopped (nothing else would stop them: no attempt of theirs is left),
 * then the final report is printed (`printFinished`).
 */
async function endFinished(
  io: CliIO,
  store: ExecutionStore,
  state: ExecutionState,
  commandPrefix: string,
): Promise<number> {
  const line = orphansLine(await stopOrphanedAgents(store, state));
  if (line) writeLine(io.stderr, line);
  return printFinished(io, state, commandPrefix);
}

/**
 * `resume` of an execution found finished: takes its lock, stops the agents a dead process left
 * running and prints the final report (see `endFinished`). Exit code as `printFinished`'s.
 */
export async function resumeFinished(
  io: CliIO,
  store: ExecutionStore,
  commandPrefix: string,
): Promise<number> {
  const lock = store.lock({ brief: true });
  try {
    const state = store.loadCurrentState({ write: true });
    if (state.finished_at === undefined) {
      const id = `${commandPrefix}${store.id}`;
      throw new CliError(`execution ${store.id} is no longer finished: it changed meanwhile`, EXIT.usage, [
        `continue it: orchestrate resume ${id}`,
      ]);
    }
    return await endFinished(io, store, state, commandPrefix);
  } finally {
    lock.release();
  }
}

/**
 * The error a session ends with when an event could not be recorded: what failed and the fix (a
 * file-system problem in one line), that its tasks were stopped, and how to go on once it is fixed.
 */
function stoppedByError(error: unknown, id: string): unknown {
  const stoppedLine = "the run stopped there, its running tasks too; what the log holds is kept";
  if (isFsError(error))
    return new CliError(fsProblem(error), EXIT.usage, [
      stoppedLine,
      `then continue: orchestrate resume ${id}`,
    ]);
  if (error instanceof OrchestrateError)
    return new CliError(error.message, EXIT.usage, [
      ...error.details,
      ...(error.hint ? [`hint: ${error.hint}`] : []),
      stoppedLine,
    ]);
  return error;
}

function finish(
  options: SessionOptions,
  state: ExecutionState,
  outcome: Outcome,
  pending: readonly string[],
): number {
  const { io } = options;
  const id = `${options.commandPrefix}${state.id}`;
  // Ended while the session stopped (its last tasks finished meanwhile): its end is what counts.
  if (state.finished_at !== undefined) outcome = "done";
  if (outcome === "gate") {
    writeLine(io.stderr, `\nExecution ${state.id} is waiting for approval of: ${pending.join(", ")}`);
    for (const phase of pending) {
      const given = state.phase_state[phase]?.gate?.approvals.length ?? 0;
      const needed = state.phases.find((p) => p.id === phase)?.gate?.min_approvals ?? 1;
      if (given > 0) writeLine(io.stderr, `  ${phase}: ${given} of ${needed} approvals given`);
      writeLine(io.stderr, `  approve:  orchestrate approve ${id} ${phase}`);
      writeLine(io.stderr, `  reject:   orchestrate reject ${id} ${phase} --reason "what should change"`);
    }
    writeLine(io.stderr, `  then:     orchestrate resume ${id}`);
    return EXIT.gate;
  }
  if (outcome === "blocked") {
    writeLine(io.stderr, `\nExecution ${state.id} is blocked and needs a decision:`);
    for (const [task, t] of Object.entries(state.tasks)) {
      if (t.status === "blocked" || t.status === "escalated")
        writeLine(io.stderr, `  ${task}: ${t.reason ?? t.status}`);
    }
    writeLine(io.stderr, `  retry:    orchestrate retry ${id} [TASK|PHASE]`);
    writeLine(io.stderr, `  cancel:   orchestrate cancel ${id}`);
    return EXIT.failed;
  }
  if (outcome === "delivery") return printDelivery(io, state, options.commandPrefix);
  writeLine(io.stdout, reportMarkdown(state));
  writeLine(io.stderr, `Execution ${state.id} ${state.status}${state.reason ? `: ${state.reason}` : ""}`);
  return state.status === "succeeded" ? EXIT.ok : EXIT.failed;
}

/**
 * Whether `state` waits for delivery, which never comes on this machine: an execution started
 * with delivery settings (by a version that kept them locally, or on GitHub and copied here).
 */
export function awaitsDelivery(state: ExecutionState): boolean {
  return (
    state.finished_at === undefined &&
    state.status === "delivering" &&
    !Object.values(state.tasks).some((t) => IN_FLIGHT.has(t.status))
  );
}

/**
 * What a local session says of an execution waiting for delivery: its report, why nothing runs
 * here, and how to close it. Exit code 1: it did not succeed here.
 */
export function printDelivery(io: CliIO, state: ExecutionState, commandPrefix: string): number {
  const id = `${commandPrefix}${state.id}`;
  writeLine(io.stdout, reportMarkdown(state));
  writeLine(io.stderr, deliveryStop(state));
  writeLine(io.stderr, `  close it: orchestrate cancel ${id} --reason "delivered by hand"`);
  return EXIT.failed;
}

/** What `resume` of a finished execution prints: the final report, and how to run failed tasks again. */
export function printFinished(io: CliIO, state: ExecutionState, commandPrefix: string): number {
  writeLine(io.stdout, reportMarkdown(state));
  writeLine(
    io.stderr,
    `Execution ${state.id} already ${state.status}${state.reason ? `: ${state.reason}` : ""}; nothing is left to run`,
  );
  if (canRetry(state)) {
    writeLine(
      io.stderr,
      `  to run failed tasks again: orchestrate retry ${commandPrefix}${state.id}, then resume`,
    );
  }
  return state.status === "succeeded" ? EXIT.ok : EXIT.failed;
}
