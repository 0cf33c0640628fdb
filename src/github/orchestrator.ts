import { commandLevels, meetsLevel } from "../core/commands/index.ts";
import { issueText, jsonProblem } from "../core/json-problem.ts";
import { dashboardMarkdown, unreadableStateMarkdown } from "../core/render/dashboard.ts";
import { inert } from "../core/render/markdown.ts";
import { reportMarkdown } from "../core/render/report-markdown.ts";
import {
  type Effect,
  type EffectOf,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  IN_FLIGHT,
  reduce,
} from "../core/state/index.ts";
import type { Clock, Random } from "../ports/clock.ts";
import type { NewEvent } from "../ports/engine-ports.ts";
import { type CommandOptions, type CommandTrigger, commandOutcome } from "./commands.ts";
import { ciEvents, deliverStep, draftForGate, finishExecution, reconcileDelivery } from "./deliver.ts";
import { isUnclear, RateLimitError } from "./errors.ts";
import { ESCALATED_LABEL, escalatedNow, escalatedPhases } from "./labels.ts";
import { LruCache } from "./lru-cache.ts";
import { checkOf } from "./phase-checks.ts";
import {
  ConflictError,
  CorruptStateError,
  type ExecutionRef,
  type GitHubPorts,
  STATE_BRANCH,
  type StoredExecution,
  type WorkflowRunFacts,
  workingBranch,
} from "./ports.ts";
import {
  type ResultDispatch,
  ResultRecordSchema,
  resultPath,
  sameExecution,
  taskBranch,
} from "./result-record.ts";
import { deleteLeftTaskBranches, executionId, prepareExecution } from "./start-execution.ts";
import { JOB_NAME } from "./webhook-triggers.ts";

/** The workflow run a task's attempt was dispatched in, from the reference its dispatch recorded. */
const RUN_REF = /actions\/runs\/(\d+)/;

/** What one batch knows for fan-in: the working branch head and the commits results named. */
interface FanIn {
  head?: string;
  commits: Map<string, { sha: string; parents: string[] }>;
  /** Fan-in outcomes by `task#attempt`, so a save retried after a conflict does not merge again. */
  joined: Map<string, Joined>;
}

/** How a succeeded attempt's work joined the working branch (or why it did not). */
type Joined =
  /** Merged or fast-forwarded to `sha`; no sha: it was there already (the merges API's 204). */
  | { kind: "merged"; sha?: string }
  | { kind: "conflict"; conflict: { tasks: string[]; files: string[] } }
  /** GitHub refused for good (the working branch is gone, no permission): the task is blocked. */
  | { kind: "refused"; why: string }
  /** GitHub failed for now (5xx, network, rate limit): the result is applied on a later event. */
  | { kind: "later"; why: string };

/** Something that happened on GitHub for one execution. */
export type Trigger =
  | {
      kind: "labeled";
      delivery: string;
      sender: string;
      title: string;
      body: string;
      author: string;
      /** The starting label: when given, the issue must still be open and carry it (webhooks may come late or out of order). */
      label?: string;
    }
  | { kind: "result"; delivery: string; result: ResultDispatch }
  /**
   * A task's job ended (`publish`: the job that commits the result, when the agents workflow
   * splits it from the agent's job). Only a job of the run the attempt was dispatched in counts.
   */
  | {
      kind: "job_completed";
      delivery: string;
      task: string;
      attempt: number;
      run: number;
      publish: boolean;
      conclusion: string;
    }
  /** A task's (agent) job started running. */
  | { kind: "job_started"; task: string; attempt: number; run: number }
  /** A run of the agents workflow on the working branch finished: its tasks that left no result failed. */
  | { kind: "run_completed"; delivery: string; run: number; conclusion: string }
  | { kind: "events"; events: NewEvent[] }
  | { kind: "tick" }
  /** CI finished something on a working branch (check suite, status, workflow run). */
  | { kind: "checks"; delivery: string; sha?: string }
  /** The issue was closed or unlabeled: cancel what still runs. */
  | {
      kind: "stop";
      delivery: string;
      by: string;
      reason: string;
      closed?: boolean;
      /** The starting label: an issue open and labeled with it again by now is not stopped. */
      label?: string;
    }
  | CommandTrigger;

export interface OrchestratorOptions {
  clock: Clock;
  random: Random;
  /** The agents workflow (file name or id) dispatched for tasks. */
  workflow: string;
  log?: (message: string, extra?: Record<string, unknown>) => void;
  /** Who is heard by `/orchestrate` commands, and the permission each verb needs. */
  commands?: Omit<CommandOptions, "now">;
}

const MAX_CONFLICT_RETRIES = 6;

/**
 * Adds to `into` how each task attempt of issue `issue` ended among `jobs` (by their names,
 * `<task>#<attempt>`): the publish job's conclusion when the workflow has one, else the agent's.
 */
function endedJobs(
  issue: number,
  jobs: readonly { name: string; status: string; conclusion: string | null }[],
  into: Map<string, string>,
): void {
  for (const job of jobs) {
    const m = JOB_NAME.exec(job.name)?.groups;
    if (!m || Number(m.issue) !== issue || job.status !== "completed") continue;
    const key = `${m.task}#${m.attempt}`;
    if (m.publish || !into.has(key)) into.set(key, job.conclusion ?? "unknown");
  }
}

/** A batch of events saved: the state before and after, and what the host is to carry out. */
interface Committed {
  state: ExecutionState;
  effects: Effect[];
  applied: ExecutionEvent[];
  /** The state the batch was applied to (undefined when it started the execution). */
  before: ExecutionState | undefined;
}

/**
 * What a command says once the commit that applies its events is known: 👀 on comment `eyes` when
 * one of `decisions` is applied as such; `replies` when one of `refusals` (its `command_refused`
 * events) is recorded. Said once per `key` (the comment or review, see `#firstAnswer`).
 */
interface Answer {
  key: string;
  eyes?: number;
  decisions: string[];
  refusals: string[];
  replies: string[];
}

/**
 * The `command_refused` record of a person's gate decision (`cmd:` id) that the state refused, or
 * undefined for any other event.
 */
function refusalRecord(event: ExecutionEvent, reason: string): ExecutionEvent | undefined {
  if ((event.type !== "gate_approved" && event.type !== "gate_rejected") || !event.id.startsWith("cmd:"))
    return undefined;
  return EventSchema.parse({
    id: event.id,
    at: event.at,
    type: "command_refused",
    by: event.by,
    command: event.type === "gate_approved" ? "approve" : "reject",
    phase: event.phase,
    reason,
  }) as ExecutionEvent;
}

/**
 * What a command trigger's answers are said once for: its comment or review (`comment-<id>`,
 * `review-<id>`, as the tick's read-back of it), else its delivery (a check run button).
 */
function answerKey(t: CommandTrigger): string {
  if (t.kind === "comment") return `comment-${t.commentId}`;
  if (t.kind === "review" && t.reviewId !== undefined) return `review-${t.reviewId}`;
  return t.delivery;
}

/** GitHub's limit on the jobs of one matrix. */
export const MATRIX_JOBS = 256;
/** Characters of the `tasks` input per run: GitHub refuses inputs past 65,535 (the others are short). */
export const TASKS_INPUT_CHARS = 60_000;

/**
 * Splits a batch into runs of at most MATRIX_JOBS tasks whose `tasks` input (each entry `size`
 * characters with its separator) stays within TASKS_INPUT_CHARS, in dispatch order.
 */
export function dispatchParts<T>(tasks: readonly T[], size: (t: T) => number): T[][] {
  const parts: T[][] = [];
  let part: T[] = [];
  let chars = 2;
  for (const t of tasks) {
    const n = size(t);
    if (part.length > 0 && (part.length === MATRIX_JOBS || chars + n > TASKS_INPUT_CHARS)) {
      parts.push(part);
      part = [];
      chars = 2;
    }
    part.push(t);
    chars += n;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/**
 * Follow-ups that only record what happened (a dispatch was sent): they change no decision, so
 * they are written with the execution's next commit. Lost in a crash, they cost only their audit
 * line; the dispatch itself is not repeated. (Merges are recorded with the result they join.)
 */
const RECORD_ONLY = new Set(["task_dispatched"]);

/** How many times this process tries an ended execution's finishing steps on GitHub. */
const FINISH_TRIES = 10;
const MAX_ROUNDS = 4;
/** How long an attempt may stay queued with no known run before the tick looks for one. */
const LOST_DISPATCH_MS = 10 * 60_000;
/** How far this process's clock and GitHub's may disagree when their times are compared. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Runs executions on GitHub: turns triggers into core events, applies them with the pure reducer,
 * saves the result with compare-and-swap (reloading and re-applying on conflict), then carries out
 * the effects through the ports. Every event id is derived from what caused it, so a redelivered
 * webhook or a re-applied batch changes nothing. Triggers for one execution must not run
 * concurrently in one process (see ExecutionQueue).
 */
export class GitHubOrchestrator {
  readonly #ports: GitHubPorts;
  readonly #o: OrchestratorOptions;
  readonly #ids = new Map<string, number>();

  constructor(ports: GitHubPorts, options: OrchestratorOptions) {
    this.#ports = ports;
    this.#o = options;
  }

  /** Handles a batch of triggers for one execution; returns its state afterwards (if any). */
  async handle(ref: ExecutionRef, batch: readonly Trigger[]): Promise<ExecutionState | undefined> {
    this.#answers.delete(executionId(ref));
    // Ticks queued together (periods that came round while a slow batch ran) read GitHub back once.
    const firstTick = batch.findIndex((t) => t.kind === "tick");
    const triggers = batch.filter((t, i) => t.kind !== "tick" || i === firstTick);
    let stored: StoredExecution | undefined;
    // The result records the triggers name, their commits' parents, and the heads of the state
    // and working branches: one read for all.
    const prefetched = new Map<string, string | undefined>();
    const fanIn: FanIn = { commits: new Map(), joined: new Map() };
    try {
      const results = triggers.flatMap((t) => (t.kind === "result" ? [t.result] : []));
      let known: { head: string | null } | undefined;
      if (results.length > 0) {
        // The same read also looks at the other running tasks' branches (as this process last
        // saw the execution): a result whose wake-up was lost is found now, not at the tick.
        const named = new Set(results.map((r) => r.task));
        const others = Object.entries(this.#lastState.get(executionId(ref))?.tasks ?? {})
          .filter(([id, t]) => IN_FLIGHT.has(t.status) && !named.has(id))
          .map(([id]) => ({ path: resultPath(ref.issue, id), at: taskBranch(ref.issue, id) }));
        const files = [
          ...results.map((r) => ({ path: resultPath(ref.issue, r.task), at: r.sha })),
          ...others,
        ];
        const snap = await this.#ports.contents.snapshot(ref, {
          branches: [STATE_BRANCH, workingBranch(ref.issue)],
          files,
          commits: results.map((r) => r.sha),
        });
        for (const [i, f] of others.entries())
          prefetched.set(`${f.at}:${f.path}`, snap.files[results.length + i]);
        known = { head: snap.heads[0] ?? null };
        if (snap.heads[1]) fanIn.head = snap.heads[1];
        for (const [i, r] of results.entries()) {
          prefetched.set(`${r.sha}:${resultPath(ref.issue, r.task)}`, snap.files[i]);
          // The first delivery of a task attempt is the one applied (later ones repeat its event id).
          const key = `${r.task}#${r.attempt}`;
          if (!fanIn.commits.has(key)) fanIn.commits.set(key, { sha: r.sha, parents: snap.parents[i] ?? [] });
        }
      }
      stored = await this.#ports.store.load(ref, known);
    } catch (error) {
      if (error instanceof CorruptStateError) {
        // Shown in the dashboard comment (edited in place), so repeated triggers add no comments;
        // and logged, so a host's run does not look as if there were nothing to do.
        const key = executionId(ref);
        this.#o.log?.("could not read the state of an execution", { execution: key, error: error.message });
        const body = unreadableStateMarkdown(error.message);
        this.#dashboardIds.set(
          key,
          await this.#ports.dashboard.upsert(ref, body, this.#dashboardIds.get(key)),
        );
        return undefined;
      }
      throw error;
    }
    if (stored?.state.finished_at !== undefined && this.#unfinished.has(executionId(ref)))
      await this.#finish(ref, stored.state);
    let pending: NewEvent[] = [];
    let created = false;
    /** What the start has to say (no plan, say): posted once its save landed. */
    let startNotes: { delivery: string; notes: readonly string[] } | undefined;
    const labeled = triggers.find((t) => t.kind === "labeled");
    if (stored && labeled?.kind === "labeled") await this.#relabeled(ref, stored.state, labeled);
    if (!stored) {
      if (labeled?.kind !== "labeled") return undefined;
      if (!(await this.#labelStillThere(ref, labeled))) return undefined;
      const prepared = await prepareExecution(this.#ports, ref, {
        delivery: labeled.delivery,
        sender: labeled.sender,
        title: labeled.title,
        body: labeled.body,
        author: labeled.author,
        now: this.#o.clock.now(),
        seed: Math.floor(this.#o.random() * 2 ** 31),
      });
      if ("refused" in prepared) {
        // Said once per label event: one handled again (its batch failed) does not say it twice.
        if (this.#firstAnswer(ref, labeled.delivery)) await this.#ports.comments.reply(ref, prepared.refused);
        return undefined;
      }
      startNotes = { delivery: labeled.delivery, notes: prepared.notes };
      pending.push(prepared.start);
      created = true;
    }
    for (const t of triggers) pending.push(...(await this.#eventsOf(ref, stored?.state, t, prefetched)));
    if (stored) pending.push(...(await this.#prefetchedResults(ref, stored.state, prefetched)));
    const key = executionId(ref);
    let state = stored?.state;
    if (stored) this.#fresh.set(key, stored);
    else this.#fresh.delete(key);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // Records that change no decision ride along with the next commit instead of making their own.
      const records = this.#records.get(key) ?? [];
      this.#records.delete(key);
      const result = await this.#commit(ref, [...records, ...pending], fanIn);
      if (!result) break;
      if (created && round === 0) {
        this.#startedAt.set(key, result.state.seq);
        // This process's start landed (a second one creating the same execution lost the save).
        if (result.applied.some((e) => e.type === "execution_started")) {
          // Said once per label event, by the process whose start landed. GitHub refusing a note
          // must not cost the start its dispatch: logged instead.
          if (startNotes && this.#firstAnswer(ref, startNotes.delivery))
            try {
              for (const note of startNotes.notes) await this.#ports.comments.reply(ref, note);
            } catch (error) {
              this.#o.log?.("could not post the start's notes", {
                execution: key,
                error: error instanceof Error ? error.message : String(error),
              });
            }
          try {
            const note = await deleteLeftTaskBranches(this.#ports, ref);
            if (note) await this.#ports.comments.reply(ref, note);
          } catch (error) {
            // Its tasks are dispatched all the same: say it in the log rather than strand them.
            this.#o.log?.("could not delete the task branches an earlier execution left", {
              execution: key,
              error: error instanceof Error ? error.message : String(error),
            });
          }
        }
      }
      await this.#answer(ref, result.applied);
      state = result.state;
      const follow = await this.#carryOut(ref, result);
      pending = follow.filter((e) => !RECORD_ONLY.has(e.type));
      const later = follow.filter((e) => RECORD_ONLY.has(e.type));
      if (later.length > 0) this.#records.set(key, later);
      if (pending.length === 0) break;
    }
    // The execution ended: nothing will follow, so write the remaining records now.
    if (state?.finished_at !== undefined && this.#records.has(key)) {
      const records = this.#records.get(key)!;
      this.#records.delete(key);
      state = (await this.#commit(ref, records, fanIn))?.state ?? state;
    }
    this.#answers.delete(key);
    if (state) this.#lastState.set(key, state);
    return state;
  }

  /** The state each execution had when this process last handled it (which tasks run). */
  readonly #lastState = new Map<string, ExecutionState>();

  /**
   * Writes the records still waiting for the execution's next commit (which dispatch started
   * which workflow run), for a process that ends here: the Action's orchestrate mode.
   */
  async flush(ref: ExecutionRef): Promise<void> {
    const key = executionId(ref);
    const records = this.#records.get(key);
    if (!records) return;
    this.#records.delete(key);
    // Records only: a timer due now fires on the next run, which carries out what it decides.
    await this.#commit(ref, records, { commits: new Map(), joined: new Map() }, false);
  }

  /**
   * Drops what this process remembers of an execution (dashboard and check run ids, what they
   * last showed): for one that finished, so a long-running process does not grow with every
   * execution. Should it go on (a retry), the ids are looked up again by marker and name.
   */
  forget(ref: ExecutionRef): void {
    const key = executionId(ref);
    if (this.#records.has(key)) return;
    for (const map of [
      this.#dashboardIds,
      this.#startedAt,
      this.#ids,
      this.#lastState,
      this.#answers,
      this.#fresh,
    ])
      map.delete(key);
    this.#staleView.delete(key);
    for (const map of [this.#checkIds, this.#sent])
      for (const k of map.keys()) if (k.startsWith(`${key}:`)) map.delete(k);
  }

  /** Whether the issue is still open and labeled (a label event may come late or out of order). */
  async #labelStillThere(
    ref: ExecutionRef,
    labeled: Extract<Trigger, { kind: "labeled" }>,
  ): Promise<boolean> {
    if (labeled.label === undefined) return true;
    if (await this.#openAndLabeled(ref, labeled.label)) return true;
    this.#o.log?.("label event out of date: nothing started", { execution: executionId(ref) });
    return false;
  }

  /** Whether the issue is open and carries `label` now, as GitHub says. */
  async #openAndLabeled(ref: ExecutionRef, label: string): Promise<boolean> {
    const now = await this.#ports.labels.current(ref);
    return now.open && now.labels.includes(label);
  }

  /**
   * The issue was labeled again after its execution finished: one execution per issue, so nothing
   * starts, and the labeler is told what can be done (the label that started it, redelivered, is
   * not a relabel).
   */
  async #relabeled(
    ref: ExecutionRef,
    state: ExecutionState,
    labeled: Extract<Trigger, { kind: "labeled" }>,
  ): Promise<void> {
    if (state.finished_at === undefined || labeled.label === undefined) return;
    if (state.meta.start_delivery === labeled.delivery) return;
    if (!(await this.#labelStillThere(ref, labeled))) return;
    await this.#ports.comments.reply(
      ref,
      `@${labeled.sender} this issue's execution already ran (${state.status}); labels start one execution per issue, so nothing new was started. Comment \`/orchestrate retry\` to run its failed, cancelled or blocked tasks again, or open a new issue to start over.`,
    );
  }

  /** Follow-up records waiting for the next commit of their execution (kept in memory). */
  readonly #records = new Map<string, NewEvent[]>();

  /** Core events for one trigger, given the state before it. */
  async #eventsOf(
    ref: ExecutionRef,
    state: ExecutionState | undefined,
    t: Trigger,
    prefetched: ReadonlyMap<string, string | undefined> = new Map(),
  ): Promise<NewEvent[]> {
    switch (t.kind) {
      case "labeled":
        return [];
      case "events":
        return t.events;
      case "tick":
        // Each read-back on its own: one GitHub keeps refusing (a pull request the repository
        // does not let it open, say) must not cost the batch its other triggers — a cancel among
        // them — nor the other read-backs. What failed is tried again at the next tick.
        return state
          ? [
              ...(await this.#readBack(ref, "read back results and runs", () => this.#reconcile(ref, state))),
              ...(await this.#readBack(ref, "read back gate decisions", () =>
                this.#reconcileGates(ref, state),
              )),
              ...(await this.#readBack(ref, "read back delivery", () =>
                reconcileDelivery(this.#ports, ref, state, this.#o.clock.now()),
              )),
            ]
          : [];
      case "checks":
        return this.#readBack(ref, "read the checks", () => ciEvents(this.#ports, ref, state, t.sha));
      case "stop": {
        if (!state || state.finished_at !== undefined) return [];
        // Handled late (handled again after a failure, redelivered): reopened or labeled again
        // since, the issue does not stop its execution.
        if (t.label !== undefined && (await this.#openAndLabeled(ref, t.label))) {
          this.#o.log?.("close or unlabel out of date: the issue is open and labeled", {
            execution: executionId(ref),
          });
          return [];
        }
        // Merging the pull request closes the issue ("Closes #N"): that close is not a cancel.
        // Once merged (deploying, done) every close is taken for it.
        const merged = ["deploying", "done"].includes(state.delivery?.status ?? "");
        if (t.closed && state.status === "delivering" && merged) return [];
        // Otherwise the pull request says: merged (by auto-merge, or a person before its checks
        // finished; its pull_request webhook may come later or not at all) — that close is the
        // merge; not merged — a person closed the issue, which cancels.
        const pr = state.delivery?.pr;
        const open = state.status === "delivering" || state.delivery?.status === "revising";
        if (t.closed && open && pr !== undefined) {
          const now = await this.#ports.delivery.merged(ref, pr);
          if (now.merged && now.sha)
            return [{ id: `merged:${now.sha}`, type: "pr_merged", sha: now.sha, number: pr }];
        }
        // Closing or unlabeling cancels as `/orchestrate cancel` does, so it needs the same
        // permission: an issue's author (who may close it) or a triage user (who may remove a
        // label) does not stop an execution that way.
        const need = commandLevels(this.#o.commands?.levels).cancel;
        const have = await this.#ports.permissions.level(ref, t.by);
        if (!meetsLevel(have, need)) {
          const what = t.closed ? "Closing this issue" : "Removing the label";
          await this.#ports.comments
            .reply(
              ref,
              `@${t.by} ${what} does not stop its execution: cancelling needs ${need} permission on this repository; yours is ${have}. The execution goes on; someone with ${need} permission can stop it with \`/orchestrate cancel\`.`,
            )
            .catch((error: unknown) =>
              this.#o.log?.("could not answer a close or unlabel", {
                execution: executionId(ref),
                error: error instanceof Error ? error.message : String(error),
              }),
            );
          return [];
        }
        return [{ id: `stop:${t.delivery}`, type: "cancel_requested", by: t.by, reason: t.reason }];
      }
      case "job_started":
        if (!state || !(await this.#ourRun(ref, state, t.task, t.run))) return [];
        return [
          ...this.#runHeard(ref, state, t),
          { id: `started:${t.task}:${t.attempt}`, type: "task_started", task: t.task, attempt: t.attempt },
        ];
      case "job_completed":
        if (!state || !(await this.#ourRun(ref, state, t.task, t.run))) return [];
        return [...this.#runHeard(ref, state, t), ...(await this.#jobCompleted(ref, state, t))];
      case "run_completed":
        return state ? this.#runEnded(ref, state, t.run, t.conclusion) : [];
      case "comment":
      case "review":
      case "check_action": {
        const options = { ...this.#o.commands, now: this.#o.clock.now() };
        const out = await commandOutcome(this.#ports, ref, state, t, options);
        // The reaction and replies say what was done; GitHub refusing them (a deleted comment, an
        // error) must not cost the batch its events. Said once per comment or review: a trigger
        // handled again (its batch failed), redelivered, or read back by the tick in the same
        // batch does not say it twice. The 👀 of a command with events waits for them: given
        // once one is applied (the state may still refuse it, which is said instead).
        const said = answerKey(t);
        const decisions = out.events.flatMap((e) => (e.type !== "command_refused" && e.id ? [e.id] : []));
        const eyes = out.react && t.kind === "comment" ? t.commentId : undefined;
        if (eyes !== undefined && decisions.length > 0)
          this.#awaitAnswer(ref, { key: said, eyes, decisions, refusals: [], replies: [] });
        try {
          if (this.#firstAnswer(ref, said)) {
            if (eyes !== undefined && decisions.length === 0)
              await this.#ports.comments.react(ref, eyes, "eyes");
            for (const reply of out.replies) await this.#ports.comments.reply(ref, reply);
          }
        } catch (error) {
          this.#o.log?.("could not answer a command", {
            execution: executionId(ref),
            error: error instanceof Error ? error.message : String(error),
          });
        }
        // A resume also reads back what GitHub knows (results, CI, merges, deployments).
        const resume = out.events.some((e) => e.type === "resume_requested");
        return resume && state
          ? [...out.events, ...(await this.#eventsOf(ref, state, { kind: "tick" }))]
          : out.events;
      }
      case "result": {
        const record = await this.#readResult(
          ref,
          state?.created_at,
          t.result.task,
          t.result.attempt,
          t.result.sha,
          prefetched,
        );
        return record ? [record] : [];
      }
    }
  }

  /**
   * Facts read back from GitHub, or none when GitHub refuses now (logged): the next tick reads
   * them again, so nothing is lost by going on without them.
   */
  async #readBack(ref: ExecutionRef, what: string, read: () => Promise<NewEvent[]>): Promise<NewEvent[]> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof RateLimitError) throw error;
      this.#o.log?.(`could not ${what}`, {
        execution: executionId(ref),
        error: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
  }

  /** A task's job completed: its result record, a wait for its publish job, or a failed attempt. */
  async #jobCompleted(
    ref: ExecutionRef,
    state: ExecutionState,
    t: Extract<Trigger, { kind: "job_completed" }>,
  ): Promise<NewEvent[]> {
    // The agent's job succeeded: its result is committed by now (one job), or by the publish
    // job that follows (split); without a record yet, that job or the run's end decides.
    if (!t.publish && t.conclusion === "success") {
      const record = await this.#readResult(ref, state.created_at, t.task, t.attempt);
      if (record) return [record];
      // The agent is done: its time limit no longer applies while the publish job (which
      // starts once the batch's other agents are done) commits the result.
      return [
        {
          id: `ran:${t.task}:${t.attempt}`,
          type: "heartbeat",
          task: t.task,
          attempt: t.attempt,
          ran: true,
          message: "the agent's job succeeded; its result is being committed",
        },
      ];
    }
    // Otherwise a job that ended without a result record failed (the commit is the source of truth).
    return [
      await this.#ended(
        ref,
        state,
        t.task,
        t.attempt,
        `the job ended (${t.conclusion}) without a result record`,
      ),
    ];
  }

  /**
   * A job of the task's current attempt was heard from a run not recorded for it (the dispatch
   * record was lost in a restart, or GitHub did not say which run it started): the run is
   * recorded, so that the tick reads how it ended should every later webhook be lost.
   */
  #runHeard(
    ref: ExecutionRef,
    state: ExecutionState,
    t: { task: string; attempt: number; run: number },
  ): NewEvent[] {
    const task = state.tasks[t.task];
    if (!task || task.attempt !== t.attempt || this.#runOf(ref, state, t.task) !== undefined) return [];
    return [
      {
        id: `run-of:${t.task}:${t.attempt}`,
        type: "task_dispatched",
        task: t.task,
        attempt: t.attempt,
        ref: `actions/runs/${t.run}`,
      },
    ];
  }

  /** Results of running tasks that the batch's read found on their branches (no further request). */
  async #prefetchedResults(
    ref: ExecutionRef,
    state: ExecutionState,
    prefetched: ReadonlyMap<string, string | undefined>,
  ): Promise<NewEvent[]> {
    const out: NewEvent[] = [];
    for (const [id, t] of Object.entries(state.tasks)) {
      if (
        !IN_FLIGHT.has(t.status) ||
        !prefetched.has(`${taskBranch(ref.issue, id)}:${resultPath(ref.issue, id)}`)
      )
        continue;
      const record = await this.#readResult(ref, state.created_at, id, t.attempt, undefined, prefetched);
      if (record) out.push(record);
    }
    return out;
  }

  /** The task's result record as an event, read from its branch (at `sha` when known; maybe read already). */
  async #readResult(
    ref: ExecutionRef,
    createdAt: number | undefined,
    task: string,
    attempt: number,
    sha?: string,
    prefetched?: ReadonlyMap<string, string | undefined>,
  ): Promise<NewEvent | undefined> {
    const at = sha ?? taskBranch(ref.issue, task);
    const path = resultPath(ref.issue, task);
    const key = `${at}:${path}`;
    const text = prefetched?.has(key) ? prefetched.get(key) : await this.#ports.contents.read(ref, path, at);
    if (text === undefined) return undefined;
    let parsed: ReturnType<typeof ResultRecordSchema.safeParse> | undefined;
    let problem = "";
    try {
      parsed = ResultRecordSchema.safeParse(JSON.parse(text));
      if (!parsed.success) problem = issueText(parsed.error.issues[0]!);
      else if (parsed.data.task !== task)
        problem = `task: the record is for ${JSON.stringify(parsed.data.task)}`;
    } catch (error) {
      problem = `not JSON (${jsonProblem(text, error)})`;
    }
    const id = `result:${task}:${attempt}`;
    if (!parsed?.success || problem !== "") {
      return {
        id,
        type: "task_failed",
        task,
        attempt,
        error: {
          kind: "result_invalid",
          message: `${path} is not a valid result record: ${problem}`,
        },
      };
    }
    const r = parsed.data;
    // Another attempt's, or a job of an earlier execution of the issue (its ids repeat).
    if (r.attempt !== attempt || !sameExecution(r.execution_created_at, createdAt)) return undefined;
    if (r.status === "failed") {
      return {
        id,
        type: "task_failed",
        task,
        attempt,
        error: r.error ?? { kind: "error", message: "the task failed" },
        ...(r.cost ? { cost: r.cost } : {}),
      };
    }
    return {
      id,
      type: "task_succeeded",
      task,
      attempt,
      artifacts: r.artifacts,
      ...(r.summary !== undefined ? { summary: r.summary } : {}),
      ...(r.cost ? { cost: r.cost } : {}),
      ...(r.context ? { context: r.context } : {}),
    };
  }

  /**
   * The outcome of an attempt whose job ended: its result record, else a failure saying `why` —
   * `no_result` when its job ran, `not_run` when no job ran it (a workflow that failed to start,
   * a dispatch GitHub lost: not the agent's doing, so its circuit is not counted).
   */
  async #ended(
    ref: ExecutionRef,
    state: ExecutionState,
    task: string,
    attempt: number,
    why: string,
    kind: "no_result" | "not_run" = "no_result",
  ): Promise<NewEvent> {
    const record = await this.#readResult(ref, state.created_at, task, attempt);
    return (
      record ?? {
        id: `job:${task}:${attempt}`,
        type: "task_failed",
        task,
        attempt,
        error: { kind, message: why },
      }
    );
  }

  /** The workflow run the task's current attempt was dispatched in, when known. */
  #runOf(ref: ExecutionRef, state: ExecutionState, task: string): number | undefined {
    const t = state.tasks[task]!;
    // A dispatch record not written yet is the newest word.
    const pending = this.#records
      .get(executionId(ref))
      ?.find((e) => e.type === "task_dispatched" && e.task === task && e.attempt === t.attempt);
    const at = pending?.type === "task_dispatched" ? pending.ref : t.ref;
    const id = at === undefined ? undefined : RUN_REF.exec(at)?.[1];
    return id === undefined ? undefined : Number(id);
  }

  /**
   * Whether workflow run `run` is where the task's attempts run: the run its current attempt was
   * dispatched in when that is recorded, else a run of the agents workflow, started by
   * `workflow_dispatch` in this repository (not a fork's). A job's name alone proves nothing: any
   * workflow — a fork's pull request CI among them — can name a job like a task's.
   */
  async #ourRun(ref: ExecutionRef, state: ExecutionState, task: string, run: number): Promise<boolean> {
    if (!state.tasks[task]) return false;
    const recorded = this.#runOf(ref, state, task);
    if (recorded !== undefined) return recorded === run;
    return this.#agentsRun(ref, state, run, task);
  }

  /**
   * Whether `run` is a run of the agents workflow started by `workflow_dispatch` in this repository
   * for this execution: one created before it (less a minute for clocks that disagree) is an
   * earlier execution's of the same issue, whose task names and attempt numbers repeat.
   */
  async #agentsRun(ref: ExecutionRef, state: ExecutionState, run: number, task?: string): Promise<boolean> {
    const key = `${executionId(ref)}@${state.created_at}:run:${run}`;
    const known = this.#trusted.get(key);
    if (known !== undefined) return known;
    let ours: boolean;
    try {
      const facts = await this.#ports.runs.run(ref, run);
      ours =
        this.#ofAgentsWorkflow(ref, facts) &&
        (facts.createdAt === undefined || facts.createdAt >= state.created_at - CLOCK_SKEW_MS);
    } catch (error) {
      // Unknown for now: the run's end or the tick reads it again.
      this.#o.log?.("could not read the workflow run of a task's job", {
        execution: executionId(ref),
        run,
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
    if (!ours)
      this.#o.log?.("a job named like a task's ran outside the agents workflow: ignored", { run, task });
    this.#trusted.set(key, ours);
    return ours;
  }

  /** Whether a run is a `workflow_dispatch` run of the agents workflow in this repository. */
  #ofAgentsWorkflow(ref: ExecutionRef, r: WorkflowRunFacts): boolean {
    const workflow = this.#o.workflow;
    return (
      r.event === "workflow_dispatch" &&
      r.repository === `${ref.owner}/${ref.repo}`.toLowerCase() &&
      (/^\d+$/.test(workflow)
        ? r.workflowId === Number(workflow)
        : r.path?.replace(/@.*$/, "").split("/").at(-1) === workflow)
    );
  }

  /**
   * Attempts queued more than LOST_DISPATCH_MS ago whose run is not known (the dispatch record
   * was lost in a restart, GitHub did not say which run it started, or the process stopped between
   * saving and dispatching): once no run of the agents workflow on the working branch since then
   * is still queued or running, each one's job in those runs says how it ended, and one that has
   * no job there was never run — a failed attempt, retried by policy. One list of runs (and one
   * list of jobs per run) per tick, only while such attempts exist.
   */
  async #lostDispatches(
    ref: ExecutionRef,
    state: ExecutionState,
    missing: ReadonlySet<string>,
  ): Promise<NewEvent[]> {
    const now = this.#o.clock.now();
    const lost = Object.entries(state.tasks).filter(
      ([id, t]) =>
        missing.has(id) &&
        t.status === "queued" &&
        t.queued_at !== undefined &&
        now - t.queued_at > LOST_DISPATCH_MS &&
        this.#runOf(ref, state, id) === undefined,
    );
    if (lost.length === 0) return [];
    const since = Math.min(...lost.map(([, t]) => t.queued_at!)) - CLOCK_SKEW_MS;
    let runs: Awaited<ReturnType<GitHubPorts["runs"]["dispatched"]>>;
    const jobs = new Map<string, string>();
    try {
      runs = (await this.#ports.runs.dispatched(ref, workingBranch(ref.issue), since)).filter((r) =>
        this.#ofAgentsWorkflow(ref, r),
      );
      // A run still queued or running may carry them: its end (webhook or tick) tells.
      if (runs.some((r) => r.status !== "completed")) return [];
      for (const run of runs) endedJobs(ref.issue, await this.#ports.runs.jobs(ref, run.id), jobs);
    } catch (error) {
      this.#o.log?.("could not look for the runs of attempts queued long ago", {
        execution: executionId(ref),
        error: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
    const out: NewEvent[] = [];
    for (const [id, t] of lost) {
      const ended = jobs.get(`${id}#${t.attempt}`);
      out.push(
        ended !== undefined
          ? await this.#ended(ref, state, id, t.attempt, `the job ended (${ended}) without a result record`)
          : await this.#ended(
              ref,
              state,
              id,
              t.attempt,
              `no run of the agents workflow ran it (queued ${Math.round((now - t.queued_at!) / 60_000)} minutes ago)`,
              "not_run",
            ),
      );
    }
    return out;
  }

  /** Workflow runs found to be (or not be) dispatched runs of the agents workflow. */
  readonly #trusted = new LruCache<string, boolean>(4096);

  /**
   * A run of the agents workflow finished: each in-flight task whose job in it ended, or that was
   * dispatched in it and has no job there (the run failed before its jobs started), gets its
   * result record or fails.
   */
  async #runEnded(
    ref: ExecutionRef,
    state: ExecutionState,
    run: number,
    conclusion: string,
  ): Promise<NewEvent[]> {
    let candidates = Object.entries(state.tasks).filter(([id, t]) => {
      if (!IN_FLIGHT.has(t.status)) return false;
      const of = this.#runOf(ref, state, id);
      return of === undefined || of === run;
    });
    // Tasks whose run is not recorded count only if this is a run of the agents workflow.
    if (
      candidates.some(([id]) => this.#runOf(ref, state, id) === undefined) &&
      !(await this.#agentsRun(ref, state, run))
    )
      candidates = candidates.filter(([id]) => this.#runOf(ref, state, id) === run);
    if (candidates.length === 0) return [];
    const jobs = new Map<string, string>();
    let listed: Awaited<ReturnType<GitHubPorts["runs"]["jobs"]>>;
    try {
      listed = await this.#ports.runs.jobs(ref, run);
    } catch (error) {
      // The tick looks at the run again (its id is recorded); the batch's other triggers go on.
      this.#o.log?.("could not list the jobs of a workflow run", {
        execution: executionId(ref),
        run,
        error: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
    endedJobs(ref.issue, listed, jobs);
    const out: NewEvent[] = [];
    for (const [id, t] of candidates) {
      const ended = jobs.get(`${id}#${t.attempt}`);
      if (ended !== undefined)
        out.push(
          await this.#ended(ref, state, id, t.attempt, `the job ended (${ended}) without a result record`),
        );
      else if (this.#runOf(ref, state, id) === run)
        out.push(
          await this.#ended(
            ref,
            state,
            id,
            t.attempt,
            `its workflow run ${run} ended (${conclusion}) without running its job`,
            "not_run",
          ),
        );
    }
    return out;
  }

  /**
   * Attempts still queued in a run that is going: those whose job a runner took have started
   * (their time limit counts from the job's start). Their `workflow_job` webhook was lost, or never
   * comes: a workflow (the Action's orchestrate mode) cannot be started by `workflow_job`, so there
   * only the tick tells an attempt started. One list of the run's jobs, only while such attempts exist.
   */
  async #jobsStarted(
    ref: ExecutionRef,
    state: ExecutionState,
    run: number,
    missing: ReadonlySet<string>,
  ): Promise<NewEvent[]> {
    const queued = [...missing].filter(
      (id) => state.tasks[id]!.status === "queued" && this.#runOf(ref, state, id) === run,
    );
    if (queued.length === 0) return [];
    const started = new Map<string, number | undefined>();
    for (const job of await this.#ports.runs.jobs(ref, run)) {
      const m = JOB_NAME.exec(job.name)?.groups;
      if (!m || m.publish || Number(m.issue) !== ref.issue || job.status === "queued") continue;
      if (job.status === "waiting" || job.status === "pending" || job.status === "requested") continue;
      started.set(`${m.task}#${m.attempt}`, job.startedAt);
    }
    const now = this.#o.clock.now();
    const out: NewEvent[] = [];
    for (const id of queued) {
      const t = state.tasks[id]!;
      const key = `${id}#${t.attempt}`;
      if (!started.has(key)) continue;
      // GitHub's time of the start, kept between the dispatch and now (clocks may disagree).
      const at = Math.min(now, Math.max(started.get(key) ?? now, t.queued_at ?? 0));
      out.push({ id: `started:${id}:${t.attempt}`, type: "task_started", task: id, attempt: t.attempt, at });
    }
    return out;
  }

  /**
   * Facts GitHub knows that events may have missed: result records of running tasks, and how the
   * workflow runs of those without one ended (a lost job webhook, a run that never started its
   * jobs). Due timers are fired by the commit.
   */
  async #reconcile(ref: ExecutionRef, state: ExecutionState): Promise<NewEvent[]> {
    const out: NewEvent[] = [];
    const missing = new Set<string>();
    for (const [id, t] of Object.entries(state.tasks)) {
      if (!IN_FLIGHT.has(t.status)) continue;
      const record = await this.#readResult(ref, state.created_at, id, t.attempt);
      if (record) out.push(record);
      else missing.add(id);
    }
    const runs = new Set<number>();
    for (const id of missing) {
      const run = this.#runOf(ref, state, id);
      if (run !== undefined) runs.add(run);
    }
    out.push(...(await this.#lostDispatches(ref, state, missing)));
    for (const run of runs) {
      try {
        const now = await this.#ports.runs.run(ref, run);
        if (now.status !== "completed") {
          // A run still queued has started no job.
          if (now.status === "in_progress") out.push(...(await this.#jobsStarted(ref, state, run, missing)));
          continue;
        }
        // The records are read again: a job may have pushed its result since they were read.
        out.push(...(await this.#runEnded(ref, state, run, now.conclusion ?? "unknown")));
      } catch (error) {
        // Looked at again on the next tick; the task's time limit still bounds the wait.
        this.#o.log?.("could not read a workflow run", {
          execution: executionId(ref),
          run,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return out;
  }

  /**
   * Gate decisions whose webhook was lost: while a gate waits, the verdicts of reviews on its pull
   * request (approve, request changes) and the `/orchestrate approve|reject` comments on the issue
   * since the gate opened are decided as their webhooks would have been — only those: other
   * commands are not read back. What a webhook already decided changes nothing (same event id;
   * a refusal is recorded too, as `command_refused`). What this decides is answered once its
   * outcome is known (`#answer`): 👀 for a decision the state applied, the reason for a refusal.
   */
  async #reconcileGates(ref: ExecutionRef, state: ExecutionState): Promise<NewEvent[]> {
    if (state.finished_at !== undefined) return [];
    const opened = state.phases.flatMap((p) => {
      const gate = state.phase_state[p.id]?.gate;
      return gate?.status === "open" ? [gate.opened_at ?? 0] : [];
    });
    if (opened.length === 0) return [];
    // What was said since the first open gate opened; a command written before the gate it
    // would decide opened is refused (`at`), and a refusal is recorded, so it never passes a
    // gate later unseen. (A review of an older head is refused anyway.)
    const since = Math.min(...opened);
    let found: Awaited<ReturnType<GitHubPorts["comments"]["reviewsOf"]>>;
    let comments: Awaited<ReturnType<GitHubPorts["comments"]["commentsSince"]>>;
    try {
      [found, comments] = await Promise.all([
        this.#ports.comments.reviewsOf(ref, workingBranch(ref.issue)),
        this.#ports.comments.commentsSince(ref, since),
      ]);
    } catch (error) {
      // Read again on the next tick; the rest of this one goes on.
      this.#o.log?.("could not read the reviews and comments of a waiting gate", {
        execution: executionId(ref),
        error: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
    const options = { ...this.#o.commands, now: this.#o.clock.now(), gateDecisionsOnly: true };
    const key = executionId(ref);
    const out: NewEvent[] = [];
    /**
     * Decides one comment or review as its webhook would have, keeping the gate decisions and
     * refusals not recorded yet (a refusal is recorded too, so the command is decided once);
     * one that decides nothing new is not read again. What it decides here was never answered
     * (its webhook was lost, or has not come yet): it is answered once the commit says what came
     * of it — a decision the state refuses after all (a second approval by the same person, a
     * gate another comment of the batch decided first) is recorded and answered as refused.
     */
    const readBack = async (what: string, trigger: CommandTrigger) => {
      if (this.#decided.get(`${key}:${what}`)) return;
      const decided = await commandOutcome(this.#ports, ref, state, trigger, options);
      const fresh = decided.events.filter(
        (e) =>
          (e.type === "gate_approved" || e.type === "gate_rejected" || e.type === "command_refused") &&
          e.id !== undefined &&
          !state.applied[e.id],
      );
      if (fresh.length === 0) {
        this.#decided.set(`${key}:${what}`, true);
        return;
      }
      const ids = (refused: boolean) =>
        fresh.flatMap((e) => ((e.type === "command_refused") === refused ? [e.id!] : []));
      this.#awaitAnswer(ref, {
        key: what,
        ...(decided.react && trigger.kind === "comment" ? { eyes: trigger.commentId } : {}),
        decisions: ids(false),
        refusals: ids(true),
        replies: decided.replies,
      });
      out.push(...fresh);
    };
    for (const c of comments) {
      const { id, user, userType, body } = c;
      await readBack(`comment-${id}`, {
        kind: "comment",
        delivery: `comment-${id}`,
        commentId: id,
        user,
        userType,
        body,
        at: c.createdAt,
      });
    }
    for (const r of found?.reviews ?? []) {
      if (r.submittedAt < since || (r.state !== "approved" && r.state !== "changes_requested")) continue;
      await readBack(`review-${r.id}`, {
        kind: "review",
        delivery: `review-${r.id}`,
        user: r.user,
        userType: r.userType,
        state: r.state,
        commitId: r.commitId,
        body: r.body,
        pull: found!.pull,
        reviewId: r.id,
        at: r.submittedAt,
      });
    }
    return out;
  }

  /** Comments and reviews of a waiting gate the reconcile decided already (by execution). */
  readonly #decided = new LruCache<string, true>(4096);

  /** What the commands of the batch being handled say once their events' fate is known (by execution). */
  readonly #answers = new Map<string, Answer[]>();

  #awaitAnswer(ref: ExecutionRef, answer: Answer): void {
    const key = executionId(ref);
    this.#answers.set(key, [...(this.#answers.get(key) ?? []), answer]);
  }

  /**
   * Answers the commands whose events a commit settled (`applied`: what it saved): 👀 on a comment
   * one of whose decisions was applied as such, and its replies when one of its refusals was
   * recorded — unless its webhook, handled in the same batch, answered it already. A decision not
   * applied was a duplicate: whoever applied it answered. (Only the tick's read-back leaves
   * replies here; the comment is not marked answered, so its webhook, coming later, still answers
   * its other commands — the ones read back are decided by then, and say nothing.)
   */
  async #answer(ref: ExecutionRef, applied: readonly ExecutionEvent[]): Promise<void> {
    const key = executionId(ref);
    const waiting = this.#answers.get(key) ?? [];
    this.#answers.delete(key);
    const types = new Map(applied.map((e) => [e.id, e.type]));
    const reacted = new Set<number>();
    for (const a of waiting) {
      const passed = a.decisions.some((id) => types.has(id) && types.get(id) !== "command_refused");
      const refused = a.refusals.some((id) => types.get(id) === "command_refused");
      try {
        if (passed && a.eyes !== undefined && !reacted.has(a.eyes)) {
          reacted.add(a.eyes);
          await this.#ports.comments.react(ref, a.eyes, "eyes");
        }
        if (refused && !this.#answeredAlready(ref, a.key))
          for (const reply of a.replies) await this.#ports.comments.reply(ref, reply);
      } catch (error) {
        this.#o.log?.("could not answer a command", {
          execution: key,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  /**
   * Applies events (plus due timers) and saves them; on a conflict reloads and applies again.
   * The work of each attempt that succeeds joins the working branch first (fan-in), so its merge
   * is recorded in the same commit, and a conflict blocks the task before anything that needs its
   * work is dispatched.
   */
  #commit(
    ref: ExecutionRef,
    events: readonly NewEvent[],
    fanIn: FanIn,
    fireTimers = true,
  ): Promise<Committed | undefined> {
    // Every execution of a repository writes the same state branch: saves from this process take
    // turns, so they never conflict with each other (only with another process's).
    const repo = `${ref.owner}/${ref.repo}`.toLowerCase();
    const before = this.#saving.get(repo) ?? Promise.resolve();
    const turn = before.then(() => this.#commitInTurn(ref, events, fanIn, fireTimers));
    const done = turn.then(
      () => undefined,
      () => undefined,
    );
    this.#saving.set(repo, done);
    void done.then(() => {
      if (this.#saving.get(repo) === done) this.#saving.delete(repo);
    });
    return turn;
  }

  /** The state branch head each repository's last save from this process left. */
  readonly #headOf = new LruCache<string, string>(1024);
  /** The last save of each repository's state branch in this process (see `#commit`). */
  readonly #saving = new Map<string, Promise<void>>();

  async #commitInTurn(
    ref: ExecutionRef,
    events: readonly NewEvent[],
    fanIn: FanIn,
    fireTimers: boolean,
  ): Promise<Committed | undefined> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      if (attempt > 1) {
        // Another process keeps winning the race: step aside for a random moment.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 100 * attempt)));
      }
      const key = executionId(ref);
      // What the batch loaded, unless this process has moved the state branch since (another
      // execution's save, while this one waited for its turn): then read again at that head.
      const repo = `${ref.owner}/${ref.repo}`.toLowerCase();
      const head = this.#headOf.get(repo);
      const loaded = attempt === 0 ? this.#fresh.get(key) : undefined;
      this.#fresh.delete(key);
      const fresh = loaded && (head === undefined || loaded.version === head) ? loaded : undefined;
      const stored =
        fresh ??
        (await this.#ports.store.load(ref, attempt === 0 && head !== undefined ? { head } : undefined));
      const now = this.#o.clock.now();
      let state = stored?.state;
      const applied: ExecutionEvent[] = [];
      const effects: Effect[] = [];
      const due =
        state && fireTimers
          ? Object.values(state.timers)
              .filter((timer) => timer.at <= now)
              .map(
                (timer): NewEvent => ({
                  id: `timer:${timer.id}:${timer.at}`,
                  type: "timer_fired",
                  timer: timer.id,
                }),
              )
          : [];
      const queue: NewEvent[] = [...events, ...due];
      for (let i = 0; i < queue.length; i++) {
        const input = queue[i]!;
        let event = EventSchema.parse({
          ...input,
          id: input.id ?? this.#newId(ref),
          at: input.at ?? now,
        }) as ExecutionEvent;
        let out = reduce(state, event);
        if (event.type === "task_succeeded" && !event.conflict && !event.unmerged && out.state !== state) {
          const joined = await this.#join(ref, state!, event.task, event.attempt, fanIn);
          if (joined.kind === "merged") {
            queue.splice(i + 1, 0, {
              id: `merge:${event.task}:${event.attempt}`,
              type: "merge_succeeded",
              tasks: [event.task],
              ...(joined.sha ? { sha: joined.sha } : {}),
            });
          } else if (joined.kind === "later") {
            // The task stays in flight; its result record is read again on the next event or tick.
            this.#o.log?.("result not applied yet: its work could not be merged", {
              execution: executionId(ref),
              task: event.task,
              error: joined.why,
            });
            continue;
          } else {
            event =
              joined.kind === "conflict"
                ? { ...event, conflict: joined.conflict }
                : { ...event, unmerged: joined.why };
            out = reduce(state, event);
          }
        }
        const refused = out.effects.find((e) => e.type === "rejected");
        if (refused) {
          const reason = refused.type === "rejected" ? refused.reason : "";
          this.#o.log?.("event refused", { execution: executionId(ref), event: event.type, reason });
          // A person's gate decision the state refuses is recorded as refused under its id, as
          // one refused before it reached the state is: decided once, it is answered once (its
          // webhook and the tick's read-back of it say nothing more) and never passes a gate later.
          const record = refusalRecord(event, reason);
          const kept = record ? reduce(state, record) : undefined;
          if (record && kept && kept.state !== state) {
            state = kept.state;
            applied.push(record);
            effects.push(...kept.effects);
          }
          if (event.by && event.type !== "timer_fired") effects.push(refused);
          continue;
        }
        if (out.state === state) continue;
        // Where each attempt an effect stops was running, before its task moves on (a retry).
        for (const effect of out.effects)
          if (effect.type === "cancel")
            for (const t of effect.tasks) {
              const at = state?.tasks[t.id]?.ref;
              if (at !== undefined) this.#stoppedRefs.set(`${executionId(ref)}:${t.id}#${t.attempt}`, at);
            }
        state = out.state;
        applied.push(event);
        effects.push(...out.effects);
      }
      if (applied.length === 0 || !state)
        return state ? { state, effects, applied, before: stored?.state } : undefined;
      try {
        const sha = await this.#ports.store.save(ref, {
          state,
          newEvents: applied,
          version: stored?.version,
        });
        this.#headOf.set(repo, sha);
        return { state, effects, applied, before: stored?.state };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        this.#o.log?.("state conflict; reloading", { execution: executionId(ref), attempt });
      }
    }
    throw new Error(
      `could not save execution ${executionId(ref)}: the state kept changing (${MAX_CONFLICT_RETRIES} conflicts)`,
    );
  }

  /** What `handle` loaded for each execution, for its first commit attempt (no second read). */
  readonly #fresh = new Map<string, StoredExecution>();

  #newId(ref: ExecutionRef): string {
    const key = executionId(ref);
    const n = (this.#ids.get(key) ?? 0) + 1;
    this.#ids.set(key, n);
    return `${key}:${this.#o.clock.now().toString(36)}:${Math.floor(this.#o.random() * 2 ** 32).toString(36)}:${n}`;
  }

  /**
   * Brings a succeeded attempt's work into the working branch: a task commit made on the branch's
   * current head is fast-forwarded to (no merge commit); others merge with the merges API. On a
   * conflict, names the files both sides changed and the tasks whose work joined the branch since
   * the attempt started from it (their result records are among those files).
   */
  async #join(
    ref: ExecutionRef,
    state: ExecutionState,
    task: string,
    attempt: number,
    fanIn: FanIn,
  ): Promise<Joined> {
    const key = `${task}#${attempt}`;
    const known = fanIn.joined.get(key);
    if (known) return known;
    const commit = fanIn.commits.get(key);
    const working = workingBranch(ref.issue);
    let joined: Joined | undefined;
    try {
      if (commit && fanIn.head && commit.parents[0] === fanIn.head) {
        if (await this.#ports.branches.fastForward(ref, working, commit.sha))
          joined = { kind: "merged", sha: commit.sha };
      }
      if (!joined) {
        // The commit whose result record was read, when known: a later attempt may move the branch.
        const head = commit?.sha ?? taskBranch(ref.issue, task);
        const merged = await this.#ports.branches.merge(
          ref,
          working,
          head,
          `Merge ${task} (attempt ${attempt})`,
        );
        if (merged.merged) joined = { kind: "merged", sha: merged.sha };
        else if (merged.conflict)
          joined = { kind: "conflict", conflict: await this.#conflictOf(ref, state, task, head) };
        else joined = { kind: "merged" };
      }
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      // Not memoised: a later try may go through.
      if (isUnclear(error)) return { kind: "later", why };
      joined = { kind: "refused", why };
    }
    // Known only while this process moved the branch itself; otherwise merge from now on.
    if (joined.kind === "merged") fanIn.head = joined.sha;
    else if (joined.kind !== "conflict") fanIn.head = undefined;
    fanIn.joined.set(key, joined);
    return joined;
  }

  /** The files a conflicting task and the working branch both changed, and whose work that was. */
  async #conflictOf(
    ref: ExecutionRef,
    state: ExecutionState,
    task: string,
    head: string,
  ): Promise<{ tasks: string[]; files: string[] }> {
    const working = workingBranch(ref.issue);
    try {
      const [theirs, ours] = await Promise.all([
        this.#ports.branches.changedFiles(ref, working, head),
        this.#ports.branches.changedFiles(ref, head, working),
      ]);
      const byRecord = new Map(Object.keys(state.tasks).map((id) => [resultPath(ref.issue, id), id]));
      const mine = new Set(theirs.filter((f) => !byRecord.has(f)));
      return {
        tasks: ours.flatMap((f) => {
          const other = byRecord.get(f);
          return other !== undefined && other !== task ? [other] : [];
        }),
        files: ours.filter((f) => mine.has(f)),
      };
    } catch (error) {
      // The conflict itself is known; only its details are missing.
      this.#o.log?.("could not name the files of a merge conflict", {
        execution: executionId(ref),
        task,
        error: error instanceof Error ? error.message : String(error),
      });
      return { tasks: [], files: [] };
    }
  }

  /**
   * Carries out effects; returns follow-up events (dispatch confirmations, delivery steps). The
   * state is saved by now, so one effect GitHub refuses must not cost the others: dispatches go
   * first (a refused one fails its tasks, to be retried by policy), and every other effect is
   * tried on its own — what fails is logged; the tick re-runs unfinished delivery steps.
   */
  async #carryOut(ref: ExecutionRef, committed: Committed): Promise<NewEvent[]> {
    const { state, effects, applied, before } = committed;
    const follow: NewEvent[] = [];
    for (const effect of effects)
      if (effect.type === "dispatch") follow.push(...(await this.#dispatch(ref, state, effect.tasks)));
    const attempt = async (what: string, work: () => Promise<void>): Promise<void> => {
      try {
        await work();
      } catch (error) {
        this.#o.log?.(`could not ${what}`, {
          execution: executionId(ref),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    };
    for (const effect of effects) {
      if (effect.type === "deliver")
        await attempt(`carry out delivery step ${effect.step}`, async () => {
          follow.push(...(await deliverStep(this.#ports, ref, state, effect)));
        });
      else if (effect.type === "open_gate")
        await attempt(`open the draft pull request of gate ${effect.phase}`, async () => {
          try {
            await draftForGate(this.#ports, ref, state);
          } catch (error) {
            // The gate waits all the same; say how to decide it without the pull request.
            await this.#ports.comments.reply(
              ref,
              `Phase \`${effect.phase}\` waits for approval, but its draft pull request could not be opened (${inert(error instanceof Error ? error.message : String(error))}). Decide it with \`/orchestrate approve ${effect.phase}\` or \`/orchestrate reject ${effect.phase} <what should change>\`.`,
            );
            throw error;
          }
        });
      else if (effect.type === "cancel" && state.delivery?.merged_sha !== undefined)
        // Work stopped once the pull request merged (a revision the merge dropped): all of it is moot.
        await attempt("cancel the runs of a dropped revision", async () => {
          await this.#ports.delivery.cancelRuns(ref, workingBranch(ref.issue));
        });
      else if (effect.type === "cancel" && !effects.some((e) => e.type === "complete"))
        // (An execution that ended cancels every run on its branch when it finishes.)
        await attempt("cancel the runs of stopped attempts", () => this.#cancelAttempts(ref, state, effect));
      else if (effect.type === "notify") {
        const mention =
          effect.mention.length > 0
            ? `${effect.mention.map((m) => (m.startsWith("@") ? m : `@${m}`)).join(" ")} `
            : "";
        await attempt("post a notice", () => this.#ports.comments.reply(ref, `${mention}${effect.message}`));
      } else if (effect.type === "rejected") {
        await attempt("answer a refused event", () =>
          this.#ports.comments.reply(ref, `Not done: ${inert(effect.reason)}.`),
        );
      }
    }
    const key = executionId(ref);
    const stale = this.#staleView.has(key);
    if (
      stale ||
      effects.some((e) => e.type === "update_status" || e.type === "complete" || e.type === "open_gate")
    ) {
      // The dashboard and check runs are a view of the state: when GitHub refuses them now, what
      // was already done (dispatches, merges) is still recorded, and the next event or tick shows
      // it again (every phase, since what changed meanwhile is not known).
      const shown = stale
        ? [...effects, { type: "update_status" as const, phases: state.phases.map((p) => p.id) }]
        : effects;
      this.#staleView.delete(key);
      try {
        await this.#show(ref, state, shown);
      } catch (error) {
        this.#staleView.add(key);
        // A check run whose creation got no answer may exist after all: look before creating again.
        this.#startedAt.delete(key);
        this.#o.log?.("could not update the dashboard or check runs", {
          execution: key,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const escalated = escalatedPhases(state, applied);
    if (escalated.length > 0)
      await attempt("add the escalation label", () => this.#ports.labels.add(ref, [ESCALATED_LABEL]));
    else if (before && escalatedNow(before) && !escalatedNow(state))
      // Decided, retried, or the execution ended: the issue no longer waits for its approvers.
      await attempt("remove the escalation label", () => this.#ports.labels.remove(ref, ESCALATED_LABEL));
    const done = effects.find((e) => e.type === "complete");
    if (done) {
      await attempt("post the report", () => this.#ports.comments.reply(ref, reportMarkdown(state)));
      await this.#finish(ref, state);
    }
    return follow;
  }

  /**
   * Stops the workflow runs of attempts the execution stopped (timed out, skipped, cancelled):
   * their agents would otherwise work on — and cost — beside a retry. GitHub cancels a run as a
   * whole, so a run where another task's current attempt still works is left to finish (its
   * stopped attempt's result is refused when it comes).
   */
  async #cancelAttempts(ref: ExecutionRef, state: ExecutionState, effect: EffectOf<"cancel">): Promise<void> {
    const runs = new Set<number>();
    for (const { id, attempt } of effect.tasks) {
      const at = this.#stoppedRefs.get(`${executionId(ref)}:${id}#${attempt}`);
      const run = at === undefined ? undefined : RUN_REF.exec(at)?.[1];
      if (run !== undefined) runs.add(Number(run));
    }
    // A stopped task retried at once is in flight again, its new run not recorded yet. Another
    // in-flight task whose run is not known (GitHub did not say, a record lost in a restart) may
    // be in any of them: then none is cancelled.
    const stopped = new Set(effect.tasks.map((t) => t.id));
    const others = Object.entries(state.tasks)
      .filter(([id, t]) => !stopped.has(id) && IN_FLIGHT.has(t.status))
      .map(([id]) => this.#runOf(ref, state, id));
    if (others.includes(undefined)) return;
    for (const run of runs) if (!others.includes(run)) await this.#ports.runs.cancel(ref, run);
  }

  /**
   * Finishes an ended execution on GitHub (see `finishExecution`); when a step fails it is
   * remembered, and the next trigger for the execution — the host's tick keeps it coming —
   * runs the steps again.
   */
  async #finish(ref: ExecutionRef, state: ExecutionState): Promise<void> {
    const key = executionId(ref);
    try {
      await finishExecution(this.#ports, ref, state);
      this.#unfinished.delete(key);
    } catch (error) {
      const tries = (this.#unfinished.get(key) ?? 0) + 1;
      const message = error instanceof Error ? error.message : String(error);
      if (tries >= FINISH_TRIES) {
        // A step GitHub refuses for good (an issue deleted or transferred, say): said, not tried forever.
        this.#unfinished.delete(key);
        this.#o.log?.(`gave up finishing the execution on GitHub after ${tries} tries`, {
          execution: key,
          error: message,
        });
        return;
      }
      this.#unfinished.set(key, tries);
      this.#o.log?.("could not finish the execution on GitHub (tried again on its next event or tick)", {
        execution: key,
        error: message,
      });
    }
  }

  /**
   * Triggers (by execution and delivery — for a command, its comment or review: `answerKey`)
   * whose replies were posted: never posted twice.
   */
  readonly #answered = new LruCache<string, true>(4096);

  /** True the first time a trigger's replies are due (a trigger handled again says nothing). */
  #firstAnswer(ref: ExecutionRef, delivery: string): boolean {
    const key = `${executionId(ref)}:${delivery}`;
    if (this.#answered.get(key)) return false;
    this.#answered.set(key, true);
    return true;
  }

  /** Whether a trigger's replies were posted (see `#firstAnswer`), without marking them so. */
  #answeredAlready(ref: ExecutionRef, delivery: string): boolean {
    return this.#answered.get(`${executionId(ref)}:${delivery}`) === true;
  }

  /** Where each attempt a `cancel` effect stops was running (`<execution>:<task>#<attempt>` → its ref). */
  readonly #stoppedRefs = new LruCache<string, string>(4096);

  /** Ended executions whose finishing steps on GitHub failed, with how many times they were tried. */
  readonly #unfinished = new Map<string, number>();

  /**
   * Whether an execution that ended still has finishing steps to run in this process: a host
   * keeps ticking it until they succeed.
   */
  finishing(ref: ExecutionRef): boolean {
    return this.#unfinished.has(executionId(ref));
  }

  /**
   * Starts the agents workflow for a batch, in as many runs as GitHub's limits need (a matrix of
   * at most MATRIX_JOBS jobs; inputs of at most 65,535 characters): each run's tasks are confirmed,
   * or failed when GitHub refused that run.
   */
  async #dispatch(
    ref: ExecutionRef,
    state: ExecutionState,
    tasks: Extract<Effect, { type: "dispatch" }>["tasks"],
  ): Promise<NewEvent[]> {
    const entries = tasks.map((task) => ({ task, text: JSON.stringify(this.#entryOf(ref, state, task)) }));
    const out: NewEvent[] = [];
    for (const part of dispatchParts(entries, (e) => e.text.length + 1))
      out.push(...(await this.#dispatchRun(ref, state, part)));
    return out;
  }

  /** A task's entry in the `tasks` input: one job of the agents workflow's matrix. */
  #entryOf(
    ref: ExecutionRef,
    state: ExecutionState,
    t: Extract<Effect, { type: "dispatch" }>["tasks"][number],
  ) {
    return {
      id: t.id,
      agent: t.agent,
      attempt: t.attempt,
      ...(t.phase ? { phase: t.phase } : {}),
      // The feedback is not sent: the task job reads it from the state (a long review would
      // take the inputs past GitHub's 65,535 characters, once per task of the batch).
      branch: taskBranch(ref.issue, t.id),
      // Marks the attempt as this execution's: its ids and attempt numbers repeat in a later one.
      execution_created_at: state.created_at,
    };
  }

  /** Starts one run of the agents workflow for a part of a batch (its tasks and their entries' JSON). */
  async #dispatchRun(
    ref: ExecutionRef,
    state: ExecutionState,
    part: readonly { task: Extract<Effect, { type: "dispatch" }>["tasks"][number]; text: string }[],
  ): Promise<NewEvent[]> {
    const tasks = part.map((p) => p.task);
    try {
      const run = await this.#ports.dispatch.dispatch(ref, this.#o.workflow, workingBranch(ref.issue), {
        execution: state.id,
        issue: String(ref.issue),
        tasks: `[${part.map((p) => p.text).join(",")}]`,
      });
      return tasks.map((t) => ({
        id: `dispatched:${t.id}:${t.attempt}`,
        type: "task_dispatched",
        task: t.id,
        attempt: t.attempt,
        ref: run ? (run.url ?? `actions/runs/${run.id}`) : "workflow_dispatch",
      }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // An unclear answer (5xx, no answer, a rate limit) may hide a run GitHub started: the
      // attempts stay queued, and the tick finds their run, or after LOST_DISPATCH_MS that none
      // ran them (a failed attempt then, the agent's circuit not counted). Not sent again blindly.
      if (isUnclear(error)) {
        this.#o.log?.("the dispatch of the agents workflow got no clear answer; the tick looks for its run", {
          execution: executionId(ref),
          error: message,
        });
        return [];
      }
      this.#o.log?.("could not dispatch the agents workflow", {
        execution: executionId(ref),
        error: message,
      });
      return tasks.flatMap((t): NewEvent[] => [
        { id: `dispatch-started:${t.id}:${t.attempt}`, type: "task_started", task: t.id, attempt: t.attempt },
        {
          id: `dispatch-failed:${t.id}:${t.attempt}`,
          type: "task_failed",
          task: t.id,
          attempt: t.attempt,
          error: { kind: "dispatch", message },
        },
      ]);
    }
  }

  readonly #dashboardIds = new Map<string, number>();
  /** Executions whose dashboard or check runs GitHub refused last time: shown again on the next event or tick. */
  readonly #staleView = new Set<string>();
  readonly #checkIds = new Map<string, number>();

  /**
   * Updates the dashboard and the check runs of the phases that changed: those whose ids are known
   * in one request (the status port), the others — and any the batch could not carry — one by one.
   */
  async #show(ref: ExecutionRef, state: ExecutionState, effects: readonly Effect[]): Promise<void> {
    const key = executionId(ref);
    const dashboard = dashboardMarkdown(state, this.#o.clock.now());
    const changed = new Set<string>();
    for (const e of effects) {
      if (e.type === "update_status") for (const p of e.phases) changed.add(p);
      if (e.type === "open_gate") changed.add(e.phase);
    }
    const first = !this.#checkIds.has(`${key}:${state.phases[0]?.id}`);
    const due = state.phases
      .filter((p) => first || changed.has(p.id) || state.finished_at !== undefined)
      .map((phase) => {
        const check = checkOf(state, phase);
        return { key: `${key}:${phase.id}`, check, body: JSON.stringify(check) };
      })
      .filter((d) => this.#sent.get(d.key) !== d.body);
    const dashboardId = this.#dashboardIds.get(key);
    const known = due.filter((d) => this.#checkIds.has(d.key));
    const sent = await this.#ports.status.send(ref, {
      ...(dashboardId !== undefined ? { dashboard: { id: dashboardId, body: dashboard } } : {}),
      checks: known.map((d) => ({ id: this.#checkIds.get(d.key)!, check: d.check })),
    });
    for (const [i, d] of known.entries()) if (sent.checks[i]) this.#sent.set(d.key, d.body);
    if (!sent.dashboard)
      this.#dashboardIds.set(key, await this.#ports.dashboard.upsert(ref, dashboard, dashboardId));
    // The sha only matters when a check run is created or looked up: the commit they were
    // created on at the start (the working branch moves on with fan-in), else its head.
    const pinned = state.meta.checks_sha;
    let head = typeof pinned === "string" ? pinned : undefined;
    const isNew = state.seq === (this.#startedAt.get(key) ?? -1);
    // One check run GitHub refuses does not hold back the others; the caller shows them all
    // again on the next event or tick.
    let refused: unknown;
    for (const d of due) {
      if (this.#sent.get(d.key) === d.body) continue;
      const knownId = this.#checkIds.get(d.key);
      if (knownId === undefined) head ??= await this.#ports.branches.head(ref, workingBranch(ref.issue));
      if (knownId === undefined && !head) return;
      try {
        const checkId = await this.#ports.checks.upsert(ref, head ?? "", d.check, knownId, isNew);
        this.#checkIds.set(d.key, checkId);
        this.#sent.set(d.key, d.body);
      } catch (error) {
        if (error instanceof RateLimitError) throw error;
        refused ??= error;
      }
    }
    if (refused !== undefined) throw refused;
  }

  /** What each check run last showed, to skip updates that change nothing. */
  readonly #sent = new Map<string, string>();
  /** State seq at which this process created an execution (its check runs cannot exist yet). */
  readonly #startedAt = new Map<string, number>();
}
