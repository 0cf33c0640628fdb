import {
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
  replay,
} from "../core/state/index.ts";
import type { Engine } from "../engine/engine.ts";
import { errorMessage } from "../engine/in-process-runner.ts";
import { type LockHolder, liveLockHolder } from "./store/execution-lock.ts";
import type { CommandAnswer, ExecutionStore } from "./store/execution-store.ts";

/**
 * The signal that tells the process running an execution that a command waits for it in the
 * execution's `requests/` folder. Only sent to a process whose lock says it takes requests.
 */
export const REQUEST_SIGNAL: NodeJS.Signals = "SIGUSR2";

/** Whether this platform can signal a process to take a request (not Windows). */
export const CAN_TAKE_REQUESTS = process.platform !== "win32";

/** The commands a running process takes from another shell. */
const TAKEN: ReadonlySet<string> = new Set([
  "gate_approved",
  "gate_rejected",
  "retry_requested",
  "skip_requested",
  "budget_set",
]);

/** How long a command waits for the running process to take it up and answer. */
export const ANSWER_WAIT_MS = 10_000;

/** A request older than this is dropped unanswered: the command that left it stopped waiting. */
const STALE_REQUEST_MS = 60_000;

let listener: (() => void) | undefined;
let installed = false;

/**
 * Calls `take` whenever a command signals this process; `undefined` stops that. The signal's
 * handler stays for the life of the process: a command that signals just as a session ends must
 * not end the process (the default action of the signal).
 */
export function onRequestSignal(take: (() => void) | undefined): void {
  if (!CAN_TAKE_REQUESTS) return;
  listener = take;
  if (installed) return;
  installed = true;
  process.on(REQUEST_SIGNAL, () => listener?.());
}

/** What `takeRequests` tells the session that runs the execution, and asks of it. */
export interface TakeOptions {
  /** Told of each recorded event (the session closes prompts of gates it closed). */
  applied: (event: ExecutionEvent) => void;
  /**
   * Whether the session has decided how it ends: no request is claimed from then on. Its command
   * finds it unclaimed once the lock is let go, and records it itself as it would have with no
   * process running the execution.
   */
  decided: () => boolean;
  /**
   * Told when an answer cannot be written (a full disk): the session stops as when an event
   * cannot be recorded. The request is left claimed and unanswered: its command reads in the log
   * whether it was recorded.
   */
  failed: (error: unknown) => void;
}

/**
 * Records, on a running engine, each command left for this process, and answers it: refused as
 * the same command run directly would be (the execution's rules), or recorded. Never throws: it
 * runs from a signal's handler, where an error would end the process with its agents running.
 */
export function takeRequests(store: ExecutionStore, engine: Engine, options: TakeOptions): void {
  try {
    if (options.decided()) return;
    for (const { name, request } of store.takeRequests(process.pid)) {
      if (Date.now() - (Number(request.event.at) || 0) > STALE_REQUEST_MS) {
        store.answerRequest(name, { ok: false, refused: false, reason: "the request came too late" });
      } else {
        const answer = answerOf(store, engine, request.event);
        // Not known whether it was recorded: left unanswered, its command reads the log.
        if (answer === undefined) return;
        store.answerRequest(name, answer);
        if (answer.ok) options.applied(request.event);
      }
      if (options.decided()) return;
    }
  } catch (error) {
    options.failed(error);
  }
}

/**
 * Removes what commands that stopped waiting left in the execution's `requests/` folder: for a
 * process about to take requests. A file that cannot be removed is left: the run goes on.
 */
export function dropAbandonedRequests(store: ExecutionStore): void {
  store.dropStaleRequests(ANSWER_WAIT_MS);
}

function answerOf(store: ExecutionStore, engine: Engine, input: unknown): CommandAnswer | undefined {
  const parsed = EventSchema.safeParse(input);
  if (!parsed.success || !TAKEN.has(parsed.data.type))
    return { ok: false, refused: false, reason: "not a command a running execution takes" };
  const event = parsed.data as ExecutionEvent;
  const current = engine.state;
  if (engine.failed || current === undefined)
    return { ok: false, refused: false, reason: "the run is stopping: it records nothing more" };
  // The engine changes its state in place: the state before is kept as a copy.
  const before = JSON.parse(JSON.stringify(current)) as ExecutionState;
  const refused = reduce(before, event).effects.find((e) => e.type === "rejected");
  if (refused) return { ok: false, refused: true, reason: refused.reason, before };
  try {
    engine.send(event);
  } catch (error) {
    return { ok: false, refused: false, reason: errorMessage(error), before };
  }
  if (engine.failed) return afterFailure(store, event, before);
  return { ok: true, before, state: engine.state! };
}

/**
 * The answer to a command whose event the engine took just as a write failed: that write may be
 * the event's own, or one of an event that followed it (a task it started). The log says which:
 * the event is recorded when its line is there, and the answer's state is the log's up to it.
 * Undefined when the log cannot be read.
 */
function afterFailure(
  store: ExecutionStore,
  event: ExecutionEvent,
  before: ExecutionState,
): CommandAnswer | undefined {
  let events: ExecutionEvent[];
  try {
    events = store.loadEvents({ tolerateTornTail: true });
  } catch {
    return undefined;
  }
  const at = events.findIndex((e) => e.id === event.id);
  if (at === -1) return { ok: false, refused: false, reason: "it could not be recorded", before };
  const state = replay(events.slice(0, at + 1));
  return state ? { ok: true, before, state } : undefined;
}

/** How a handed-over command ended. */
export type HandOver =
  | { answer: CommandAnswer; pid: number }
  /** The process was gone before it took the command: it was taken back, nothing was recorded. */
  | { gone: true }
  /**
   * No answer in time: the process did not take the command (`taken` false: taken back, nothing
   * changed), or took it and did not answer (whether the log records it is in `recorded`).
   */
  | { unanswered: true; pid: number; taken: boolean; recorded: boolean };

/**
 * Hands `event` to `holder`, the live process running the execution (its lock says it takes
 * requests), and waits for its answer.
 */
export async function handOver(
  store: ExecutionStore,
  holder: LockHolder,
  event: ExecutionEvent,
  waitMs = ANSWER_WAIT_MS,
): Promise<HandOver> {
  const name = store.requestCommand({ pid: holder.pid, event });
  try {
    process.kill(holder.pid, REQUEST_SIGNAL);
  } catch {
    // Gone meanwhile (or not ours to signal): taken back below.
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const answer = store.answerOf(name);
    if (answer) return { answer, pid: holder.pid };
    const running = stillRuns(store, holder);
    if (!running || Date.now() > deadline) {
      if (store.withdrawRequest(name))
        return running
          ? { unanswered: true, pid: holder.pid, taken: false, recorded: false }
          : { gone: true };
      // Taken: its answer comes right after, unless the process died in between.
      await new Promise((r) => setTimeout(r, 200));
      const late = store.answerOf(name);
      if (late) return { answer: late, pid: holder.pid };
      return { unanswered: true, pid: holder.pid, taken: true, recorded: recorded(store, event.id) };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether `holder` still holds the execution's lock and runs. */
function stillRuns(store: ExecutionStore, holder: LockHolder): boolean {
  try {
    const now = liveLockHolder(store.lockPath);
    return typeof now === "object" && now.pid === holder.pid && now.host === holder.host;
  } catch {
    return false;
  }
}

/** Whether the log records event `id`. */
function recorded(store: ExecutionStore, id: string): boolean {
  try {
    return store.loadCurrentState().applied[id] === true;
  } catch {
    return false;
  }
}
