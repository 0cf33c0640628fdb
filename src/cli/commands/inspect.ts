import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { Command } from "commander";
import { createLogUpdate } from "log-update";
import { ATTEMPT_LAYOUT } from "../../agents/layout.ts";
import { OrchestrateError } from "../../core/errors.ts";
import { didYouMean } from "../../core/plan/did-you-mean.ts";
import { phaseStatus } from "../../core/render/mermaid.ts";
import { reportMarkdown } from "../../core/render/report-markdown.ts";
import { estimateRemaining } from "../../core/report/eta.ts";
import { summarize } from "../../core/report/summarize.ts";
import { type ExecutionState, replay } from "../../core/state/index.ts";
import { type Idle, idleOf, idleStatus, isRunning, printIdle } from "../idle.ts";
import { CliError, type CliIO, EXIT, readerGone, setExitCode, writeLine } from "../io.ts";
import { ExecutionStore, type ExecutionSummary } from "../store/execution-store.ts";
import { RESTORE_HINT } from "../store/parse-event-log.ts";
import { liveLines, sizedTerminal } from "../view.ts";
import {
  addStateDirOption,
  asCliError,
  commandPrefix,
  openStore,
  type StateOptions,
  stateRoot,
  taskList,
} from "./common.ts";

function load(store: ExecutionStore): ExecutionState {
  try {
    return store.loadCurrentState();
  } catch (error) {
    asCliError(error);
  }
}

/** The attempts of `task` that left a folder with logs, in order. */
function attemptsWithLogs(store: ExecutionStore, task: string): number[] {
  const folder = dirname(store.taskDir(task, 1));
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /^[1-9][0-9]*$/.test(name))
    .map(Number)
    .filter((n) =>
      [ATTEMPT_LAYOUT.stdout, ATTEMPT_LAYOUT.stderr].some((f) => existsSync(join(store.taskDir(task, n), f))),
    )
    .sort((a, b) => a - b);
}

/** The status as data: result summary plus per-phase status and gates. */
export function statusJson(state: ExecutionState, now: number) {
  const result = summarize(state, now);
  return {
    ...result,
    eta_ms: estimateRemaining(state, now),
    phases: state.phases.map((p) => ({
      id: p.id,
      status: phaseStatus(state, p),
      ...(p.skipped !== undefined ? { skipped: p.skipped } : {}),
      tasks: p.tasks,
      ...(state.phase_state[p.id]?.gate ? { gate: state.phase_state[p.id]!.gate } : {}),
    })),
    audit: state.audit,
  };
}

export function inspectCommands(program: Command, io: CliIO): void {
  addStateDirOption(
    program
      .command("status")
      .description("show executions, or one execution's phases and running tasks")
      .argument("[id]", "execution id (default: list all)")
      .option("--watch", "refresh until the execution ends or no process runs it")
      .option("--json", "print as JSON"),
  ).action(async (id: string | undefined, options: StateOptions & { watch?: boolean; json?: boolean }) => {
    if (!id && !options.watch) {
      const root = stateRoot(io, options);
      const list = ExecutionStore.list(root).map((e) => ({ e, ...idleSummary(root, e) }));
      if (options.json)
        writeLine(
          io.stdout,
          JSON.stringify(
            list.map(({ e, idle }) => ({ ...e, ...(idle ? { idle } : {}) })),
            null,
            2,
          ),
        );
      else if (list.length === 0) writeLine(io.stdout, "no executions yet; start one with 'orchestrate run'");
      else
        for (const { e, shown } of list)
          writeLine(
            io.stdout,
            `${e.id.padEnd(36)} ${(shown ?? e.status).padEnd(10)} ${new Date(e.created_at).toISOString()}`,
          );
      return;
    }
    const store = openStore(io, options, id);
    const prefixed = (state: ExecutionState) => `${commandPrefix(options)}${state.id}`;
    // Shown as the state has it while a process runs it; else as what it waits for.
    const show = (state: ExecutionState, idle: boolean) =>
      options.json
        ? JSON.stringify(
            { ...statusJson(state, Date.now()), ...(idle ? { idle: idleOf(state) } : {}) },
            null,
            2,
          )
        : liveLines(state, state.finished_at ?? Date.now(), idle ? idleStatus(state) : state.status).join(
            "\n",
          );
    if (!options.watch) {
      const state = load(store);
      const idle = state.finished_at === undefined && !isRunning(store);
      writeLine(io.stdout, show(state, idle));
      if (idle) printIdle(io.stderr, state, prefixed(state));
      return;
    }
    // `status --watch | head`: once the reader is gone, stop quietly.
    const closed = () => readerGone(io.stdout);
    const render = io.stdout.isTTY ? createLogUpdate(sizedTerminal(io.stdout)) : undefined;
    let last = "";
    let unattended = 0;
    for (;;) {
      const state = load(store);
      // Nothing runs it: it waits for someone. Seen twice, not to stop while a process takes over.
      unattended = state.finished_at === undefined && !isRunning(store) ? unattended + 1 : 0;
      const text = show(state, unattended >= 2);
      if (closed()) return;
      if (render) render(text);
      else if (text !== last) writeLine(io.stdout, text);
      last = text;
      if (state.finished_at !== undefined) {
        // As `run` ends: 0 only for an execution that succeeded.
        setExitCode(state.status === "succeeded" ? EXIT.ok : EXIT.failed);
        break;
      }
      if (unattended >= 2) {
        render?.done();
        if (!closed()) setExitCode(printIdle(io.stderr, state, prefixed(state)));
        return;
      }
      await new Promise((r) => setTimeout(r, unattended > 0 ? 250 : 1000));
      if (closed()) return;
    }
    render?.done();
  });

  addStateDirOption(
    program
      .command("report")
      .description("the execution report: phases, tasks, attempts, durations, artifacts, metrics, graph")
      .argument("[id]", "execution id (default: the newest)")
      .option("--format <format>", "md or json", "md"),
  ).action((id: string | undefined, options: StateOptions & { format: string }) => {
    if (options.format !== "md" && options.format !== "json") {
      throw new CliError(`unknown format "${options.format}": use md or json`);
    }
    const state = load(openStore(io, options, id));
    writeLine(
      io.stdout,
      options.format === "md"
        ? reportMarkdown(state)
        : JSON.stringify(statusJson(state, state.finished_at ?? Date.now()), null, 2),
    );
  });

  addStateDirOption(
    program
      .command("logs")
      .description("print a task attempt's output and error logs (secrets scrubbed)")
      .argument("<id>", "execution id")
      .argument("<task>", "task id")
      .option("--attempt <n>", "which attempt (default: the latest that ran)")
      .option("--stdout", "only the output log")
      .option("--stderr", "only the error log"),
  ).action(
    (
      id: string,
      task: string,
      options: StateOptions & { attempt?: string; stdout?: boolean; stderr?: boolean },
    ) => {
      if (options.attempt !== undefined && !/^[1-9][0-9]*$/.test(options.attempt)) {
        throw new CliError(
          `--attempt must be a whole number from 1 (the first attempt), not "${options.attempt}"`,
          EXIT.usage,
          ["without it, the latest attempt that ran is shown"],
        );
      }
      const store = openStore(io, options, id);
      const state = load(store);
      const t = Object.hasOwn(state.tasks, task) ? state.tasks[task] : undefined;
      if (!t) {
        const near = didYouMean(task, Object.keys(state.tasks));
        throw new CliError(
          `execution ${state.id} has no task "${task}"${near ? `: did you mean "${near}"?` : ""}`,
          EXIT.usage,
          [
            taskList(state),
            `each task with its status: orchestrate report ${commandPrefix(options)}${state.id}`,
          ],
        );
      }
      const attempts = attemptsWithLogs(store, task);
      if (attempts.length === 0)
        throw new CliError(
          `task ${task} of ${state.id} has not run yet (it is ${t.status}): no logs`,
          EXIT.usage,
        );
      const attempt = options.attempt === undefined ? attempts.at(-1)! : Number(options.attempt);
      if (!attempts.includes(attempt))
        throw new CliError(
          `task ${task} has no logs of attempt ${options.attempt}: its attempts with logs are ${attempts.join(", ")}`,
          EXIT.usage,
        );
      const streams = [
        ...(options.stderr && !options.stdout ? [] : [ATTEMPT_LAYOUT.stdout]),
        ...(options.stdout && !options.stderr ? [] : [ATTEMPT_LAYOUT.stderr]),
      ];
      const only = streams.length === 1;
      for (const name of streams) {
        const path = join(store.taskDir(task, attempt), name);
        const text = existsSync(path) ? readFileSync(path, "utf8") : "";
        // One stream: as it is (for pipes); both: each under a header naming its file.
        if (only) io.stdout.write(text);
        else {
          writeLine(io.stdout, `── ${name} of ${task} attempt ${attempt} (${path})${text ? "" : ": empty"}`);
          if (text) io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
        }
      }
    },
  );

  addStateDirOption(
    program
      .command("replay")
      .description("rebuild the state from the event log; exit 0 when it matches the stored state")
      .argument("[id]", "execution id (default: the newest)")
      .option("--write", "replace state.json with the rebuilt state (after a crash or a damaged file)"),
  ).action((id: string | undefined, options: StateOptions & { write?: boolean }) => {
    const store = openStore(io, options, id);
    const prefix = commandPrefix(options);
    if (!existsSync(store.eventsPath)) {
      // Nothing to rebuild from, and an empty log must not stand in for the lost one.
      throw new CliError(`${store.eventsPath} is missing: there is no event log to replay`, EXIT.usage, [
        `hint: nothing was changed; ${RESTORE_HINT}`,
      ]);
    }
    if (options.write) {
      let lock: ReturnType<ExecutionStore["lock"]>;
      try {
        lock = store.lock({ brief: true });
      } catch (error) {
        asCliError(error);
      }
      let events: ReturnType<ExecutionStore["loadEvents"]>;
      try {
        // A write cut off by a crash never took effect: dropped, as resume and approve do.
        const dropped = store.dropTornTail();
        if (dropped !== undefined) {
          writeLine(
            io.stderr,
            `dropped the cut-off last line of ${store.eventsPath} (an interrupted write; that event never took effect): ${preview(dropped)}`,
          );
        }
        events = store.loadEvents();
        const rebuilt = replay(events);
        if (!rebuilt)
          throw new CliError(`${store.eventsPath} holds no events: nothing to rebuild`, EXIT.failed);
        store.writeState(JSON.parse(JSON.stringify(rebuilt)) as ExecutionState);
      } catch (error) {
        if (error instanceof CliError) throw error;
        asCliError(error);
      } finally {
        lock.release();
      }
      writeLine(io.stdout, `${events.length} events replayed: wrote ${store.statePath}`);
      return;
    }
    let events: ReturnType<ExecutionStore["loadEvents"]>;
    try {
      events = store.loadEvents();
    } catch (error) {
      if (!(error instanceof OrchestrateError && error.code === "events_torn")) asCliError(error);
      // Only read here: the cut-off line is left in place, and left out (it never took effect).
      writeLine(
        io.stderr,
        `note: the last line of ${store.eventsPath} is cut off (an interrupted write; that event never took effect): left out; \`orchestrate replay ${prefix}${store.id} --write\` drops it`,
      );
      events = store.loadEvents({ tolerateTornTail: true });
    }
    let rebuilt = JSON.parse(JSON.stringify(replay(events) ?? null)) as ExecutionState | null;
    let stored: ExecutionState | undefined;
    try {
      stored = store.loadState();
    } catch (error) {
      writeLine(io.stderr, `stored state unreadable: ${(error as Error).message}`);
    }
    if (rebuilt && stored) rebuilt = asOlderVersionsKeptIt(rebuilt, stored);
    if (rebuilt && stored && isDeepStrictEqual(rebuilt, JSON.parse(JSON.stringify(stored)))) {
      writeLine(io.stdout, `${events.length} events replayed: the state matches ${store.statePath}`);
      return;
    }
    const differing = rebuilt && stored ? diffKeys(rebuilt, stored) : ["state"];
    // The log is the source of truth: what to do is rebuild the state file from it.
    const behind =
      stored && stored.seq < events.length
        ? [
            `${store.statePath} records ${stored.seq} of the log's ${events.length} events: it is behind its log (a crash between the two writes)`,
          ]
        : [];
    throw new CliError(
      `${events.length} events replayed: the state differs from ${store.statePath}`,
      EXIT.failed,
      [
        `differing: ${differing.slice(0, 10).join(", ")}`,
        ...behind,
        `rebuild state.json from the log: orchestrate replay ${prefix}${store.id} --write`,
      ],
    );
  });
}

/** The start of a dropped line, for the message. */
function preview(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * For the list: how to show an unfinished execution no process runs (`interrupted`, `waiting for
 * resume`), and what it waits for; nothing for one that is finished, running or unreadable.
 */
function idleSummary(root: string, e: ExecutionSummary): { shown?: string; idle?: Idle } {
  if (["succeeded", "failed", "cancelled", "corrupt"].includes(e.status)) return {};
  const store = new ExecutionStore(root, e.id);
  if (isRunning(store)) return {};
  try {
    const state = store.loadCurrentState();
    if (state.finished_at !== undefined) return {};
    return { shown: idleStatus(state), idle: idleOf(state) };
  } catch {
    return {};
  }
}

/** Fields of a phase that states saved by older versions do not have (the tasks' specs hold them). */
const LATER_PHASE_FIELDS = ["task_timeout_ms", "max_attempts", "non_retryable"] as const;

/**
 * `rebuilt` without what `stored` has no place for because an older version saved it: the limits
 * of a phase with tasks, which phases did not keep then (its tasks' specs hold them). Not a
 * difference: the same log, kept in fewer places. A phase with no tasks keeps them nowhere else
 * (tasks added to it later get them): their absence is a difference, which `--write` mends.
 */
function asOlderVersionsKeptIt(rebuilt: ExecutionState, stored: ExecutionState): ExecutionState {
  const phases = rebuilt.phases.map((phase, i) => {
    const old = stored.phases[i];
    if (old?.id !== phase.id || phase.tasks.length === 0) return phase;
    const kept = { ...phase };
    for (const field of LATER_PHASE_FIELDS) if (!(field in old)) delete kept[field];
    return kept;
  });
  return { ...rebuilt, phases };
}

function diffKeys(a: ExecutionState, b: ExecutionState): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ExecutionState>) {
    if (key === "tasks") {
      for (const t of new Set([...Object.keys(a.tasks), ...Object.keys(b.tasks)])) {
        if (!isDeepStrictEqual(a.tasks[t], b.tasks[t])) out.push(`tasks.${t}`);
      }
    } else if (!isDeepStrictEqual(a[key], b[key])) out.push(key);
  }
  return out;
}
