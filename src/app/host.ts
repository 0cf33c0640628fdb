import type { Probot } from "probot";
import { ExecutionQueue } from "../github/execution-queue.ts";
import { type GitHubClient, githubPorts } from "../github/index.ts";
import { GitHubOrchestrator, type Trigger } from "../github/orchestrator.ts";
import type { ExecutionRef, GitHubPorts } from "../github/ports.ts";
import type { RoutedTrigger } from "../github/webhook-triggers.ts";
import type { Clock, Random } from "../ports/clock.ts";
import { systemClock } from "../ports/clock.ts";
import { handlesEvent } from "./events.ts";
import { Journal } from "./journal.ts";
import { type RedeliveryReport, redeliverFailed } from "./redeliver.ts";

/** What the app needs besides Probot: settings with defaults, and injectable time and randomness. */
export interface AppOptions {
  /** Label that starts an execution. */
  label?: string;
  /** Agents workflow dispatched for tasks. */
  workflow?: string;
  /** Period of the reconcile tick in ms (0: none). */
  tickMs?: number;
  /** The app's slug (its own `<slug>[bot]` comments are never commands). */
  appSlug?: string;
  /** Bots whose `/orchestrate` commands are heard (others are ignored). */
  allowBots?: string[];
  /**
   * How far back (hours) the first look at failed webhook deliveries goes (default 24; 0: never
   * ask GitHub to redeliver). Later looks start where the previous one ended.
   */
  redeliverHours?: number;
  /**
   * A local file where accepted webhooks wait until handled, so that a process that dies after
   * answering one handles it at its next start (none: not kept).
   */
  journalPath?: string;
  clock?: Clock;
  random?: Random;
}

/**
 * Waits before a failed trigger that nothing else reads back is handled again; after the last,
 * it is given up (logged, and kept in the journal for the next start when there is one).
 */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 1_800_000] as const;

/**
 * Triggers handled again when their batch failed (GitHub refused for now, a rate limit): a
 * person's act is said once. Results, job and run outcomes and CI are not: the next tick reads
 * them back from GitHub, as it does the tick itself.
 */
const HANDLED_AGAIN: ReadonlySet<Trigger["kind"]> = new Set([
  "labeled",
  "comment",
  "review",
  "check_action",
  "stop",
  "events",
]);

interface Work {
  installation: number;
  ref: ExecutionRef;
  trigger: Trigger;
  /** Set when handling it threw. */
  failed?: boolean;
}

/** A trigger waiting to be handled again, and how to give up that wait (at the stop). */
interface Retry {
  key: string;
  work: Work;
  timer: unknown;
  drop: () => void;
}

const isTick = (work: Work) => work.trigger.kind === "tick";

/** The queue key of an execution. */
function executionKey(ref: ExecutionRef): string {
  return `${ref.owner}/${ref.repo}#${ref.issue}`;
}

/**
 * The app's state between webhooks: GitHub ports per installation (their caches make reads
 * cheap), an orchestrator per installation, and one queue per execution so each execution has
 * one writer in this process. Handlers only enqueue; the work runs after the webhook is answered.
 */
export class AppHost {
  readonly label: string;
  readonly #app: Probot;
  readonly #options: Required<Omit<AppOptions, "label" | "appSlug" | "allowBots" | "journalPath">>;
  readonly #journal: Journal | undefined;
  readonly #commands: { appSlug?: string; allowBots?: string[] };
  readonly #installations = new Map<
    number,
    Promise<{ ports: GitHubPorts; orchestrator: GitHubOrchestrator }>
  >();
  readonly #open = new Map<string, Work>();
  /** Triggers waiting to be handled again after a failure (outside the queue until then). */
  readonly #retries = new Set<Retry>();
  /** Executions whose triggers the stop dropped before they were handled. */
  readonly #dropped = new Set<string>();
  #stopped = false;
  readonly queue: ExecutionQueue<Work>;
  #timer: NodeJS.Timeout | undefined;

  constructor(app: Probot, options: AppOptions = {}) {
    this.#app = app;
    this.label = options.label ?? "orchestrate";
    this.#commands = {
      ...(options.appSlug ? { appSlug: options.appSlug } : {}),
      ...(options.allowBots ? { allowBots: options.allowBots } : {}),
    };
    this.#options = {
      workflow: options.workflow ?? "orchestrate-agents.yml",
      tickMs: options.tickMs ?? 5 * 60_000,
      redeliverHours: options.redeliverHours ?? 24,
      clock: options.clock ?? systemClock,
      random: options.random ?? Math.random,
    };
    this.#journal = options.journalPath ? new Journal(options.journalPath) : undefined;
    this.queue = new ExecutionQueue<Work>(
      (_key, batch) => this.#run(batch),
      (key, error, batch) => {
        for (const work of batch) work.failed = true;
        app.log.error({ err: error, execution: key }, "execution work failed");
      },
    );
    if (this.#options.tickMs > 0) {
      this.#timer = setInterval(() => {
        void this.tick();
        void this.redeliver();
      }, this.#options.tickMs);
      this.#timer.unref();
    }
  }

  /** Events already asked for again (never twice), and where the next look at deliveries starts. */
  readonly #asked = new Set<string>();
  #deliveriesSince: number | undefined;

  /**
   * Asks GitHub to deliver again the webhooks it failed to deliver (this app was down or
   * restarting: GitHub does not retry them). Runs at start and on every tick; errors are logged.
   */
  redeliver(): Promise<RedeliveryReport | undefined> {
    if (this.#options.redeliverHours <= 0) return Promise.resolve(undefined);
    // One look at a time: a slow one (a long delivery log, a rate limit waited out) is not
    // joined by the next tick's, which would ask for the same deliveries again.
    this.#redelivering ??= this.#lookForFailed().finally(() => {
      this.#redelivering = undefined;
    });
    return this.#redelivering;
  }

  #redelivering: Promise<RedeliveryReport | undefined> | undefined;

  async #lookForFailed(): Promise<RedeliveryReport | undefined> {
    const now = this.#options.clock.now();
    // A delivery is listed once GitHub has its outcome: look a little behind the last look.
    const since = this.#deliveriesSince ?? now - this.#options.redeliverHours * 3_600_000;
    try {
      const app = (await this.#app.auth()) as unknown as GitHubClient;
      const report = await redeliverFailed(app, { since, asked: this.#asked, handles: handlesEvent });
      // The next look reaches back to what is left to ask for, else a little behind this one.
      this.#deliveriesSince = Math.min(now - 10 * 60_000, (report.oldestLeft ?? now) - 1);
      if (report.redelivered.length > 0 || report.refused.length > 0)
        this.#app.log.info(
          { redelivered: report.redelivered, refused: report.refused },
          `asked GitHub to redeliver ${report.redelivered.length} failed webhook deliveries`,
        );
      return report;
    } catch (error) {
      this.#app.log.warn({ err: error }, "could not look for failed webhook deliveries");
      return undefined;
    }
  }

  /**
   * Takes a webhook's triggers: written to the journal (when kept) before the webhook is
   * answered, then queued; the journal forgets the delivery once all of them were handled.
   */
  async accept(installation: number, delivery: string, routed: readonly RoutedTrigger[]): Promise<void> {
    if (routed.length === 0) return;
    const journal = this.#journal;
    if (journal) {
      try {
        await journal.accept({ delivery, installation, at: this.#options.clock.now(), routed: [...routed] });
      } catch (error) {
        this.#app.log.warn({ err: error, delivery }, `could not write the journal ${journal.path}`);
      }
    }
    this.#handle(installation, delivery, routed);
  }

  /**
   * Queues a delivery's triggers; once all were handled the journal forgets it — unless one
   * failed (GitHub refused for now, say): then it stays for the next start to try again.
   */
  #handle(installation: number, delivery: string, routed: readonly RoutedTrigger[]): void {
    const works: Work[] = routed.map(({ ref, trigger }) => ({ installation, ref, trigger }));
    const handled = works.map((work) => this.#push(work));
    const journal = this.#journal;
    if (!journal) return;
    void Promise.all(handled).then(() => {
      if (works.some((w) => w.failed)) {
        this.#app.log.warn({ delivery }, "kept in the journal for the next start: its handling failed");
        return;
      }
      return this.#forget(journal, delivery);
    });
  }

  async #forget(journal: Journal, delivery: string): Promise<void> {
    try {
      await journal.done(delivery);
    } catch (error) {
      this.#app.log.warn({ err: error, delivery }, `could not write the journal ${journal.path}`);
    }
  }

  /**
   * At start: handles the webhooks a previous process accepted and did not finish (from the
   * journal, at most `redeliverHours` old, default 24). Returns how many deliveries it took up.
   */
  async resumeJournal(): Promise<number> {
    const journal = this.#journal;
    if (!journal) return 0;
    const hours = this.#options.redeliverHours > 0 ? this.#options.redeliverHours : 24;
    let entries: Awaited<ReturnType<Journal["open"]>>;
    try {
      entries = await journal.open(this.#options.clock.now(), hours * 3_600_000);
    } catch (error) {
      this.#app.log.warn({ err: error }, `could not read the journal ${journal.path}`);
      return 0;
    }
    for (const entry of entries) this.#handle(entry.installation, entry.delivery, entry.routed);
    if (entries.length > 0)
      this.#app.log.info(
        { deliveries: entries.map((e) => e.delivery) },
        `handling ${entries.length} webhook deliveries accepted before the last stop`,
      );
    return entries.length;
  }

  /** Closes the journal (what is not handled yet stays in it for the next start). */
  async closeJournal(): Promise<void> {
    await this.#journal?.close();
  }

  /** Queues a trigger for an execution; returns at once (the promise settles when it was handled). */
  enqueue(installation: number, ref: ExecutionRef, trigger: Trigger): Promise<void> {
    return this.#push({ installation, ref, trigger });
  }

  async #push(work: Work): Promise<void> {
    const { installation, ref } = work;
    const key = executionKey(ref);
    const repo = `${installation}:${ref.owner}/${ref.repo}`;
    if (!this.#repos.has(repo)) {
      this.#repos.add(repo);
      void this.#discover(installation, ref);
    }
    for (let tries = 0; ; tries++) {
      this.#open.set(key, work);
      work.failed = false;
      await this.queue.push(key, work);
      if (!work.failed || !HANDLED_AGAIN.has(work.trigger.kind)) return;
      if (this.#stopped) {
        this.#dropped.add(key);
        this.#app.log.warn(
          { execution: key, trigger: work.trigger.kind },
          `a ${work.trigger.kind} that failed while stopping was not handled again: ${this.#whereDropped()}`,
        );
        return;
      }
      const wait = RETRY_DELAYS_MS[tries];
      if (wait === undefined) {
        this.#app.log.error(
          { execution: key, trigger: work.trigger.kind },
          `gave up handling a ${work.trigger.kind} after ${tries + 1} tries`,
        );
        return;
      }
      this.#app.log.warn(
        { execution: key, trigger: work.trigger.kind },
        `handling a ${work.trigger.kind} again in ${wait / 1000} s`,
      );
      if (!(await this.#retryAfter(key, work, wait))) return;
    }
  }

  /** Waits `ms` before a trigger is handled again: true when due, false when the stop dropped it. */
  #retryAfter(key: string, work: Work, ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const retry: Retry = {
        key,
        work,
        timer: this.#options.clock.setTimeout(() => {
          this.#retries.delete(retry);
          resolve(true);
        }, ms),
        drop: () => resolve(false),
      };
      this.#retries.add(retry);
    });
  }

  /** What becomes of a trigger the stop drops: kept in the journal, or lost. */
  #whereDropped(): string {
    return this.#journal
      ? `it stays in the journal ${this.#journal.path} for the next start`
      : "it is lost (set ORCHESTRATE_JOURNAL to keep such triggers for the next start)";
  }

  readonly #repos = new Set<string>();

  /**
   * The first time this process hears from a repository, its other executions (started before a
   * restart, say) are found on the state branch and reconciled, so none is left waiting.
   */
  async #discover(installation: number, ref: ExecutionRef): Promise<void> {
    try {
      const { ports } = await this.#for(installation);
      for (const issue of await ports.store.list(ref)) {
        if (issue === ref.issue) continue;
        const other = { owner: ref.owner, repo: ref.repo, issue };
        if (!this.#open.has(executionKey(other))) void this.enqueue(installation, other, { kind: "tick" });
      }
    } catch (error) {
      this.#app.log.warn({ err: error }, "could not list executions");
    }
  }

  /**
   * At start: finds the executions of every repository of every installation (on their state
   * branches) and reconciles them, so a restart leaves no retry, timeout or SLA waiting for a
   * webhook that may never come. Errors are logged; one repository's failure does not stop the rest.
   */
  async discoverAll(): Promise<void> {
    try {
      const app = (await this.#app.auth()) as unknown as GitHubClient;
      const installations = await app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
      for (const installation of installations) {
        const octokit = (await this.#app.auth(installation.id)) as unknown as GitHubClient;
        const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, {
          per_page: 100,
        });
        for (const repo of repos) {
          const ref = { owner: repo.owner.login, repo: repo.name, issue: 0 };
          this.#repos.add(`${installation.id}:${ref.owner}/${ref.repo}`);
          await this.#discover(installation.id, ref);
        }
      }
    } catch (error) {
      this.#app.log.warn({ err: error }, "could not discover executions at start");
    }
  }

  /**
   * Reconciles every execution this process has seen (lost webhooks, due timers); one whose tick
   * still waits in its queue (a slow batch ran through the period) gets no second one.
   */
  tick(): Promise<void[]> {
    return Promise.all(
      [...this.#open]
        .filter(([key]) => !this.queue.waiting(key, isTick))
        .map(([, w]) => this.enqueue(w.installation, w.ref, { kind: "tick" })),
    );
  }

  /**
   * Stops the tick and the triggers waiting to be handled again after a failure (queued work goes
   * on): those are dropped — kept in the journal for the next start when there is one — and
   * named by `dropped`, as are those that fail from now on.
   */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#stopped = true;
    const waiting = [...this.#retries];
    this.#retries.clear();
    for (const retry of waiting) {
      this.#options.clock.clearTimeout(retry.timer);
      this.#dropped.add(retry.key);
      retry.drop();
    }
    if (waiting.length > 0)
      this.#app.log.warn(
        {
          executions: [...new Set(waiting.map((r) => r.key))],
          triggers: waiting.map((r) => r.work.trigger.kind),
        },
        `${waiting.length} triggers waiting to be handled again after a failure were not: ${this.#whereDropped()}`,
      );
  }

  /** Executions whose triggers waiting to be handled again were dropped by the stop. */
  get dropped(): string[] {
    return [...this.#dropped];
  }

  /** Executions with a trigger waiting to be handled again after a failure (outside the queue). */
  get retrying(): string[] {
    return [...new Set([...this.#retries].map((r) => r.key))];
  }

  /** Logs through the app's logger. */
  log(message: string): void {
    this.#app.log.info(message);
  }

  async #run(batch: Work[]): Promise<void> {
    const first = batch[0]!;
    const { orchestrator } = await this.#for(first.installation);
    const state = await orchestrator.handle(
      first.ref,
      batch.map((w) => w.trigger),
    );
    // An ended execution is dropped once its finishing steps on GitHub are done (ticks retry them).
    if (!state || (state.finished_at !== undefined && !orchestrator.finishing(first.ref))) {
      this.#open.delete(executionKey(first.ref));
      orchestrator.forget(first.ref);
    }
  }

  /**
   * Ports and orchestrator of an installation, made once and kept: the installation's Octokit
   * renews its token when it expires, and what the orchestrator remembers (dispatch records not
   * written yet, dashboard and check run ids) stays valid. A failed authentication is tried again
   * on the next use.
   */
  #for(installation: number): Promise<{ ports: GitHubPorts; orchestrator: GitHubOrchestrator }> {
    const cached = this.#installations.get(installation);
    if (cached) return cached;
    const made = (async () => {
      const octokit = (await this.#app.auth(installation)) as unknown as GitHubClient;
      const ports = githubPorts(octokit);
      const orchestrator = new GitHubOrchestrator(ports, {
        clock: this.#options.clock,
        random: this.#options.random,
        workflow: this.#options.workflow,
        commands: this.#commands,
        log: (message, extra) => this.#app.log.info(extra ?? {}, message),
      });
      return { ports, orchestrator };
    })();
    this.#installations.set(installation, made);
    made.catch(() => this.#installations.delete(installation));
    return made;
  }
}
