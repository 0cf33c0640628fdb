import { failure, isRateLimited, isUnclear, messageOf, statusOf } from "./errors.ts";
import { NodeIds } from "./node-ids.ts";
import type { GitHubClient } from "./octokit.ts";
import type { ChecksPort, ExecutionRef, PhaseCheck } from "./ports.ts";
import { truncate, truncateBytes } from "./truncate.ts";

/**
 * Limits of the checks API. `title` and `summary` are UTF-8 bytes: GitHub documents the summary's
 * 65,535 as characters but refuses a longer one in bytes ("summary exceeds a maximum bytesize of
 * 65535"); the title's limit is not documented, so it is kept within 255 bytes, which is within
 * 255 characters too. The rest are characters.
 */
export const CHECK_LIMITS = {
  actions: 3,
  label: 20,
  description: 40,
  identifier: 20,
  title: 255,
  summary: 65_535,
} as const;

const PERMISSION = "checks: write" as const;

/** GitHub's answer when the token lacks a permission (not when a run is another app's). */
const NO_PERMISSION = /not accessible by|permission/i;

/** The check run name of a phase. */
export function checkName(phase: string): string {
  return `orchestrate / ${phase}`;
}

/** The check run's `external_id`: `<issue>:<phase>`. */
export function checkExternalId(issue: number, phase: string): string {
  return `${issue}:${phase}`;
}

export interface ChecksOptions {
  /** The clock for `completed_at`. */
  now?: () => Date;
  /** Where the check runs' GraphQL node ids are kept (shared with the status port). */
  ids?: NodeIds;
  /**
   * The id of the app these check runs belong to: the lookup asks only for its runs. Unknown, it
   * is learnt from the first run created; a run of the same name another app made (a workflow's
   * token, say) is told by GitHub refusing its update, and one of ours is created beside it.
   */
  appId?: number;
}

/** The fields of a check run create/update request for `check`. */
export function checkFields(ref: ExecutionRef, check: PhaseCheck, now: Date) {
  const completed = check.status === "completed";
  return {
    name: checkName(check.phase),
    external_id: checkExternalId(ref.issue, check.phase),
    status: check.status,
    ...(completed ? { conclusion: check.conclusion ?? "neutral", completed_at: now.toISOString() } : {}),
    output: {
      title: truncateBytes(check.title, CHECK_LIMITS.title),
      summary: truncateBytes(check.summary, CHECK_LIMITS.summary, "\n\n… _(truncated)_"),
    },
    // Always sent: GitHub keeps a check run's buttons until an update replaces them, so a phase
    // that left its gate (approved, failed, running again) clears Approve/Reject with `[]`.
    actions: (check.actions ?? []).slice(0, CHECK_LIMITS.actions).map((action) => ({
      label: truncate(action.label, CHECK_LIMITS.label),
      description: truncate(action.description, CHECK_LIMITS.description),
      identifier: action.identifier.slice(0, CHECK_LIMITS.identifier),
    })),
  };
}

/**
 * One check run per phase on the working branch head (`orchestrate / <phase>`, external id
 * `<issue>:<phase>`): with a known id it is PATCHed (a 404, or a 403 for a run another app made,
 * falls back to the lookup); otherwise this app's runs of the head sha with that name and
 * external id are listed and the newest reused, or one is created. Creation is sent once, never
 * retried blindly: when its answer is lost (5xx, no answer) the runs are listed again, and one
 * found there is the one it created.
 */
export class Checks implements ChecksPort {
  readonly #client: GitHubClient;
  readonly #now: () => Date;
  readonly #ids: NodeIds;
  #appId: number | undefined;
  /** Runs whose update GitHub refused (403): another app's of the same name, never reused. */
  readonly #foreign = new Set<number>();

  constructor(client: GitHubClient, options: ChecksOptions = {}) {
    this.#client = client;
    this.#now = options.now ?? (() => new Date());
    this.#ids = options.ids ?? new NodeIds();
    this.#appId = options.appId;
  }

  async upsert(
    ref: ExecutionRef,
    headSha: string,
    check: PhaseCheck,
    knownId?: number,
    isNew = false,
  ): Promise<number> {
    const fields = checkFields(ref, check, this.#now());
    const what = `check run ${fields.name} in ${ref.owner}/${ref.repo}`;
    if (knownId !== undefined) {
      const updated = await this.#update(ref, knownId, fields, what);
      if (updated !== undefined) return updated;
    }
    const existing = isNew ? undefined : await this.find(ref, headSha, check.phase);
    if (existing !== undefined) {
      const updated = await this.#update(ref, existing, fields, what);
      if (updated !== undefined) return updated;
    }
    try {
      const { data } = await this.#client.rest.checks.create({
        owner: ref.owner,
        repo: ref.repo,
        head_sha: headSha,
        ...fields,
        request: { retries: 0 },
      });
      this.#appId ??= data.app?.id;
      this.#ids.rememberCheckRun(ref, Number(data.id), data.node_id);
      return Number(data.id);
    } catch (error) {
      const landed = isUnclear(error) ? await this.#landed(ref, headSha, check.phase) : undefined;
      if (landed === undefined) throw failure(`create ${what} on ${headSha}`, error, PERMISSION);
      const updated = await this.#update(ref, landed, fields, what);
      if (updated === undefined) throw failure(`create ${what} on ${headSha}`, error, PERMISSION);
      return updated;
    }
  }

  /**
   * After a creation whose answer was lost: the run it made, if it landed (the newest of the
   * phase's runs; none listed, or the list refused too: undefined).
   */
  async #landed(ref: ExecutionRef, headSha: string, phase: string): Promise<number | undefined> {
    try {
      return await this.find(ref, headSha, phase);
    } catch {
      return undefined;
    }
  }

  /** The newest check run of this execution's phase on `headSha`, if any. */
  async find(ref: ExecutionRef, headSha: string, phase: string): Promise<number | undefined> {
    const externalId = checkExternalId(ref.issue, phase);
    try {
      const runs = await this.#client.paginate(this.#client.rest.checks.listForRef, {
        owner: ref.owner,
        repo: ref.repo,
        ref: headSha,
        check_name: checkName(phase),
        filter: "all",
        ...(this.#appId === undefined ? {} : { app_id: this.#appId }),
        per_page: 100,
      });
      const mine = runs.filter(
        (run) =>
          run.external_id === externalId &&
          !this.#foreign.has(Number(run.id)) &&
          (this.#appId === undefined || !run.app || run.app.id === this.#appId),
      );
      for (const run of mine) this.#ids.rememberCheckRun(ref, Number(run.id), run.node_id);
      return mine.length === 0 ? undefined : Math.max(...mine.map((run) => Number(run.id)));
    } catch (error) {
      throw failure(`list the check runs of ${headSha} in ${ref.owner}/${ref.repo}`, error, PERMISSION);
    }
  }

  async #update(
    ref: ExecutionRef,
    id: number,
    fields: ReturnType<typeof checkFields>,
    what: string,
  ): Promise<number | undefined> {
    try {
      const { data } = await this.#client.rest.checks.update({
        owner: ref.owner,
        repo: ref.repo,
        check_run_id: id,
        ...fields,
      });
      this.#ids.rememberCheckRun(ref, id, data.node_id);
      return id;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      // Another app's run of the same name ("Invalid app_id … can only be modified by the GitHub
      // App that created it"): ours is made beside it. A missing permission is said as it is.
      if (statusOf(error) === 403 && !isRateLimited(error) && !NO_PERMISSION.test(messageOf(error))) {
        this.#foreign.add(id);
        return undefined;
      }
      throw failure(`update ${what} (${id})`, error, PERMISSION);
    }
  }
}
