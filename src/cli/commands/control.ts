import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Command } from "commander";
import { processStartTime } from "../../agents/process-start.ts";
import { parseBudget } from "../../core/commands/index.ts";
import { OrchestrateError } from "../../core/errors.ts";
import { didYouMean } from "../../core/plan/did-you-mean.ts";
import { formatUsd } from "../../core/report/money.ts";
import {
  type EventInput,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
} from "../../core/state/index.ts";
import { openGates } from "../idle.ts";
import { CliError, type CliIO, EXIT, writeLine } from "../io.ts";
import { orphansLine, stopOrphanedAgents } from "../orphans.ts";
import { ANSWER_WAIT_MS, handOver } from "../requests.ts";
import { currentUser } from "../session.ts";
import { type LockHolder, liveLockHolder } from "../store/execution-lock.ts";
import type { ExecutionStore } from "../store/execution-store.ts";
import {
  addStateDirOption,
  asCliError,
  commandPrefix,
  openStore,
  type StateOptions,
  taskList,
} from "./common.ts";

/** A new event from a command's input, with its id and time. */
function newEvent(input: Record<string, unknown>): ExecutionEvent {
  return EventSchema.parse({ id: randomUUID(), at: Date.now(), ...input } as EventInput) as ExecutionEvent;
}

/** A command recorded on an execution: the event, the state before it and the state after it. */
export interface Applied {
  event: ExecutionEvent;
  state: ExecutionState;
  before: ExecutionState;
  /** The process running the execution, when the command was handed to it (it goes on with it). */
  live?: number;
}

/**
 * Records one event on a stored execution (under its lock); refused events change nothing.
 * `prefix` is how printed commands name the execution's folder (`--state-dir DIR ` when not the
 * default). Under the lock, before the event is checked, agents a dead process left running are
 * stopped and said so on `io.stderr` (see `stopOrphanedAgents`): a command that ends a task
 * (`skip`, `cancel`) must not leave its agent running, and none of them is anyone's once the lock
 * is free. An execution a live process runs is handed to that process when it takes commands and
 * is surely the process that took the lock (see `takesCommands`; not for `cancel`, which signals it
 * itself): it records the event as it would be recorded here, checked the same way.
 */
export async function applyStored(
  io: CliIO,
  store: ExecutionStore,
  input: Record<string, unknown>,
  prefix = "",
): Promise<Applied> {
  let lock: ReturnType<ExecutionStore["lock"]>;
  try {
    lock = store.lock({ brief: true });
  } catch (error) {
    if (error instanceof OrchestrateError && error.code === "execution_locked") {
      const id = `${prefix}${store.id}`;
      const holder = readHolder(store);
      if (holder?.requests && holder.host === hostname() && input.type !== "cancel_requested") {
        if (takesCommands(holder)) return handedOver(io, store, holder, input, prefix);
        throw new CliError(error.message, EXIT.usage, unknownHolderHelp(store, holder, id));
      }
      throw new CliError(error.message, EXIT.usage, lockedHelp(store, holder, id));
    }
    asCliError(error);
  }
  try {
    // A crash may have cut the log's last line (that event never took effect), or stopped
    // between the log and the state file: both are mended as `resume` does, before appending.
    const state = store.loadCurrentState({ write: true });
    const line = orphansLine(await stopOrphanedAgents(store, state));
    if (line) writeLine(io.stderr, line);
    const event = newEvent(input);
    const { state: next, effects } = reduce(state, event);
    const refused = effects.find((e) => e.type === "rejected");
    if (refused)
      throw new CliError(`refused: ${refused.reason}`, EXIT.usage, refusalHelp(state, input, prefix));
    store.append(event, next);
    return { event, state: next, before: state };
  } catch (error) {
    if (error instanceof CliError) throw error;
    asCliError(error);
  } finally {
    lock.release();
  }
}

/**
 * Whether `holder`, a live process of this host whose lock says it takes commands, is surely the
 * process that took the lock: the lock holds its start time and the process with its pid started
 * then. A bare pid may name another program after a crash or a reboot, and the signal that hands
 * a command over ends a program that does not expect it.
 */
function takesCommands(holder: LockHolder): boolean {
  return holder.process_start !== undefined && processStartTime(holder.pid) === holder.process_start;
}

/** The holder of the execution's lock, if it can be read and runs. */
function readHolder(store: ExecutionStore): LockHolder | undefined {
  try {
    const holder = liveLockHolder(store.lockPath);
    return typeof holder === "object" ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Hands the command to `holder`, the process running the execution, and says what it did: the
 * same outcome as when recorded here (refused with the same help, or recorded). A process gone
 * before it took it leaves it to be recorded here.
 */
async function handedOver(
  io: CliIO,
  store: ExecutionStore,
  holder: LockHolder,
  input: Record<string, unknown>,
  prefix: string,
): Promise<Applied> {
  const event = newEvent(input);
  const id = `${prefix}${store.id}`;
  const result = await handOver(store, holder, event);
  if ("gone" in result) return applyStored(io, store, input, prefix);
  if ("unanswered" in result) {
    if (result.recorded)
      throw new CliError(
        `process ${result.pid} running ${store.id} recorded the command but gave no answer in time`,
        EXIT.ok,
        [`see where it stands: orchestrate status ${id}`],
      );
    if (result.taken)
      throw new CliError(
        `process ${result.pid} running ${store.id} took the command but gave no answer, and the log does not record it: nothing was changed`,
        EXIT.usage,
        [
          `it may be stopping (a write failed, say): see where it stands: orchestrate status ${id}`,
          "once it has stopped, run the command again (it is then recorded here)",
        ],
      );
    throw new CliError(
      `process ${result.pid} running ${store.id} did not take the command within ${ANSWER_WAIT_MS / 1000} s: nothing was changed`,
      EXIT.usage,
      [
        "it takes commands but did not answer: it may be stopping or busy; run the command again in a moment",
        `see where it stands: orchestrate status ${id}`,
        `if it still does not answer, Ctrl-C in its terminal, or orchestrate cancel ${id}, ends the execution`,
      ],
    );
  }
  const { answer, pid } = result;
  if (answer.ok) return { event, state: answer.state, before: answer.before, live: pid };
  if (answer.refused)
    throw new CliError(
      `refused: ${answer.reason}`,
      EXIT.usage,
      answer.before ? refusalHelp(answer.before, input, prefix) : [],
    );
  throw new CliError(
    `process ${pid} running ${store.id} could not record the command: ${answer.reason}`,
    EXIT.usage,
    [`once it has stopped, run the command again (it is then recorded here): orchestrate status ${id}`],
  );
}

/**
 * What to do when the process running the execution takes no commands: on another machine, run
 * it there; else wait for the run to stop at its gate (it does by itself without a terminal), or
 * end the execution.
 */
function lockedHelp(store: ExecutionStore, holder: LockHolder | undefined, id: string): string[] {
  if (holder && holder.host !== hostname())
    return [
      `it runs on ${holder.host}: run the command there (if that process is gone, remove ${store.lockPath})`,
    ];
  return [
    "that process takes no commands while it runs (an older orchestrate, or a command that ends in a moment: try again)",
    ...whileItRuns(id),
  ];
}

/**
 * What to do when the lock's process takes commands but cannot be told from another program that
 * got its pid later (the lock has no start time, or it cannot be read): it is not signalled.
 */
function unknownHolderHelp(store: ExecutionStore, holder: LockHolder, id: string): string[] {
  return [
    `the command is not handed to process ${holder.pid}: with no start time to check (none recorded: /proc or ps could not tell it), it may be another program that got the pid after a crash`,
    `if process ${holder.pid} is not orchestrate, remove ${store.lockPath} and run the command again`,
    ...whileItRuns(id),
  ];
}

/** How a run that takes no commands from here stops: by itself at a gate, or ended. */
function whileItRuns(id: string): string[] {
  return [
    `a run without a terminal stops by itself at a waiting gate (exit 3) once its running tasks end: then run this command and orchestrate resume ${id}`,
    `Ctrl-C in its terminal, or orchestrate cancel ${id}, ends the execution`,
  ];
}

/**
 * What to say after a refused command, so the next try names something that exists: the phases
 * whose gate is open (approve, reject), the tasks (skip), the tasks and phases (retry), with the
 * closest name to a misspelt one; for a second approval under one name, how another person gives
 * theirs (`prefix` as printed commands name the execution's folder).
 */
function refusalHelp(state: ExecutionState, input: Record<string, unknown>, prefix: string): string[] {
  const own = (ids: string[], id: unknown) => typeof id === "string" && ids.includes(id);
  const near = (id: unknown, ids: string[]) => {
    const close = typeof id === "string" && !own(ids, id) ? didYouMean(id, ids) : undefined;
    return close ? [`did you mean "${close}"?`] : [];
  };
  const phases = state.phases.map((p) => p.id);
  const tasks = Object.keys(state.tasks);
  switch (input.type) {
    case "gate_approved":
      if (approvedAlready(state, input))
        return anotherApprover(state, String(input.phase), String(input.by), prefix);
      return gateHelp(state, near(input.phase, phases));
    case "gate_rejected":
      return gateHelp(state, near(input.phase, phases));
    case "skip_requested":
      return own(tasks, input.task) ? [] : [...near(input.task, tasks), taskList(state)];
    case "retry_requested":
      return input.target === undefined || own([...tasks, ...phases], input.target)
        ? []
        : [...near(input.target, [...phases, ...tasks]), `its phases: ${phases.join(", ")}`, taskList(state)];
    default:
      return [];
  }
}

/** The phases waiting for approval, after a close name to a misspelt phase (`near`). */
function gateHelp(state: ExecutionState, near: string[]): string[] {
  const open = openGates(state);
  return [
    ...near,
    open.length > 0 ? `phases waiting for approval: ${open.join(", ")}` : "no phase is waiting for approval",
  ];
}

/** Whether `input` is an approval of an open gate by someone who approved it already. */
function approvedAlready(state: ExecutionState, input: Record<string, unknown>): boolean {
  const gate = typeof input.phase === "string" ? state.phase_state[input.phase]?.gate : undefined;
  return gate?.status === "open" && gate.approvals.some((a) => a.by === input.by);
}

/**
 * How a gate that needs more approvals gets the next one here: approvals are recorded under the
 * user name (`$USER`, else the system account), one per name, so another person approves under
 * their own.
 */
function anotherApprover(state: ExecutionState, phase: string, by: string, prefix: string): string[] {
  const given = state.phase_state[phase]?.gate?.approvals.length ?? 0;
  const needed = state.phases.find((p) => p.id === phase)?.gate?.min_approvals ?? 1;
  return [
    `${given} of ${needed} approvals given, one per user name; you approve as ${by} (the name in $USER, else your system account)`,
    anotherApproverLine(`${prefix}${state.id}`, phase),
  ];
}

/** How another person approves `phase` of execution `id` (as printed commands name it) here. */
function anotherApproverLine(id: string, phase: string): string {
  return `another person approves under their own name: USER=<their name> orchestrate approve ${id} ${phase}`;
}

/** The statuses a retry takes tasks from: its own, and `skipped` for the dependents it reopens. */
const TAKEN_UP: ReadonlySet<string> = new Set(["failed", "cancelled", "blocked", "escalated", "skipped"]);

/**
 * What a retry took up, by the status each task had: `2 tasks`, `1 failed, 1 cancelled`. A retry
 * takes up cancelled and blocked tasks as well as failed ones, and the dependents skipped for them.
 */
function retried(before: ExecutionState, after: ExecutionState): { count: string; statuses: string } {
  const counts = new Map<string, number>();
  let total = 0;
  for (const [id, t] of Object.entries(before.tasks)) {
    if (!TAKEN_UP.has(t.status) || after.tasks[id]?.status === t.status) continue;
    counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
    total++;
  }
  return {
    count: `${total} task${total === 1 ? "" : "s"}`,
    statuses: [...counts].map(([status, n]) => `${n} ${status}`).join(", "),
  };
}

/** Whether `orchestrate retry` would find something to run again in `state`. */
export function canRetry(state: ExecutionState): boolean {
  const { effects } = reduce(state, newEvent({ type: "retry_requested", by: "check" }));
  return !effects.some((e) => e.type === "rejected");
}

/** The live process holding the execution's lock, if any (a pid reused by another process is not it). */
function liveHolder(store: ExecutionStore): LockHolder | undefined {
  let holder: ReturnType<typeof liveLockHolder>;
  try {
    holder = liveLockHolder(store.lockPath);
  } catch {
    return undefined;
  }
  if (holder === undefined || holder === "unreadable") return undefined;
  // A lock taken on another machine (a shared folder) names a pid of that machine: a process
  // here with the same number is someone else's, and is never signalled.
  if (holder.host !== hostname()) {
    throw new CliError(
      `${store.id} is run by process ${holder.pid} on ${holder.host}, not on this machine: cancel it there (if that process is gone, remove ${store.lockPath} and try again)`,
    );
  }
  return holder;
}

/**
 * How the execution goes on: `orchestrate resume`, or nothing to do when `live`, the process
 * running it, took the command (it goes on with it).
 */
function resumeHint(io: CliIO, options: StateOptions, id: string, live?: number): void {
  const named = `${commandPrefix(options)}${id}`;
  if (live !== undefined)
    writeLine(
      io.stderr,
      `  process ${live} runs ${id} and went on with it; follow it: orchestrate status ${named} --watch`,
    );
  else writeLine(io.stderr, `  continue with: orchestrate resume ${named}`);
}

/** What comes next after a command: the execution may have ended with it. */
function nextStep(io: CliIO, options: StateOptions, state: ExecutionState, live?: number): void {
  const id = `${commandPrefix(options)}${state.id}`;
  if (state.finished_at === undefined) {
    resumeHint(io, options, state.id, live);
    return;
  }
  writeLine(
    io.stderr,
    `  execution ${state.id} is finished: ${state.status}${state.reason ? ` (${state.reason})` : ""}; nothing is left to run`,
  );
  writeLine(io.stderr, `  see the report: orchestrate report ${id}`);
}

export function controlCommands(program: Command, io: CliIO): void {
  const by = () => currentUser(io.env);

  addStateDirOption(
    program
      .command("approve")
      .description("approve a phase's gate")
      .argument("<id>", "execution id")
      .argument("<phase>", "the gated phase"),
  ).action(async (id: string, phase: string, options: StateOptions) => {
    const { state, live } = await applyStored(
      io,
      openStore(io, options, id),
      { type: "gate_approved", phase, by: by(), via: "cli" },
      commandPrefix(options),
    );
    const gate = state.phase_state[phase]?.gate;
    const needed = state.phases.find((p) => p.id === phase)?.gate?.min_approvals ?? 1;
    if (gate?.status === "open") {
      writeLine(
        io.stdout,
        `approved ${phase} of ${id}: ${gate.approvals.length} of ${needed} approvals; the gate stays open for the others`,
      );
      writeLine(io.stderr, `  ${anotherApproverLine(`${commandPrefix(options)}${id}`, phase)}`);
      return;
    }
    writeLine(io.stdout, `approved ${phase} of ${id}`);
    nextStep(io, options, state, live);
  });

  addStateDirOption(
    program
      .command("reject")
      .description("reject a phase's gate: it runs again with your reason as feedback")
      // The reason is required: the synopsis says so, as the README's does.
      .usage("[options] <id> <phase> --reason <text>")
      .argument("<id>", "execution id")
      .argument("<phase>", "the gated phase")
      .requiredOption("--reason <text>", "what should change, given to the agents (required)"),
  ).action(async (id: string, phase: string, options: StateOptions & { reason: string }) => {
    const { state, live } = await applyStored(
      io,
      openStore(io, options, id),
      {
        type: "gate_rejected",
        phase,
        by: by(),
        reason: options.reason,
        via: "cli",
      },
      commandPrefix(options),
    );
    const gate = state.phase_state[phase]?.gate;
    if (gate?.status === "escalated") {
      const limit = state.phases.find((p) => p.id === phase)?.gate?.max_revisions ?? 0;
      const prefix = commandPrefix(options);
      writeLine(
        io.stdout,
        `rejected ${phase} of ${id} (rejection ${gate.revisions}, limit ${limit} revision${limit === 1 ? "" : "s"}): the phase is escalated and does not run again; the execution is ${state.status}`,
      );
      writeLine(io.stderr, `  run the phase again anyway: orchestrate retry ${prefix}${id} ${phase}`);
      writeLine(io.stderr, `  or stop here:              orchestrate cancel ${prefix}${id}`);
      return;
    }
    writeLine(io.stdout, `rejected ${phase} of ${id}: it will run again with your feedback`);
    nextStep(io, options, state, live);
  });

  addStateDirOption(
    program
      .command("retry")
      .description("run failed, cancelled or blocked tasks again (all, one phase's, or one task)")
      .argument("<id>", "execution id")
      .argument("[target]", "a task id or a phase id"),
  ).action(async (id: string, target: string | undefined, options: StateOptions) => {
    const { before, state, live } = await applyStored(
      io,
      openStore(io, options, id),
      {
        type: "retry_requested",
        by: by(),
        ...(target ? { target } : {}),
      },
      commandPrefix(options),
    );
    const { count, statuses } = retried(before, state);
    writeLine(io.stdout, `${target ? `${target} of ${id}` : id}: ${count} will run again (${statuses})`);
    resumeHint(io, options, id, live);
  });

  addStateDirOption(
    program
      .command("skip")
      .description("skip a task; its dependents run without it")
      .argument("<id>", "execution id")
      .argument("<task>", "task id")
      .option("--reason <text>", "why"),
  ).action(async (id: string, task: string, options: StateOptions & { reason?: string }) => {
    const { state, live } = await applyStored(
      io,
      openStore(io, options, id),
      {
        type: "skip_requested",
        task,
        by: by(),
        ...(options.reason ? { reason: options.reason } : {}),
      },
      commandPrefix(options),
    );
    writeLine(io.stdout, `skipped ${task} of ${id}`);
    nextStep(io, options, state, live);
  });

  addStateDirOption(
    program
      .command("budget")
      .description("set an execution's budget; a stop at the old budget is lifted (then retry)")
      .argument("<id>", "execution id")
      .option("--usd <amount>", "the new limit in US dollars")
      .option("--tokens <count>", "the new limit in tokens"),
  ).action(async (id: string, options: StateOptions & { usd?: string; tokens?: string }) => {
    const words = [
      ...(options.usd !== undefined ? ["usd", options.usd] : []),
      ...(options.tokens !== undefined ? ["tokens", options.tokens] : []),
    ];
    const budget = parseBudget(words);
    if (typeof budget === "string")
      throw new CliError(
        words.length === 0 ? "name the new budget with --usd, --tokens or both" : budget.replaceAll("`", ""),
        EXIT.usage,
        [`e.g. orchestrate budget ${commandPrefix(options)}${id} --usd 40`],
      );
    const { state, live } = await applyStored(
      io,
      openStore(io, options, id),
      { type: "budget_set", by: by(), ...budget },
      commandPrefix(options),
    );
    const limit = state.policy.budget!;
    const parts = [
      ...(limit.usd !== undefined ? [`${formatUsd(limit.usd)} (${formatUsd(state.cost.usd)} spent)`] : []),
      ...(limit.tokens !== undefined ? [`${limit.tokens} tokens (${state.cost.tokens} used)`] : []),
    ];
    writeLine(io.stdout, `budget of ${id} set to ${parts.join(" and ")}`);
    if (state.finished_at !== undefined && canRetry(state))
      writeLine(
        io.stderr,
        `  run what the old budget stopped: orchestrate retry ${commandPrefix(options)}${id}`,
      );
    else if (state.finished_at === undefined) resumeHint(io, options, id, live);
  });

  addStateDirOption(
    program
      .command("cancel")
      .description("cancel an execution (a running one is stopped)")
      .argument("<id>", "execution id")
      .option("--reason <text>", "why (default: cancelled by you)"),
  ).action(async (id: string, options: StateOptions & { reason?: string }) => {
    const store = openStore(io, options, id);
    const reason = options.reason ? { reason: options.reason } : {};
    const holder = liveHolder(store);
    if (holder && holder.pid !== process.pid && holder.brief) {
      // A command holding the lock for a moment (approve, skip, … stopping agents a dead run left
      // takes a few seconds): a signal would end it half done. Waited for, then recorded here.
      writeLine(io.stderr, `process ${holder.pid} holds ${id} for a moment; waiting for it…`);
      for (let i = 0; i < 200 && liveHolder(store); i++) await new Promise((r) => setTimeout(r, 50));
    } else if (holder && holder.pid !== process.pid) {
      // Cancelled already (Ctrl-C, or another cancel): a second signal would quit it at once,
      // killing its agents with no grace, as a second Ctrl-C does. It is left to stop them.
      const asked = !beingCancelled(store);
      if (asked) {
        // The running process records the cancel itself: it is told who asks, then signalled.
        store.requestCancel({ pid: holder.pid, by: by(), ...reason });
        try {
          process.kill(holder.pid, "SIGINT");
        } catch {
          // Not ours to signal, or already gone: fall through to recording it here.
        }
        writeLine(io.stderr, `asked process ${holder.pid} to cancel ${id}; waiting for it to stop…`);
      } else
        writeLine(io.stderr, `process ${holder.pid} is already cancelling ${id}; waiting for it to stop…`);
      for (let i = 0; i < 200 && liveHolder(store); i++) await new Promise((r) => setTimeout(r, 50));
      if (asked) store.clearCancelRequest();
      const state = store.loadCurrentState();
      if (state.status === "cancelled") {
        writeLine(io.stdout, `cancelled ${id}`);
        return;
      }
    }
    // Recorded here; agents a dead process left running are stopped first (also when the
    // execution has ended already: a run killed while its Ctrl-C stopped its tasks left them).
    await applyStored(io, store, { type: "cancel_requested", by: by(), ...reason }, commandPrefix(options));
    writeLine(io.stdout, `cancelled ${id}`);
  });
}

/** Whether the execution's stored state says it is cancelled: its process is stopping it. */
function beingCancelled(store: ExecutionStore): boolean {
  try {
    return store.loadCurrentState().status === "cancelled";
  } catch {
    return false;
  }
}
