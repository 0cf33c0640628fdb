import { inert } from "../core/render/markdown.ts";
import { mergeCommit, pullRequestBody, pullRequestTitle } from "../core/render/pull-request.ts";
import { deliveryRound, deliveryStarted } from "../core/state/delivery.ts";
import type { EffectOf, ExecutionState } from "../core/state/index.ts";
import type { NewEvent } from "../ports/engine-ports.ts";
import { mayPass } from "./delivery.ts";
import { summaryCheck } from "./phase-checks.ts";
import { type CiVerdict, type ExecutionRef, type GitHubPorts, type PullNow, workingBranch } from "./ports.ts";
import { taskBranch } from "./result-record.ts";

function base(state: ExecutionState): string {
  return (state.meta.default_branch as string | undefined) ?? "main";
}

/**
 * What ends the ids of events delivery reads from GitHub once a retry resumed it (nothing
 * before): the same head, verdict or refusal read again then is news, not a duplicate.
 */
function round(state: ExecutionState): string {
  const n = deliveryRound(state);
  return n > 0 ? `:r${n}` : "";
}

/**
 * Carries out the delivery step an effect asks for; returns what happened as events (ids derived
 * from the step). An effect asks once per step (the tick's tries of a step that failed go through
 * `runStep`): GitHub refusing the step for good is said here, once.
 */
export async function deliverStep(
  ports: GitHubPorts,
  ref: ExecutionRef,
  state: ExecutionState,
  effect: EffectOf<"deliver">,
): Promise<NewEvent[]> {
  try {
    return await runStep(ports, ref, state, effect);
  } catch (error) {
    const notice = stepRefusal(effect, error);
    // A notice GitHub refuses too is not worth more than the step's own failure, thrown below.
    if (notice !== undefined) await ports.comments.reply(ref, notice).catch(() => undefined);
    throw error;
  }
}

/** Carries out one delivery step; returns what happened as events (ids derived from the step). */
async function runStep(
  ports: GitHubPorts,
  ref: ExecutionRef,
  state: ExecutionState,
  effect: EffectOf<"deliver">,
): Promise<NewEvent[]> {
  const spec = state.delivery_spec!;
  const d = state.delivery;
  switch (effect.step) {
    case "open_pr": {
      // After a revision: a person may have merged the pull request meanwhile (its webhook not yet
      // handled); a new one must not be opened in its place.
      if (d?.pr !== undefined) {
        const merged = mergedEvents(await ports.delivery.merged(ref, d.pr));
        if (merged.length > 0) return merged;
      }
      const pull = await ports.delivery.ensurePull(ref, {
        head: workingBranch(ref.issue),
        base: base(state),
        title: pullRequestTitle(state),
        body: pullRequestBody(state, ref.issue),
        draft: spec.pr === "draft",
      });
      if (pull.draft && spec.pr === "ready") await ports.delivery.markReady(ref, pull.nodeId);
      // The pull request's head as the branch has it now (the pulls API may lag behind a merge
      // that just landed); the revision count keeps each opening distinct.
      const sha = (await ports.branches.head(ref, workingBranch(ref.issue))) ?? pull.sha;
      await showSummary(ports, ref, state, sha);
      const opened: NewEvent = {
        id: `pr:${pull.number}:${sha}:${d?.revisions ?? 0}${round(state)}`,
        type: "pr_opened",
        number: pull.number,
        sha,
      };
      // Checks that already finished on this head count at once.
      const verdict = await ports.delivery.ci(ref, sha, base(state));
      return verdict.state === "pending" ? [opened] : [opened, checksEvent(sha, verdict, state)];
    }
    case "merge": {
      // A pull request a person closed without merging is not replaced by a new one: delivery
      // waits for it to be reopened (said once per head), or for a cancel.
      if (d?.pr !== undefined) {
        const ended = endedEvents(state, await ports.delivery.merged(ref, d.pr));
        if (ended.length > 0) return ended;
      }
      try {
        return await mergeStep(ports, ref, state);
      } catch (error) {
        // GitHub refusing the merge itself (a missing permission, a repository rule) refuses it
        // again at each tick, which tries again: said once per head, then only logged.
        const id = `not-mergeable:${d!.sha}:refused${round(state)}`;
        if (mayPass(error) || state.applied[id]) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        return [{ id, type: "pr_not_mergeable", reason, conflict: false }];
      }
    }
    case "deploy": {
      const environment = effect.environment!;
      const last = spec.environments.at(-1) === environment;
      const id = await ports.delivery.deploy(ref, {
        sha: d!.merged_sha ?? d!.sha!,
        environment,
        production: last,
        started: deliveryStarted(state),
      });
      return [
        { id: `deployment:${environment}:${id}`, type: "deployment_created", environment, deployment: id },
      ];
    }
  }
}

/**
 * What the issue is told when GitHub refuses a delivery step for good (a missing permission, a
 * repository setting), undefined for a failure that may pass by itself (the tick tries the step
 * again until it goes through, either way).
 */
function stepRefusal(effect: EffectOf<"deliver">, error: unknown): string | undefined {
  // The merge's refusals are said by the merge step itself, once per head (`pr_not_mergeable`).
  if (effect.step === "merge" || mayPass(error)) return undefined;
  const what = effect.step === "open_pr" ? "open the pull request" : `deploy to ${effect.environment}`;
  const why = inert(error instanceof Error ? error.message : String(error));
  return `Delivery could not ${what}: ${why} Orchestrate tries again at each tick, so delivery goes on once this is fixed; or comment \`/orchestrate cancel\` to stop.`;
}

/**
 * Merges the pull request: with GitHub auto-merge where the repository allows it (GitHub merges,
 * through a merge queue if any; the merge arrives as a pull_request.closed webhook, or the
 * reconcile reads it), else directly.
 */
async function mergeStep(ports: GitHubPorts, ref: ExecutionRef, state: ExecutionState): Promise<NewEvent[]> {
  const spec = state.delivery_spec!;
  const d = state.delivery!;
  const pull = await ports.delivery.ensurePull(ref, {
    head: workingBranch(ref.issue),
    base: base(state),
    title: pullRequestTitle(state),
    body: pullRequestBody(state, ref.issue),
    draft: false,
  });
  // Recorded, so that the tick watches auto-merge instead of enabling it again; the state's
  // sequence number keeps each enabling distinct (a closed pull request reopened enables it anew).
  // The merge commit says what it is, not what the pull request's title or the agents' commits say.
  const commit = mergeCommit(state, ref.issue, pull.number);
  if (await ports.delivery.autoMerge(ref, pull.nodeId, spec.merge_method, commit))
    return [{ id: `auto-merge:${d.sha}:${state.seq}`, type: "auto_merge_enabled", sha: d.sha! }];
  const merged = await ports.delivery.merge(ref, d.pr!, d.sha!, spec.merge_method, commit);
  if (merged.merged) return [{ id: `merged:${merged.sha}`, type: "pr_merged", sha: merged.sha }];
  return [
    {
      id: `not-mergeable:${d.sha}:${merged.moved ? "moved" : merged.conflict}${round(state)}`,
      type: "pr_not_mergeable",
      reason: merged.reason,
      conflict: merged.conflict,
      ...(merged.moved ? { moved: true } : {}),
    },
  ];
}

/**
 * Puts the execution's summary check run on the pull request's head (found by name and head
 * first, so opening again adds none). A view: when GitHub refuses it, delivery goes on.
 */
async function showSummary(ports: GitHubPorts, ref: ExecutionRef, state: ExecutionState, sha: string) {
  try {
    await ports.checks.upsert(ref, sha, summaryCheck(state));
  } catch {
    // Nothing depends on it; the next opening (a new head) tries again.
  }
}

/** The CI verdict on the pull request's head as an event. */
function checksEvent(
  sha: string,
  verdict: { state: "success" | "failure" | "pending"; failing: { name: string; summary: string }[] },
  state: ExecutionState,
): NewEvent {
  return {
    id: `checks:${sha}:${verdict.state}:${verdict.failing.map((f) => f.name).join(",")}${round(state)}`,
    type: "checks_completed",
    sha,
    conclusion: verdict.state === "failure" ? "failure" : "success",
    failing: verdict.failing,
  };
}

/** How long a pull request head with no check at all waits before it counts as passing. */
export const NO_CHECKS_GRACE_MS = 10 * 60_000;

/**
 * How long a head waits for required checks that never reported at all, or a deployment for its
 * first status, before the issue is told (once): by then nothing is going to start them by itself.
 */
export const OVERDUE_MS = 30 * 60_000;

/**
 * What delivery missed while no one was listening, read back on a tick: a step that never ran or
 * failed half-way (open the pull request, merge, deploy) runs again (each is safe to repeat), a
 * merge or a deployment status no webhook reported is read, and CI that settled is counted.
 */
export async function reconcileDelivery(
  ports: GitHubPorts,
  ref: ExecutionRef,
  state: ExecutionState,
  now: number,
): Promise<NewEvent[]> {
  // While a phase runs again for red CI, a person may merge the pull request: that merge counts.
  if (state.delivery?.status === "revising") return mergeEvents(ports, ref, state);
  const d = state.status === "delivering" ? state.delivery : undefined;
  if (!d) return [];
  switch (d.status) {
    case "opening_pr":
      return runStep(ports, ref, state, { type: "deliver", step: "open_pr" });
    case "awaiting_checks":
    case "conflict": {
      // In conflict a person may have resolved it and merged: the pull request says.
      if (d.status === "conflict") {
        const merged = await mergeEvents(ports, ref, state);
        if (merged.length > 0) return merged;
      }
      // A head with no check at all passes only once CI had time to register its checks: right
      // after the pull request opened, "none yet" is not "none".
      const waited = now - (d.since ?? 0);
      const read = await readCi(ports, ref, state, undefined, true, waited >= NO_CHECKS_GRACE_MS);
      if (!read) return [];
      const { head, verdict } = read;
      if (verdict.state !== "pending") return [checksEvent(head, verdict, state)];
      // Required checks that never reported (no workflow runs them on the pull request, a name that
      // does not match), or checks whose jobs no runner took: said once per head.
      const { missing, queued } = verdict;
      if (d.status !== "awaiting_checks" || waited < OVERDUE_MS) return [];
      if (missing.length === 0 && queued.length === 0) return [];
      return [
        {
          id: `checks-missing:${head}${round(state)}`,
          type: "checks_missing",
          sha: head,
          checks: missing,
          ...(queued.length > 0 ? { queued } : {}),
        },
      ];
    }
    case "merging": {
      if (d.auto_merge !== undefined && d.pr !== undefined) return autoMergeEvents(ports, ref, state, d.pr);
      const merged = await mergeEvents(ports, ref, state);
      return merged.length > 0 ? merged : runStep(ports, ref, state, { type: "deliver", step: "merge" });
    }
    case "awaiting_merge":
      return mergeEvents(ports, ref, state);
    case "deploying": {
      const environment = state.delivery_spec!.environments[d.environment ?? 0]!;
      const deployment = d.deployments[environment];
      if (deployment?.id === undefined)
        return runStep(ports, ref, state, { type: "deliver", step: "deploy", environment });
      const latest = await ports.delivery.deploymentState(ref, deployment.id);
      if (!latest) {
        // No status at all long after it was created: nothing acts on it. Said once.
        if (deployment.at === undefined || now - deployment.at < OVERDUE_MS) return [];
        const id = deployment.id;
        return [{ id: `deployment-silent:${id}`, type: "deployment_silent", environment, deployment: id }];
      }
      if (latest.state === deployment.state) return [];
      return [
        {
          id: `deployment-status:${deployment.id}:${latest.state}`,
          type: "deployment_status",
          environment,
          deployment: deployment.id,
          state: latest.state as "success",
          ...(latest.description ? { description: latest.description } : {}),
        },
      ];
    }
    default:
      return [];
  }
}

/**
 * While GitHub auto-merge waits, the tick reads the pull request: its merge or close; CI of a head
 * pushed since its checks passed (red goes back as red CI does before the merge); and auto-merge
 * turned off on GitHub, said once and not fought — it is not turned on again.
 */
async function autoMergeEvents(
  ports: GitHubPorts,
  ref: ExecutionRef,
  state: ExecutionState,
  pr: number,
): Promise<NewEvent[]> {
  const d = state.delivery!;
  const pull = await ports.delivery.merged(ref, pr);
  const ended = endedEvents(state, pull);
  if (ended.length > 0) return ended;
  if (pull.head !== undefined && pull.head !== d.sha) {
    const ci = await ciEvents(ports, ref, state);
    if (ci.length > 0) return ci;
  }
  if (d.auto_merge !== "on" || pull.autoMerge !== false) return [];
  // REST reads no auto-merge for a pull request in a merge queue too: GraphQL tells them apart.
  if (pull.nodeId !== undefined && (await ports.delivery.autoMergeWaits(ref, pull.nodeId))) return [];
  return [{ id: `auto-merge-off:${d.sha}${round(state)}`, type: "auto_merge_disabled", sha: d.sha! }];
}

/** The pull request's merge as an event, when GitHub says it merged (auto-merge, a person), whatever the webhooks said. */
function mergedEvents(pull: PullNow): NewEvent[] {
  return pull.merged && pull.sha ? [{ id: `merged:${pull.sha}`, type: "pr_merged", sha: pull.sha }] : [];
}

/** The pull request merged, or closed without merging (said once per head), as an event. */
function endedEvents(state: ExecutionState, pull: PullNow): NewEvent[] {
  if (!pull.closed) return mergedEvents(pull);
  const d = state.delivery!;
  return [
    {
      // Once per head and auto-merge round: closed again after a reopen is said again.
      id: `not-mergeable:${d.sha}:closed${d.auto_merge_rounds ? `:${d.auto_merge_rounds}` : ""}${round(state)}`,
      type: "pr_not_mergeable",
      reason: "it was closed without merging; reopen it to deliver, or comment `/orchestrate cancel`",
      conflict: false,
    },
  ];
}

/** A merge GitHub did on its own (auto-merge, a person) that no webhook told us about. */
export async function mergeEvents(
  ports: GitHubPorts,
  ref: ExecutionRef,
  state: ExecutionState | undefined,
): Promise<NewEvent[]> {
  const d = state?.finished_at === undefined ? state?.delivery : undefined;
  const waits =
    state?.status === "delivering" && ["merging", "awaiting_merge", "conflict"].includes(d?.status ?? "");
  // A phase running again for red CI: a person may merge the pull request meanwhile.
  if (!d?.pr || !(waits || d.status === "revising")) return [];
  return mergedEvents(await ports.delivery.merged(ref, d.pr));
}

/** Opens the working branch's pull request as a draft when a gate waits, so reviews can approve. */
export async function draftForGate(
  ports: GitHubPorts,
  ref: ExecutionRef,
  state: ExecutionState,
): Promise<void> {
  await ports.delivery.ensurePull(ref, {
    head: workingBranch(ref.issue),
    base: base(state),
    title: pullRequestTitle(state),
    body: pullRequestBody(state, ref.issue),
    draft: true,
  });
}

/**
 * Reads CI of the pull request's head when delivery waits for it (`sha`: the commit a webhook
 * says CI changed on, when known); an event when it settled.
 */
export async function ciEvents(
  ports: GitHubPorts,
  ref: ExecutionRef,
  state: ExecutionState | undefined,
  sha?: string,
): Promise<NewEvent[]> {
  const read = await readCi(ports, ref, state, sha, false, false);
  if (!read || read.verdict.state === "pending") return [];
  // Red on a head pushed while auto-merge waits: auto-merge goes off before it is reported, so the
  // revision's work cannot merge half-done, nor a failed execution's at all.
  const d = state!.delivery!;
  if (d.status === "merging" && read.verdict.state === "failure" && d.pr !== undefined)
    await ports.delivery.disableAutoMerge(ref, d.pr);
  return [checksEvent(read.head, read.verdict, state!)];
}

/**
 * The CI verdict on the head delivery waits for; undefined when there is none to read. `settled`:
 * read by the reconcile (not a webhook); `noChecksPass`: a head with no check at all counts as
 * passing (else it waits for checks to appear).
 */
async function readCi(
  ports: GitHubPorts,
  ref: ExecutionRef,
  state: ExecutionState | undefined,
  sha: string | undefined,
  settled: boolean,
  noChecksPass: boolean,
): Promise<{ head: string; verdict: CiVerdict } | undefined> {
  const d = state?.status === "delivering" ? state.delivery : undefined;
  if (!d || !READS_CI.has(d.status) || !d.sha) return undefined;
  // In conflict or while the merge waits, a new head (the branch was updated, pushed to) is read
  // from the branch, not taken from a webhook.
  const head =
    d.status === "awaiting_checks"
      ? d.sha
      : ((await ports.branches.head(ref, workingBranch(ref.issue))) ?? d.sha);
  if (sha !== undefined && sha !== head) return undefined;
  // While the merge waits, only a head pushed since the checks passed is read.
  if (d.status === "merging" && head === d.sha) return undefined;
  // The summary check on the head CI is read for — branch protection may require it: again on the
  // reconcile (its first write may have failed), and on a head pushed to resolve a conflict.
  if (settled || head !== d.sha) await showSummary(ports, ref, state!, head);
  return { head, verdict: await ports.delivery.ci(ref, head, base(state!), noChecksPass) };
}

/** Where delivery reads CI: waiting for it, in conflict (a new head), merging (a head pushed since). */
const READS_CI = new Set(["awaiting_checks", "conflict", "merging"]);

/**
 * When an execution ends: a pull request set to merge by itself is stopped first (it must not
 * merge after the execution stopped), then running jobs are cancelled, the summary check shows
 * the end, the issue closes (succeeded) and task branches are deleted. Each step runs whatever
 * the others did; every step is safe to run again, so the caller may repeat the whole on a
 * failure, which names the steps that failed.
 */
export async function finishExecution(
  ports: GitHubPorts,
  ref: ExecutionRef,
  state: ExecutionState,
): Promise<void> {
  const failed: string[] = [];
  const step = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      failed.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if (state.status === "cancelled" || state.status === "failed") {
    const pr = state.delivery?.pr;
    if (pr !== undefined) await step("turn off auto-merge", () => ports.delivery.disableAutoMerge(ref, pr));
    await step("cancel running jobs", () => ports.delivery.cancelRuns(ref, workingBranch(ref.issue)));
    // Nor show all phases green on its head (a view: its failure is not worth a retry).
    const sha = state.delivery?.sha;
    if (sha !== undefined) await showSummary(ports, ref, state, sha);
  }
  if (state.status === "succeeded" && state.delivery_spec)
    await step("close the issue", () => ports.delivery.closeIssue(ref));
  if (state.delivery_spec?.delete_branches ?? false) {
    for (const id of Object.keys(state.tasks)) {
      const branch = taskBranch(ref.issue, id);
      if (state.tasks[id]!.attempt > 0)
        await step(`delete ${branch}`, () => ports.delivery.deleteBranch(ref, branch));
    }
  }
  if (failed.length > 0) throw new Error(failed.join("; "));
}
