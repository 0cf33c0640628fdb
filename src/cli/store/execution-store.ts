import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { taskDirName } from "../../agents/layout.ts";
import { OrchestrateError } from "../../core/errors.ts";
import { issueText, jsonProblem } from "../../core/json-problem.ts";
import type { ExecutionEvent } from "../../core/state/events.ts";
import { replay } from "../../core/state/reduce.ts";
import { ExecutionStateSchema } from "../../core/state/state-schema.ts";
import type { ExecutionState } from "../../core/state/types.ts";
import type { EngineStore } from "../../ports/engine-ports.ts";
import { fsMeaning, isFsError } from "../fs-problem.ts";
import { isNewer, VERSION } from "../version.ts";
import { appendDurably, makeFolders, syncFolder, withPath, writeAtomic } from "./durable-write.ts";
import { type ExecutionLock, type LockOptions, lockExecution } from "./execution-lock.ts";
import { type EventLogOptions, parseEventLog, RESTORE_HINT } from "./parse-event-log.ts";

/** An execution as `ExecutionStore.list` shows it. */
export interface ExecutionSummary {
  id: string;
  /**
   * The execution's status; `corrupt` when its state or log is damaged, `unreadable` when a file
   * cannot be opened (permissions; `orchestrate status ID` names the file and the fix), `newer`
   * when a newer orchestrate wrote what this one cannot read.
   */
  status: string;
  /** Epoch ms; for a corrupt execution, its folder's time. */
  created_at: number;
  /** Epoch ms (whole) of the last write of its state (or event log). */
  updated_at: number;
}

/** What `orchestrate cancel` asks of the process running an execution. */
export interface CancelRequest {
  /** The process meant to act on it. */
  pid: number;
  by: string;
  reason?: string;
}

/**
 * A command (`approve`, `reject`, `retry`, `skip`, `budget`) handed to the process running the
 * execution, which records it as it would have been recorded without that process.
 */
export interface CommandRequest {
  /** The process meant to act on it. */
  pid: number;
  /** The event to record, with its id and time (so its outcome can be read in the log). */
  event: ExecutionEvent;
}

/** What the running process did with a `CommandRequest`. */
export type CommandAnswer =
  | { ok: true; before: ExecutionState; state: ExecutionState }
  /** `refused`: the execution's rules refused it (as a direct command would be); else it failed. */
  | { ok: false; refused: boolean; reason: string; before?: ExecutionState };

/** Execution ids are folder names: letters, digits, `.`, `_` and `-`, starting with a letter or digit. */
const EXECUTION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The files of one execution under a state root: `<root>/<id>/state.json` (latest state),
 * `events.jsonl` (the event log, the source of truth), `lock` and `tasks/` (attempt folders).
 * Every method is synchronous: the engine persists each event before running its effects.
 */
export class ExecutionStore implements EngineStore {
  readonly root: string;
  readonly id: string;
  readonly dir: string;
  readonly statePath: string;
  readonly eventsPath: string;
  readonly lockPath: string;
  /** Left by `orchestrate cancel` for the process running the execution: who asks, and why. */
  readonly cancelRequestPath: string;
  /** The names (never the values) of the environment variables given with `--secret`. */
  readonly secretNamesPath: string;
  /** Commands handed to the process running the execution, and its answers. */
  readonly requestsPath: string;
  /** The newest orchestrate version that wrote the execution (`{"orchestrate": "1.2.0"}`). */
  readonly versionPath: string;
  #tailChecked = false;
  /** The log as `loadCurrentState({ write })` read and checked it whole: its length and events. */
  #parsed: { length: number; events: number } | undefined;
  /** How the commands in hints name the execution (with `--state-dir` where one was given). */
  readonly #named: string;

  /**
   * Throws `execution_id_invalid` for an id that is not a plain folder name. `commandPrefix` is
   * what the commands in its hints put before the id (`--state-dir "DIR" `), so they work pasted.
   */
  constructor(root: string, id: string, options: { commandPrefix?: string } = {}) {
    if (!EXECUTION_ID.test(id)) {
      throw new OrchestrateError("execution_id_invalid", `"${id}" is not a valid execution id`, {
        hint: "execution ids use letters, digits, '.', '_' and '-', and start with a letter or digit",
      });
    }
    this.root = resolve(root);
    this.id = id;
    this.#named = `${options.commandPrefix ?? ""}${id}`;
    this.dir = join(this.root, id);
    this.statePath = join(this.dir, "state.json");
    this.eventsPath = join(this.dir, "events.jsonl");
    this.lockPath = join(this.dir, "lock");
    this.cancelRequestPath = join(this.dir, "cancel-request.json");
    this.secretNamesPath = join(this.dir, "secret-names.json");
    this.requestsPath = join(this.dir, "requests");
    this.versionPath = join(this.dir, "version.json");
  }

  /**
   * Writes `<root>/.gitignore` holding `*`, so that nothing of the state root is committed: agents
   * that commit everything (`git add -A`) would otherwise commit the logs and the agents' own
   * files, which hold the values secrets are scrubbed of elsewhere. An existing `.gitignore` is
   * kept; a root that holds anything but executions (`--state-dir .`) is left alone, since `*`
   * there would ignore the user's own files.
   */
  #ignoreRoot(fresh: boolean): void {
    const path = join(this.root, ".gitignore");
    if (existsSync(path)) return;
    if (!fresh && !holdsOnlyExecutions(this.root)) return;
    try {
      writeFileSync(path, GITIGNORE, { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw withPath(error, path);
    }
  }

  /** Whether the execution's folder exists. */
  exists(): boolean {
    return existsSync(this.dir);
  }

  /**
   * Creates the folder; an existing execution id is an error (`execution_exists`). The state root
   * is kept out of git (see `ignoreRoot`) before anything is written in it.
   */
  create(): void {
    const fresh = !existsSync(this.root);
    makeFolders(this.root);
    this.#ignoreRoot(fresh);
    try {
      mkdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      throw new OrchestrateError("execution_exists", `execution ${this.id} already exists in ${this.dir}`, {
        hint: "choose another execution id, or resume this one",
      });
    }
  }

  /**
   * Takes the exclusive lock: `execution_locked` if another live process holds it; a lock left by
   * a process that is gone is taken over (`tookOverFrom` is its pid). The caller releases.
   */
  lock(options: LockOptions = {}): ExecutionLock {
    this.#mustExist();
    return lockExecution(this.lockPath, this.id, options);
  }

  /**
   * Persists one applied event: its line is appended to `events.jsonl` and flushed to disk
   * (fsync; the folder too when the log is new), then `state.json` is replaced atomically
   * (temporary file in the same folder, renamed; not fsynced: it can be rebuilt from the log).
   * Refuses to append after a torn last line (`events_torn`): see `dropTornTail`.
   */
  append(event: ExecutionEvent, state: ExecutionState): void {
    if (state.id !== this.id) {
      throw new OrchestrateError(
        "state_mismatch",
        `state of execution ${state.id} given to store ${this.id}`,
      );
    }
    const first = !this.#tailChecked;
    const created = first && !this.#readable(() => this.#checkLog(event, state));
    this.#tailChecked = true;
    if (first) this.#recordVersion();
    appendDurably(this.eventsPath, `${JSON.stringify(event)}\n`);
    if (created) syncFolder(this.dir);
    writeAtomic(this.statePath, `${JSON.stringify(state, null, 2)}\n`);
  }

  /** Replaces state.json atomically with `state` (used to rebuild it from the log). */
  writeState(state: ExecutionState): void {
    if (state.id !== this.id) {
      throw new OrchestrateError(
        "state_mismatch",
        `state of ${state.id} cannot be written to execution ${this.id}`,
      );
    }
    writeAtomic(this.statePath, `${JSON.stringify(state, null, 2)}\n`);
  }

  /**
   * Reads and validates `state.json`. Unreadable JSON or a state of the wrong shape is a
   * `state_corrupt` error naming the file and the problem. Never modifies the file.
   */
  loadState(): ExecutionState {
    return this.#readable(() => this.#loadState());
  }

  #loadState(): ExecutionState {
    this.#mustExist();
    return this.#parseState(this.#read(this.statePath));
  }

  /** The state `text` of `state.json` holds (undefined: the file is missing), checked as `loadState` does. */
  #parseState(text: string | undefined): ExecutionState {
    const path = this.statePath;
    const hint = `the file was left untouched; \`orchestrate replay ${this.#named} --write\` rebuilds it from events.jsonl`;
    if (text === undefined) throw new OrchestrateError("state_corrupt", `${path} is missing`, { hint });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new OrchestrateError("state_corrupt", `${path}: invalid JSON: ${jsonProblem(text, error)}`, {
        hint,
        cause: error,
      });
    }
    const parsed = ExecutionStateSchema.safeParse(value);
    if (!parsed.success) {
      const [first, ...more] = parsed.error.issues.map(issueText);
      // The first problem is in the message; the others, if any, follow it.
      throw new OrchestrateError("state_corrupt", `${path}: not a valid execution state: ${first}`, {
        hint,
        details: more,
      });
    }
    const state = value as ExecutionState;
    if (state.id !== this.id) {
      throw new OrchestrateError("state_corrupt", `${path} holds execution ${state.id}, not ${this.id}`, {
        hint,
      });
    }
    // The file's own value, not the parse output: keys the schema does not know are kept.
    return state;
  }

  /**
   * The execution's current state: `state.json`, or the state rebuilt from `events.jsonl` when a
   * crash stopped between the two (the file is missing or behind the log). With `write` (for a
   * process holding the lock) a torn last line of the log is dropped first and a rebuilt state is
   * written; without it nothing is modified and a torn last line is left out. A damaged
   * `state.json` is still `state_corrupt`, as from `loadState`.
   */
  loadCurrentState(options: { write?: boolean } = {}): ExecutionState {
    return this.#readable(() => this.#loadCurrentState(options));
  }

  #loadCurrentState(options: { write?: boolean }): ExecutionState {
    this.#mustExist();
    if (options.write) this.dropTornTail();
    // The state file first, then the log: a process running the execution appends each event to
    // the log before it replaces the state file, so the log read after the state is never behind
    // it (at most ahead, and the state is then rebuilt from it). Read the other way round, an
    // event written between the two reads would look like events missing from the log.
    const stateText = this.#read(this.statePath);
    const text = this.#read(this.eventsPath) ?? "";
    // Only a state file that was never written is rebuilt; a damaged one is reported.
    const state = stateText === undefined && text !== "" ? undefined : this.#parseState(stateText);
    if (state && text === "") this.#logMissing(state.seq);
    // Whole lines only: a cheap check before the log is parsed (its first line is checked still).
    // A process about to write checks every line: it must not append to a damaged log.
    if (!options.write && state && state.seq === text.split("\n").length - 1) {
      this.#checkFirstLine(text);
      return state;
    }
    const events = parseEventLog(text, this.eventsPath, { tolerateTornTail: true });
    if (options.write) this.#parsed = { length: text.length, events: events.length };
    if (state && state.seq === events.length) return state;
    if (state && state.seq > events.length) this.#countMismatch(state.seq, events.length);
    const rebuilt = replay(events);
    if (!rebuilt) return state ?? this.loadState();
    if (rebuilt.id !== this.id) {
      throw new OrchestrateError(
        "events_corrupt",
        `${this.eventsPath} holds execution ${rebuilt.id}, not ${this.id}`,
      );
    }
    if (options.write) this.writeState(rebuilt);
    return rebuilt;
  }

  /**
   * Reads `events.jsonl`, each line validated. A bad line is `events_corrupt` (naming
   * `path:line`); a torn last line (a write cut off by a crash) is `events_torn`, or ignored with
   * `tolerateTornTail`. A missing log is an empty one.
   */
  loadEvents(options: EventLogOptions = {}): ExecutionEvent[] {
    this.#mustExist();
    const text = this.#read(this.eventsPath);
    return text === undefined ? [] : this.#readable(() => parseEventLog(text, this.eventsPath, options));
  }

  /**
   * Makes `events.jsonl` end with a whole line so that appending is safe again: a torn last line
   * (not valid JSON) is cut off; a whole last line missing only its line end gets one.
   * Returns the text removed, if any.
   */
  dropTornTail(): string | undefined {
    if (!existsSync(this.eventsPath)) return undefined;
    const text = readFileSync(this.eventsPath, "utf8");
    if (text === "" || text.endsWith("\n")) return undefined;
    const start = text.lastIndexOf("\n") + 1;
    const tail = text.slice(start);
    try {
      JSON.parse(tail);
      writeFileSync(this.eventsPath, "\n", { flag: "a" });
      return undefined;
    } catch {
      truncateSync(this.eventsPath, Buffer.byteLength(text.slice(0, start), "utf8"));
      return tail;
    }
  }

  /**
   * The names of the environment variables whose values are masked in this execution's logs, as
   * given with `--secret` by `run` and `resume` (a later session reads their values again). None
   * when never given. A file that cannot be read is `state_corrupt`: running without it could
   * leave a secret unmasked.
   */
  secretNames(): string[] {
    let text: string;
    try {
      text = readFileSync(this.secretNamesPath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    let names: unknown;
    try {
      names = JSON.parse(text);
    } catch {
      names = undefined;
    }
    if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) {
      throw new OrchestrateError(
        "state_corrupt",
        `${this.secretNamesPath} is not a JSON list of variable names`,
        {
          hint: `write it as ["NAME", …] (the names given with --secret), or remove it and give them again: orchestrate resume ${this.#named} --secret NAME`,
        },
      );
    }
    return names as string[];
  }

  /** Adds `names` to the execution's secret names (kept: names only, never values). */
  addSecretNames(names: readonly string[]): void {
    const known = this.secretNames();
    const all = [...new Set([...known, ...names])];
    if (all.length === known.length) return;
    writeAtomic(this.secretNamesPath, `${JSON.stringify(all)}\n`);
  }

  /** Leaves a cancel request for process `pid`, the one running the execution. */
  requestCancel(request: CancelRequest): void {
    writeAtomic(this.cancelRequestPath, `${JSON.stringify(request)}\n`);
  }

  /**
   * Takes the cancel request left for process `pid`, if any (removing it). A request for another
   * process, or one that cannot be read, is left alone.
   */
  takeCancelRequest(pid: number): CancelRequest | undefined {
    let request: Partial<CancelRequest>;
    try {
      request = JSON.parse(readFileSync(this.cancelRequestPath, "utf8")) as Partial<CancelRequest>;
    } catch {
      return undefined;
    }
    if (request.pid !== pid || typeof request.by !== "string") return undefined;
    rmSync(this.cancelRequestPath, { force: true });
    return {
      pid,
      by: request.by,
      ...(typeof request.reason === "string" ? { reason: request.reason } : {}),
    };
  }

  /** Removes a cancel request nobody took. */
  clearCancelRequest(): void {
    rmSync(this.cancelRequestPath, { force: true });
  }

  /**
   * Leaves a command for process `pid`, the one running the execution (it is then signalled):
   * `requests/<name>.json`. Returns its name, for `answerOf` and `withdrawRequest`.
   */
  requestCommand(request: CommandRequest): string {
    makeFolders(this.requestsPath);
    const name = `${request.pid}-${request.event.id}`;
    writeAtomic(join(this.requestsPath, `${name}.json`), `${JSON.stringify(request)}\n`);
    return name;
  }

  /**
   * The commands left for process `pid`, oldest first, each claimed only when the iteration
   * reaches it (renamed, so a command that gives up waiting can tell it was taken): a caller that
   * stops early leaves the rest unclaimed, for their commands to take back. Requests for other
   * processes are left alone; unreadable ones are dropped.
   */
  *takeRequests(pid: number): Generator<{ name: string; request: CommandRequest }, void, undefined> {
    let files: string[];
    try {
      files = readdirSync(this.requestsPath).filter(
        (n) => n.startsWith(`${pid}-`) && n.endsWith(".json") && !n.endsWith(".answer.json"),
      );
    } catch {
      return;
    }
    const waiting: { name: string; request: CommandRequest; at: number }[] = [];
    for (const file of files) {
      const path = join(this.requestsPath, file);
      const request = readRequest(path);
      if (request === "gone") continue;
      if (request?.pid === pid)
        waiting.push({ name: file.slice(0, -".json".length), request, at: Number(request.event.at) || 0 });
      else removeQuietly(path);
    }
    waiting.sort((a, b) => a.at - b.at);
    for (const { name, request } of waiting) {
      try {
        renameSync(join(this.requestsPath, `${name}.json`), join(this.requestsPath, `${name}.taken`));
      } catch {
        // Taken back meanwhile: its command stopped waiting.
        continue;
      }
      yield { name, request };
    }
  }

  /**
   * Answers a command taken with `takeRequests`. Throws when the answer cannot be written (a full
   * disk): the claim is then left, and the command that waits for it reads the log instead.
   */
  answerRequest(name: string, answer: CommandAnswer): void {
    writeAtomic(join(this.requestsPath, `${name}.answer.json`), `${JSON.stringify(answer)}\n`);
    // The answer is there: a claim left behind goes with the stale ones (`dropStaleRequests`).
    removeQuietly(join(this.requestsPath, `${name}.taken`));
  }

  /**
   * Removes what commands that stopped waiting left in `requests/`: its files older than `ms`
   * (answers nobody read, claims never answered, requests never taken back). Best effort.
   */
  dropStaleRequests(ms: number, now = Date.now()): void {
    let files: string[];
    try {
      files = readdirSync(this.requestsPath);
    } catch {
      return;
    }
    for (const file of files) {
      const path = join(this.requestsPath, file);
      if (now - (mtime(path) ?? now) > ms) removeQuietly(path);
    }
  }

  /** The answer to a command, once there is one (it is removed: read it once). */
  answerOf(name: string): CommandAnswer | undefined {
    const path = join(this.requestsPath, `${name}.answer.json`);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
    rmSync(path, { force: true });
    return JSON.parse(text) as CommandAnswer;
  }

  /** Takes back a command nobody took yet: false when it was taken (its answer is coming). */
  withdrawRequest(name: string): boolean {
    try {
      unlinkSync(join(this.requestsPath, `${name}.json`));
      return true;
    } catch {
      return false;
    }
  }

  /** The folder of one attempt of a task: `<dir>/tasks/<task folder name>/<attempt>`. */
  taskDir(taskId: string, attempt: number): string {
    return join(this.dir, "tasks", taskDirName(taskId), String(attempt));
  }

  /**
   * The executions under `root`, newest first (by creation, then id). A state file behind its log
   * (or not yet written) is rebuilt from it; an execution whose state or log is damaged is listed
   * with status `corrupt`, one whose files cannot be opened with status `unreadable`. Folders without a state or event log are not
   * executions and are left out.
   */
  static list(root: string): ExecutionSummary[] {
    let names: string[];
    try {
      names = readdirSync(root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && EXECUTION_ID.test(entry.name))
        .map((entry) => entry.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const out: ExecutionSummary[] = [];
    for (const name of names) {
      const store = new ExecutionStore(root, name);
      const stateTime = mtime(store.statePath);
      const eventsTime = mtime(store.eventsPath);
      if (stateTime === undefined && eventsTime === undefined) continue;
      // Whole milliseconds, like every other time of an execution (file times have fractions).
      const updated_at = Math.floor(Math.max(stateTime ?? 0, eventsTime ?? 0));
      try {
        const state = store.loadCurrentState();
        out.push({ id: name, status: state.status, created_at: state.created_at, updated_at });
      } catch (error) {
        const folder = statSync(store.dir);
        const created_at = Math.floor(folder.birthtimeMs > 0 ? folder.birthtimeMs : folder.mtimeMs);
        // A file that cannot be opened (permissions, a folder in its place) is not damaged.
        const code = error instanceof OrchestrateError ? error.code : undefined;
        const unreadable = code === "file_unreadable" || isFsError(error);
        const status = code === "written_by_newer" ? "newer" : unreadable ? "unreadable" : "corrupt";
        out.push({ id: name, status, created_at, updated_at });
      }
    }
    return out.sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** The id of the newest execution under `root`, if any. */
  static latest(root: string): string | undefined {
    return ExecutionStore.list(root)[0]?.id;
  }

  /**
   * Runs `read`; a state or log it finds damaged, in an execution a newer orchestrate wrote, is
   * not called damaged (nor is its repair by overwriting suggested): it is `written_by_newer`,
   * saying which version wrote it.
   */
  #readable<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof OrchestrateError)) throw error;
      if (error.code !== "state_corrupt" && error.code !== "events_corrupt") throw error;
      const newer = this.#newerWriter();
      if (newer === undefined) throw error;
      throw new OrchestrateError(
        "written_by_newer",
        `execution ${this.id} was written by orchestrate ${newer}, newer than this one (${VERSION}): upgrade orchestrate to read it`,
        {
          hint: "its files were left untouched",
          details: [`what this version cannot read: ${error.message}`],
        },
      );
    }
  }

  /**
   * The version that wrote the execution, when it is newer than this one: from `version.json`,
   * or the `orchestrate_version` its `execution_started` event records.
   */
  #newerWriter(): string | undefined {
    const found: string[] = [];
    const recorded = this.#recordedVersion();
    if (recorded !== undefined) found.push(recorded);
    try {
      const text = readFileSync(this.eventsPath, "utf8");
      const meta = (
        JSON.parse(text.slice(0, text.indexOf("\n"))) as { meta?: { orchestrate_version?: unknown } }
      ).meta;
      if (typeof meta?.orchestrate_version === "string") found.push(meta.orchestrate_version);
    } catch {
      // No readable first line.
    }
    return found.filter((v) => isNewer(v)).sort((a, b) => (isNewer(a, b) ? -1 : 1))[0];
  }

  /** The version `version.json` records; undefined when none is (an older version, or run from source). */
  #recordedVersion(): string | undefined {
    try {
      const recorded = (JSON.parse(readFileSync(this.versionPath, "utf8")) as { orchestrate?: unknown })
        .orchestrate;
      return typeof recorded === "string" ? recorded : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Records this version as the newest that wrote the execution (once per store, at its first
   * append), unless a newer one did: an older version that cannot read what it wrote then says so.
   */
  #recordVersion(): void {
    if (!isNewer(VERSION, "0.0.0")) return;
    const recorded = this.#recordedVersion();
    if (recorded !== undefined && !isNewer(VERSION, recorded)) return;
    writeAtomic(this.versionPath, `${JSON.stringify({ orchestrate: VERSION })}\n`);
  }

  /**
   * The text of one of the execution's files; undefined when it does not exist. A file that
   * cannot be read (permissions, a folder in its place) is `file_unreadable`, naming it: it is
   * not damaged, and nothing is changed.
   */
  #read(path: string): string | undefined {
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return undefined;
      if (!isFsError(error)) throw error;
      const hint =
        code === "EACCES" || code === "EPERM"
          ? "check the permissions of the file and of its folder"
          : path === this.statePath
            ? `move what is in its place away; \`orchestrate replay ${this.#named} --write\` writes it again from events.jsonl`
            : "move what is in its place away, and put the execution's events.jsonl back";
      throw new OrchestrateError("file_unreadable", `cannot read ${path}: ${code} (${fsMeaning(code!)})`, {
        hint,
        cause: error,
      });
    }
  }

  #mustExist(): void {
    if (!this.exists()) {
      throw new OrchestrateError("execution_not_found", `no execution ${this.id} in ${this.root}`, {
        hint: `check the id: each execution is a folder of ${this.root}`,
      });
    }
  }

  /**
   * Before the first append of this store: the log must be the one `state` was built from, or the
   * new event would be recorded in a history that does not lead to it. A new log is started only
   * by `execution_started`; an existing one must start with it, hold only valid events (a damaged
   * line in the middle would make the whole history unreadable later) and hold the events before
   * `event` (one fewer than `state.seq`, which counts `event`). Appending after a torn line would
   * glue the new event onto it and corrupt the log: refused too. Returns whether the log exists.
   */
  #checkLog(event: ExecutionEvent, state: ExecutionState): boolean {
    let text: string;
    try {
      text = readFileSync(this.eventsPath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      if (event.type !== "execution_started") this.#logMissing(state.seq - 1);
      return false;
    }
    if (text.trim() === "" && event.type !== "execution_started") this.#logMissing(state.seq - 1);
    this.#checkTail(text);
    // Every line is read once (a damaged one is reported with its line and the fix), unless
    // `loadCurrentState({ write })` just did and the log has not changed since.
    const count =
      this.#parsed?.length === text.length
        ? this.#parsed.events
        : parseEventLog(text, this.eventsPath).length;
    if (count !== state.seq - 1) this.#countMismatch(state.seq - 1, count);
    return true;
  }

  /** The log is gone (or empty) while the state records events: nothing may be appended to it. */
  #logMissing(recorded: number): never {
    throw new OrchestrateError(
      "events_corrupt",
      `${this.eventsPath} is missing or empty, yet ${this.statePath} records ${recorded} events: the execution's history is gone`,
      { hint: `nothing was changed; ${RESTORE_HINT}` },
    );
  }

  /**
   * The log does not hold the events the state was built from: lines were removed (fewer), or
   * the state is not this log's (more; the log is read before appending, so it cannot be behind).
   */
  #countMismatch(recorded: number, found: number): never {
    const problem =
      found < recorded ? "events are missing from the log" : "the state was not built from this log";
    throw new OrchestrateError(
      "events_corrupt",
      `${this.eventsPath} holds ${found} events, but ${this.statePath} records ${recorded}: ${problem}`,
      {
        hint: `the files were left untouched; restore events.jsonl from a copy or backup, or rebuild state.json from the log as it is with \`orchestrate replay ${this.#named} --write\`${found < recorded ? " (what the missing events did is then lost)" : ""}`,
      },
    );
  }

  /** A log must start with `execution_started`: the start of a log that does not is missing. */
  #checkFirstLine(text: string): void {
    const lines = text.split("\n");
    const index = lines.findIndex((line) => line.trim() !== "");
    if (index === -1) return;
    // Only that line is read here: parsed alone, a bad first line is reported as the log's would be.
    const tolerateTornTail = index === lines.length - 1;
    parseEventLog(`${"\n".repeat(index)}${lines[index]}${tolerateTornTail ? "" : "\n"}`, this.eventsPath, {
      tolerateTornTail,
    });
  }

  /** Appending after a torn line would glue the new event onto it and corrupt the log: refused. */
  #checkTail(text: string): void {
    if (text === "" || text.endsWith("\n")) return;
    const line = text.split("\n").length;
    throw new OrchestrateError(
      "events_torn",
      `${this.eventsPath}:${line}: the last line is cut off (no line end): a write was interrupted`,
      {
        hint: `the cut-off event never took effect; \`orchestrate replay ${this.#named} --write\` drops it and rebuilds the state`,
      },
    );
  }
}

/** What the state root's `.gitignore` holds: all of it. */
const GITIGNORE =
  "# Orchestrate's executions: logs and agents' files, which may hold secrets. Never committed.\n*\n";

/** Whether every entry of `root` is an execution's folder (its state, log or lock inside). */
function holdsOnlyExecutions(root: string): boolean {
  return readdirSync(root, { withFileTypes: true }).every(
    (entry) =>
      entry.isDirectory() &&
      EXECUTION_ID.test(entry.name) &&
      ["state.json", "events.jsonl", "lock", "secret-names.json", "tasks"].some((f) =>
        existsSync(join(root, entry.name, f)),
      ),
  );
}

/**
 * The command request in `path`: undefined when it cannot be read as one, "gone" when it was
 * taken back before it could be read.
 */
function readRequest(path: string): CommandRequest | undefined | "gone" {
  try {
    const request = JSON.parse(readFileSync(path, "utf8")) as Partial<CommandRequest>;
    if (typeof request.event !== "object" || request.event === null) return undefined;
    return request as CommandRequest;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "gone" : undefined;
  }
}

/** Removes the file at `path`, if this process can: one it cannot remove is left as it is. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Not a file (a folder in its place), or not this process's to remove.
  }
}

function mtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
