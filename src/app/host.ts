import type { Probot } from "probot";
import { isTokenRequest, statusOf } from "../github/errors.ts";
import { ExecutionQueue } from "../github/execution-queue.ts";
import { type GitHubClient, githubPorts } from "../github/index.ts";
import { GitHubOrchestrator, type Trigger } from "../github/orchestrator.ts";
import type { ExecutionRef, GitHubPorts } from "../github/ports.ts";
import type { RoutedTrigger } from "../github/webhook-triggers.ts";
import type { Clock, Random } from "../ports/clock.ts";
import { systemClock } from "../ports/clock.ts";
import { handlesEvent, INSTALLATION_BACK_EVENTS, INSTALLATION_GONE_EVENTS } from "./events.ts";
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
  /** The app's id: its check runs are told from other apps' of the same name by it. */
  appId?: number;
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
 * An installation's GitHub ports and orchestrator (their caches) unused for this long, with no
 * execution open and no work for it, are dropped at the next tick (made again when needed).
 */
export const INSTALLATION_IDLE_MS = 60 * 60_000;

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
 * Whether a failure says the installation may be gone for this app: `"token"` when no token was
 * issued for it (the token request refused: 401, 403 or 404 — suspended, uninstalled, or the
 * app's own credentials refused); `"request"` when a request was refused with a 401 (a token
 * revoked when the app is uninstalled — or a passing failure at GitHub); else undefined.
 */
export function installationRefused(error: unknown): "token" | "request" | undefined {
  let e: unknown = error;
  let refused: "request" | undefined;
  for (let depth = 0; typeof e === "object" && e !== null && depth < 5; depth++) {
    const status = statusOf(e);
    if ((status === 401 || status === 403 || status === 404) && isTokenRequest(e)) return "token";
    if (status === 401) refused = "request";
    e = (e as { cause?: unknown }).cause;
  }
  return refused;
}

/**
 * The app's state between webhooks: GitHub ports per installation (their caches make reads
 * cheap), an orchestrator per installation, and one queue per execution so each execution has
 * one writer in this process. Handlers only enqueue; the work runs after the webhook is answered.
 */
export class AppHost {
  readonly label: string;
  readonly #app: Probot;
  readonly #options: Required<Omit<AppOptions, "label" | "appSlug" | "allowBots" | "journalPath" | "appId">>;
  readonly #appId: number | undefined;
  readonly #journal: Journal | undefined;
  readonly #commands: { appSlug?: string; allowBots?: string[] };
  readonly #installations = new Map<
    number,
    Promise<{ ports: GitHubPorts; orchestrator: GitHubOrchestrator }>
  >();
  /** When each installation's ports were last used, and how much work for it is under way. */
  readonly #used = new Map<number, number>();
  readonly #holds = new Map<number, number>();
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
    this.#appId = options.appId;
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
        const refused = installationRefused(error);
        if (refused) void this.#closeRefused(key, batch[0]!.installation, refused);
      },
    );
    // Every app gets these, subscribed or not: an installation removed or suspended is not ticked.
    app.on([...INSTALLATION_GONE_EVENTS], async (context) => {
      const id = (context.payload as { installation?: { id?: number } }).installation?.id;
      if (id !== undefined) this.#installationGone(id, context.payload.action);
    });
    app.on([...INSTALLATION_BACK_EVENTS], async (context) => {
      const payload = context.payload as {
        installation?: { id?: number };
        repositories_added?: { full_name?: string }[];
      };
      const id = payload.installation?.id;
      const added = payload.repositories_added?.flatMap((r) => (r.full_name ? [r.full_name] : []));
      // After the answer: no GitHub call before the webhook is acknowledged.
      if (id !== undefined) void this.#discoverInstallation(id, added);
    });
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
    this.#hold(installation, 1);
    try {
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
    } finally {
      this.#hold(installation, -1);
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

  #hold(installation: number, by: 1 | -1): void {
    const n = (this.#holds.get(installation) ?? 0) + by;
    if (n > 0) this.#holds.set(installation, n);
    else this.#holds.delete(installation);
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
      for (const installation of installations) await this.#discoverInstallation(installation.id);
    } catch (error) {
      this.#app.log.warn({ err: error }, "could not discover executions at start");
    }
  }

  /**
   * Finds and reconciles the executions of an installation's repositories (`only`, as
   * `owner/name`: just those; else every repository it can reach). Errors are logged.
   */
  async #discoverInstallation(installation: number, only?: readonly string[]): Promise<void> {
    try {
      let repos: { owner: string; repo: string }[];
      if (only) {
        repos = only.flatMap((full) => {
          const [owner, repo] = full.split("/");
          return owner && repo ? [{ owner, repo }] : [];
        });
      } else {
        const octokit = (await this.#app.auth(installation)) as unknown as GitHubClient;
        const listed = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, {
          per_page: 100,
        });
        repos = listed.map((r) => ({ owner: r.owner.login, repo: r.name }));
      }
      for (const { owner, repo } of repos) {
        this.#repos.add(`${installation}:${owner}/${repo}`);
        await this.#discover(installation, { owner, repo, issue: 0 });
      }
    } catch (error) {
      this.#app.log.warn(
        { err: error, installation },
        "could not discover the executions of an installation",
      );
    }
  }

  /**
   * Reconciles every execution this process has seen (lost webhooks, due timers); one whose tick
   * still waits in its queue (a slow batch ran through the period) gets no second one. Drops the
   * ports of installations idle for INSTALLATION_IDLE_MS.
   */
  tick(): Promise<void[]> {
    this.#dropIdle();
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

  /** Executions the tick reconciles, as `owner/repo#issue`. */
  get reconciled(): string[] {
    return [...this.#open.keys()];
  }

  /** Installations whose GitHub ports and orchestrator are kept. */
  get installations(): number[] {
    return [...this.#installations.keys()];
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
   * GitHub refused the installation (uninstalled, suspended, credentials refused): the execution
   * is no longer ticked — every tick would fail the same way. Its next webhook takes it up again.
   */
  async #closeRefused(key: string, installation: number, refused: "token" | "request"): Promise<void> {
    // A request's 401 alone may be GitHub failing for a moment: the installation is asked after.
    if (refused === "request" && (await this.#stillInstalled(installation))) {
      this.#app.log.warn(
        { execution: key, installation },
        `GitHub refused a request of installation ${installation} (HTTP 401), which is still installed: ${key} stays reconciled`,
      );
      return;
    }
    const work = this.#open.get(key);
    if (!work) return;
    this.#open.delete(key);
    void this.#installations.get(installation)?.then(({ orchestrator }) => orchestrator.forget(work.ref));
    this.#app.log.warn(
      { execution: key, installation },
      `GitHub refused installation ${installation} (the app uninstalled or suspended, or its credentials refused): ${key} is no longer reconciled until its next webhook`,
    );
  }

  /** Whether GitHub says the app is installed there and not suspended (unsure: yes). */
  async #stillInstalled(installation: number): Promise<boolean> {
    try {
      const app = (await this.#app.auth()) as unknown as GitHubClient;
      const { data } = await app.rest.apps.getInstallation({ installation_id: installation });
      return !data.suspended_at;
    } catch (error) {
      // 404: uninstalled; 401/403: the app's own credentials refused. Anything else says nothing.
      const status = statusOf(error);
      return !(status === 401 || status === 403 || status === 404);
    }
  }

  /** An installation was removed or suspended: its executions are no longer ticked, its ports dropped. */
  #installationGone(installation: number, action: string): void {
    const gone = [...this.#open].filter(([, w]) => w.installation === installation).map(([key]) => key);
    for (const key of gone) this.#open.delete(key);
    this.#installations.delete(installation);
    this.#used.delete(installation);
    // Heard from again (unsuspended), its repositories' executions are looked for again.
    for (const repo of this.#repos) if (repo.startsWith(`${installation}:`)) this.#repos.delete(repo);
    this.#app.log.info(
      { installation, executions: gone },
      `installation ${installation} ${action === "suspend" ? "suspended" : "removed"}: ${gone.length} executions no longer reconciled`,
    );
  }

  /** Drops the ports of installations unused for INSTALLATION_IDLE_MS with nothing open or under way. */
  #dropIdle(): void {
    const now = this.#options.clock.now();
    const busy = new Set([...this.#open.values()].map((w) => w.installation));
    for (const installation of [...this.#installations.keys()]) {
      if (busy.has(installation) || this.#holds.has(installation)) continue;
      if (now - (this.#used.get(installation) ?? now) < INSTALLATION_IDLE_MS) continue;
      this.#installations.delete(installation);
      this.#used.delete(installation);
    }
  }

  /**
   * Ports and orchestrator of an installation, made once and kept while in use: the
   * installation's Octokit renews its token when it expires, and what the orchestrator remembers
   * (dispatch records not written yet, dashboard and check run ids) stays valid. Dropped after
   * INSTALLATION_IDLE_MS without use, none of its executions open (what it remembered of
   * finished ones is looked up again should they go on). A failed authentication is tried again
   * on the next use.
   */
  #for(installation: number): Promise<{ ports: GitHubPorts; orchestrator: GitHubOrchestrator }> {
    this.#used.set(installation, this.#options.clock.now());
    const cached = this.#installations.get(installation);
    if (cached) return cached;
    const made = (async () => {
      const octokit = (await this.#app.auth(installation)) as unknown as GitHubClient;
      const ports = githubPorts(octokit, this.#appId === undefined ? {} : { checks: { appId: this.#appId } });
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
    made.catch(() => {
      if (this.#installations.get(installation) === made) this.#installations.delete(installation);
    });
    return made;
  }
}
