import { inert } from "../render/markdown.ts";
import { stripHidden } from "../request/sanitize.ts";
import type { Ctx } from "./context.ts";
import {
  BUDGET_HINT,
  clearTaskTimers,
  clearTimer,
  dependentsOf,
  markChanged,
  promote,
  setTask,
  startTimer,
} from "./context.ts";
import type { EventOf } from "./events.ts";
import { own } from "./own.ts";
import { DEFAULT_EXECUTION_TIMEOUT_MS } from "./start.ts";
import { type DeliveryState, type ExecutionState, IN_FLIGHT } from "./types.ts";

type Handler<
  T extends
    | "pr_opened"
    | "checks_completed"
    | "pr_merged"
    | "pr_not_mergeable"
    | "auto_merge_enabled"
    | "auto_merge_disabled"
    | "checks_missing"
    | "deployment_silent"
    | "deployment_created"
    | "deployment_status",
> = (ctx: Ctx, event: EventOf<T>) => string | undefined;

function delivery(ctx: Ctx): DeliveryState | undefined {
  return ctx.s.status === "delivering" ? ctx.s.delivery : undefined;
}

/** Whole minutes from `since` to the event's time, for a notice. */
function minutesSince(ctx: Ctx, since: number | undefined): number {
  return Math.floor((ctx.at - (since ?? ctx.at)) / 60_000);
}

function setDelivery(ctx: Ctx, patch: Partial<DeliveryState>): void {
  ctx.s.delivery = { ...ctx.s.delivery!, ...patch };
  markChanged(ctx, "");
}

/**
 * The pull request merged while a revision ran: its unfinished tasks are skipped (in-flight ones
 * cancelled), gates it opened close, and delivery goes on from the merge.
 */
function dropRevision(ctx: Ctx, why: string): void {
  const { s } = ctx;
  const running: { id: string; attempt: number }[] = [];
  for (const id of Object.keys(s.tasks)) {
    const t = s.tasks[id]!;
    // Delivery started with every task succeeded (or skipped): anything else is the revision's.
    if (t.status === "succeeded" || t.status === "skipped") continue;
    if (IN_FLIGHT.has(t.status)) running.push({ id, attempt: t.attempt });
    clearTaskTimers(ctx, id);
    setTask(ctx, id, "skipped", {
      reason: why,
      skip_cause: "person",
      retry_at: undefined,
      finished_at: ctx.at,
    });
  }
  if (running.length > 0) ctx.effects.push({ type: "cancel", tasks: running, reason: why });
  for (const [phase, p] of Object.entries(s.phase_state)) {
    if (p.gate?.status !== "open") continue;
    s.phase_state[phase] = { ...p, gate: { ...p.gate, status: "closed" } };
    for (const id of Object.keys(s.timers)) if (id.startsWith(`gate_sla:${phase}:`)) clearTimer(ctx, id);
    markChanged(ctx, phase);
  }
  // A stop (a budget reached) during the revision concerned its work, which the merge dropped.
  s.halt = undefined;
  s.status = "delivering";
}

/**
 * Called when every task succeeded: starts delivery (or goes on with it after a revision) when the
 * execution has delivery settings. Returns false when there is nothing (more) to deliver.
 */
export function continueDelivery(ctx: Ctx): boolean {
  const { s } = ctx;
  if (!s.delivery_spec || s.delivery?.status === "done") return false;
  if (s.delivery && s.delivery.status !== "revising") {
    s.status = "delivering";
    return true;
  }
  s.delivery = { revisions: 0, deployments: {}, ...s.delivery, status: "opening_pr" };
  s.status = "delivering";
  markChanged(ctx, "");
  ctx.effects.push({ type: "deliver", step: "open_pr" });
  return true;
}

/** Merged (or nothing to merge): deploy to the first environment, or finish. */
function afterMerge(ctx: Ctx, sha: string | undefined): void {
  const envs = ctx.s.delivery_spec!.environments;
  if (envs.length === 0) {
    setDelivery(ctx, { status: "done", ...(sha ? { merged_sha: sha } : {}) });
    return;
  }
  setDelivery(ctx, { status: "deploying", environment: 0, ...(sha ? { merged_sha: sha } : {}) });
  ctx.effects.push({ type: "deliver", step: "deploy", environment: envs[0]! });
}

/** Red CI: the revise phase and everything after it run again with the failing checks as feedback. */
function revise(ctx: Ctx, failing: { name: string; summary: string }[]): void {
  const { s } = ctx;
  const spec = s.delivery_spec!;
  const names = failing.map((f) => f.name).join(", ") || "required checks";
  const revisions = s.delivery!.revisions + 1;
  const phase = spec.revise_phase ? s.phases.find((p) => p.id === spec.revise_phase) : undefined;
  if (!phase || revisions > spec.max_revisions) {
    setDelivery(ctx, { failing, revisions });
    s.status = "failed";
    s.reason = phase
      ? `CI failed (${names}) after ${spec.max_revisions} revision(s)`
      : `CI failed (${names}) and no phase is set to revise (delivery.revise_phase)`;
    return;
  }
  // Check names and summaries are CI's text: hidden characters do not reach the agents.
  const feedback = stripHidden(
    [
      `The pull request's checks failed: ${names}.`,
      ...failing.map((f) => `- ${f.name}: ${f.summary}`.trimEnd()),
    ].join("\n"),
  );
  // Auto-merge was turned off before red CI on a moved head was reported: enabled anew once CI passes.
  setDelivery(ctx, { status: "revising", failing, revisions, auto_merge: undefined });
  s.audit.push({ at: ctx.at, by: "orchestrate", what: `CI failed (${names}): ${phase.id} runs again` });
  // The phase's tasks and everything downstream of them run again.
  const again = new Set<string>();
  const queue = [...phase.tasks];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (again.has(id)) continue;
    again.add(id);
    queue.push(...dependentsOf(s, id));
  }
  for (const id of again) {
    const t = s.tasks[id]!;
    // What a person skipped stays skipped.
    if (t.status !== "succeeded" && !(t.status === "skipped" && t.skip_cause !== "person")) continue;
    setTask(ctx, id, "pending", {
      revision: t.revision + 1,
      failures: 0,
      reason: undefined,
      ...(phase.tasks.includes(id) ? { feedback } : {}),
    });
  }
  s.status = "running";
  for (const id of again) promote(ctx, id);
}

/**
 * Checks of a head pushed while the merge waits (GitHub auto-merge, or a merge refused for now):
 * red goes back as red CI does before the merge; green makes it the head whose checks passed.
 */
function movedHeadChecks(ctx: Ctx, d: DeliveryState, e: EventOf<"checks_completed">): string | undefined {
  if (e.sha === d.sha) return `the checks of ${e.sha.slice(0, 7)} passed already`;
  if (e.conclusion === "failure") revise(ctx, e.failing);
  else setDelivery(ctx, { sha: e.sha, failing: [] });
  return undefined;
}

export const deliveryHandlers: {
  pr_opened: Handler<"pr_opened">;
  checks_completed: Handler<"checks_completed">;
  pr_merged: Handler<"pr_merged">;
  pr_not_mergeable: Handler<"pr_not_mergeable">;
  auto_merge_enabled: Handler<"auto_merge_enabled">;
  auto_merge_disabled: Handler<"auto_merge_disabled">;
  checks_missing: Handler<"checks_missing">;
  deployment_silent: Handler<"deployment_silent">;
  deployment_created: Handler<"deployment_created">;
  deployment_status: Handler<"deployment_status">;
} = {
  pr_opened(ctx, e) {
    const d = delivery(ctx);
    if (!d) return "the execution is not delivering";
    setDelivery(ctx, { status: "awaiting_checks", pr: e.number, sha: e.sha, since: e.at });
    return undefined;
  },

  checks_completed(ctx, e) {
    const d = delivery(ctx);
    if (d?.status === "merging") return movedHeadChecks(ctx, d, e);
    if (!d || (d.status !== "awaiting_checks" && d.status !== "conflict"))
      return "no pull request is waiting for its checks";
    if (d.sha !== e.sha && d.status !== "conflict")
      return `checks of ${e.sha.slice(0, 7)} do not count: the pull request is at ${d.sha?.slice(0, 7)}`;
    if (e.conclusion === "failure") {
      revise(ctx, e.failing);
      return undefined;
    }
    setDelivery(ctx, { sha: e.sha, failing: [] });
    const spec = ctx.s.delivery_spec!;
    if (spec.merge === "auto") {
      setDelivery(ctx, { status: "merging" });
      ctx.effects.push({ type: "deliver", step: "merge" });
    } else if (spec.merge === "manual") {
      setDelivery(ctx, { status: "awaiting_merge" });
      ctx.effects.push({
        type: "notify",
        level: "info",
        message: `checks passed on #${d.pr}: it is ready to merge`,
        mention: [],
      });
    } else afterMerge(ctx, undefined);
    return undefined;
  },

  pr_merged(ctx, e) {
    // A person may merge at any point once the pull request is open: while its checks run, while
    // it waits for a merge, after updating it to resolve a conflict, or while a phase runs again
    // for red CI (the merge decides: that revision is dropped).
    const revising = ctx.s.delivery?.status === "revising" && ctx.s.finished_at === undefined;
    const d = revising ? ctx.s.delivery : delivery(ctx);
    if (
      !d ||
      (!revising &&
        d.status !== "merging" &&
        d.status !== "awaiting_merge" &&
        d.status !== "awaiting_checks" &&
        d.status !== "conflict" &&
        // The revision ended and the pull request is being updated: it merged meanwhile.
        !(d.status === "opening_pr" && d.pr !== undefined))
    ) {
      return "no pull request is waiting to be merged";
    }
    if (e.number !== undefined && d.pr !== undefined && e.number !== d.pr)
      return `#${e.number} is not this execution's pull request (#${d.pr})`;
    ctx.s.audit.push({
      at: ctx.at,
      by: e.by ?? "orchestrate",
      what: `merged #${d.pr} at ${e.sha.slice(0, 7)}`,
    });
    if (revising) dropRevision(ctx, `#${d.pr} was merged by ${e.by ?? "someone"} before this revision ended`);
    afterMerge(ctx, e.sha);
    return undefined;
  },

  pr_not_mergeable(ctx, e) {
    const d = delivery(ctx);
    if (!d || d.status !== "merging") return "no merge is under way";
    // The merge step runs again (a closed pull request reopened): auto-merge is enabled anew.
    if (d.auto_merge !== undefined) setDelivery(ctx, { auto_merge: undefined });
    if (e.moved) {
      // Waits as after a conflict: the branch's new head is read, and its checks count.
      setDelivery(ctx, { status: "conflict" });
      ctx.effects.push({
        type: "notify",
        level: "info",
        message: `#${d.pr} was not merged: its head moved since its checks passed (${e.reason}). Its checks are read again for the new head.`,
        mention: [],
      });
      return undefined;
    }
    if (e.conflict) {
      setDelivery(ctx, { status: "conflict" });
      ctx.effects.push({
        type: "notify",
        level: "error",
        message: `#${d.pr} has a merge conflict with its base: ${e.reason}. Update the branch; delivery goes on when its checks pass again.`,
        mention: [],
      });
      return undefined;
    }
    // Not mergeable yet (a merge queue eviction, checks still settling): wait, the next reconcile tries again.
    ctx.effects.push({
      type: "notify",
      level: "info",
      message: `#${d.pr} cannot be merged yet: ${e.reason}`,
      mention: [],
    });
    return undefined;
  },

  auto_merge_enabled(ctx) {
    const d = delivery(ctx);
    if (d?.status !== "merging") return "no merge is under way";
    setDelivery(ctx, { auto_merge: "on", auto_merge_rounds: (d.auto_merge_rounds ?? 0) + 1 });
    return undefined;
  },

  auto_merge_disabled(ctx, e) {
    const d = delivery(ctx);
    if (d?.status !== "merging" || d.auto_merge !== "on") return "auto-merge is not on";
    if (e.sha !== d.sha) return `auto-merge was enabled for ${d.sha?.slice(0, 7)}, not ${e.sha.slice(0, 7)}`;
    // Turned off by a person or by GitHub (a merge queue removing the pull request): a decision
    // Orchestrate does not override by turning it on again; it says so once and waits for the merge.
    setDelivery(ctx, { auto_merge: "off" });
    ctx.effects.push({
      type: "notify",
      level: "warning",
      message: `Auto-merge of #${d.pr} was turned off on GitHub (by someone, or by a merge queue that removed the pull request), so it will not merge by itself. Orchestrate does not turn it on again: when #${d.pr} is ready, merge it or turn its auto-merge back on, and delivery goes on once it merges; or comment \`/orchestrate cancel\` to stop.`,
      mention: [],
    });
    return undefined;
  },

  // Delivery keeps waiting (the execution's time limit still bounds it): a check or a status may
  // yet come once a person fixes what keeps it away; the notice says what that usually is.
  checks_missing(ctx, e) {
    const d = delivery(ctx);
    if (d?.status !== "awaiting_checks" || d.sha !== e.sha)
      return `${e.sha.slice(0, 7)} is not the head waiting for its checks`;
    const queued = e.queued ?? [];
    if (e.checks.length === 0 && queued.length === 0) return "no check is missing or queued";
    const names = (list: string[]) => list.map((name) => `"${inert(name)}"`).join(", ");
    const head = e.sha.slice(0, 7);
    const minutes = minutesSince(ctx, d.since);
    const said: string[] = [];
    if (e.checks.length > 0)
      said.push(
        `#${d.pr} still waits for required checks that have not reported at all on ${head} after ${minutes} minutes: ${names(e.checks)}. Check that a workflow runs them on this pull request (the runs of a pull request opened or pushed with \`GITHUB_TOKEN\` wait for someone with write access to approve them) and that their names match the branch protection's required checks.`,
      );
    if (queued.length > 0)
      said.push(
        `${e.checks.length > 0 ? "Checks" : `#${d.pr} still waits: checks`} on ${head} are still queued after ${minutes} minutes: ${names(queued)}. No runner took their jobs: check that a runner with the labels their jobs ask for is online (self-hosted or larger runners) and that the account's Actions minutes or spending limit are not used up.`,
      );
    ctx.effects.push({
      type: "notify",
      level: "warning",
      message: `${said.join(" ")} Delivery goes on once they pass, or comment \`/orchestrate cancel\`.`,
      mention: [],
    });
    return undefined;
  },

  deployment_silent(ctx, e) {
    const d = delivery(ctx);
    const current = d?.status === "deploying" ? own(d.deployments, e.environment) : undefined;
    if (current?.id !== e.deployment || current.state !== "created")
      return `deployment ${e.deployment} is not waiting for its first status`;
    ctx.effects.push({
      type: "notify",
      level: "warning",
      message: `Deployment ${e.deployment} to ${e.environment} has had no status after ${minutesSince(ctx, current.at)} minutes: nothing seems to act on it. A workflow \`on: deployment\` (or your deployment tool) should deploy it and report a deployment status (\`success\` or \`failure\`); delivery goes on once it reports, or comment \`/orchestrate cancel\`.`,
      mention: [],
    });
    return undefined;
  },

  deployment_created(ctx, e) {
    const d = delivery(ctx);
    if (!d || d.status !== "deploying") return "no deployment is under way";
    const current = ctx.s.delivery_spec!.environments[d.environment ?? 0];
    if (e.environment !== current) return `the deployment under way is to ${current}, not ${e.environment}`;
    if (own(d.deployments, e.environment)?.id === e.deployment)
      return `deployment ${e.deployment} is recorded already`;
    setDelivery(ctx, {
      deployments: {
        ...d.deployments,
        [e.environment]: { id: e.deployment, state: "created", at: ctx.at },
      },
    });
    return undefined;
  },

  deployment_status(ctx, e) {
    const d = delivery(ctx);
    const envs = ctx.s.delivery_spec?.environments ?? [];
    if (!d || d.status !== "deploying" || envs[d.environment ?? -1] !== e.environment) {
      return `no deployment to ${e.environment} is under way`;
    }
    const current = own(d.deployments, e.environment)?.id;
    if (e.deployment !== undefined && e.deployment !== current)
      return `deployment ${e.deployment} is not the one under way to ${e.environment} (${current ?? "none yet"})`;
    setDelivery(ctx, {
      deployments: {
        ...d.deployments,
        [e.environment]: { ...own(d.deployments, e.environment), state: e.state },
      },
    });
    if (e.state === "failure" || e.state === "error") {
      ctx.s.status = "failed";
      ctx.s.reason = `deployment to ${e.environment} failed${e.description ? `: ${e.description}` : ""}`;
      return undefined;
    }
    if (e.state !== "success") return undefined;
    const next = (d.environment ?? 0) + 1;
    if (next >= envs.length) {
      setDelivery(ctx, { status: "done" });
      return undefined;
    }
    setDelivery(ctx, { environment: next });
    ctx.effects.push({ type: "deliver", step: "deploy", environment: envs[next]! });
    return undefined;
  },
};

/** What `/orchestrate retry delivery` names, when no task or phase of the execution is called so. */
export const DELIVERY_TARGET = "delivery";

/** How the audit trail starts an entry for a retry that resumed delivery. */
const RESUMED = "resumed delivery";

/** Statuses of a deployment that will not succeed: a retry deploys again. */
const DEPLOYMENT_ENDED = new Set(["failure", "error", "inactive"]);

/**
 * How many times a retry resumed this execution's delivery (0 before any). What delivery reads
 * from GitHub is keyed by it: the same head, verdict or refusal read again after a resume counts
 * anew, where before it would be a duplicate of what the stopped delivery read.
 */
export function deliveryRound(s: ExecutionState): number {
  let rounds = 0;
  for (const a of s.audit) if (a.what.startsWith(RESUMED)) rounds++;
  return rounds;
}

/**
 * When this round of delivery started: the execution's start, or the last retry that resumed
 * delivery. Deployments carry it in their mark, so a resumed delivery deploys anew rather than
 * finding the deployment that failed.
 */
export function deliveryStarted(s: ExecutionState): number {
  let started = s.created_at;
  for (const a of s.audit) if (a.what.startsWith(RESUMED)) started = a.at;
  return started;
}

/**
 * Whether a retry of `target` (everything when undefined) is for delivery: it names
 * `delivery` when no task or phase is called so, or nothing in its scope can run again
 * (`retryable` task statuses) while the execution stopped during delivery.
 */
export function resumesDelivery(
  s: ExecutionState,
  target: string | undefined,
  retryable: ReadonlySet<string>,
): boolean {
  if (target !== undefined && target !== DELIVERY_TARGET) return false;
  const named =
    target !== undefined && (own(s.specs, target) !== undefined || s.phases.some((p) => p.id === target));
  if (target !== undefined && !named) return true;
  if (stopped(s) === undefined || s.halt) return false;
  const inScope = (id: string) => target === undefined || id === target || s.specs[id]!.phase === target;
  return !Object.keys(s.tasks).some((id) => inScope(id) && retryable.has(s.tasks[id]!.status));
}

/** The delivery of an execution that failed or was cancelled before delivery was done. */
function stopped(s: ExecutionState): DeliveryState | undefined {
  const ended = s.finished_at !== undefined && (s.status === "failed" || s.status === "cancelled");
  return ended && s.delivery_spec && s.delivery && s.delivery.status !== "done" ? s.delivery : undefined;
}

/**
 * A person's retry of a delivery that stopped (a deployment failed, CI stayed red past its
 * revisions, a cancel, the time limit): the execution runs again from where delivery stopped,
 * under a new time limit. Returns why it cannot, or undefined.
 */
export function resumeDelivery(ctx: Ctx, by: string): string | undefined {
  const { s } = ctx;
  if (!s.delivery_spec) return "nothing to retry: the execution has no delivery settings";
  if (!s.delivery) return "nothing to retry: delivery has not started";
  if (s.delivery.status === "done") return "nothing to retry: delivery is done";
  if (s.finished_at === undefined) return `nothing to retry: delivery is under way (${s.delivery.status})`;
  if (s.halt) return `${s.halt}; a retry would exceed it: raise the budget first (${BUDGET_HINT})`;
  const stoppedBy = s.reason;
  const what = resumeStep(ctx, s.delivery);
  s.audit.push({ at: ctx.at, by, what: `${RESUMED}: ${what}` });
  s.status = "delivering";
  s.finished_at = undefined;
  s.reason = undefined;
  // The execution's time limit was cleared when it ended (or fired): a new one bounds the resume.
  if (!s.timers.execution) {
    const limit = s.policy.timeout.execution ?? DEFAULT_EXECUTION_TIMEOUT_MS;
    startTimer(ctx, { id: "execution", at: ctx.at + limit, kind: "execution_timeout" });
  }
  markChanged(ctx, "");
  ctx.effects.push({
    type: "notify",
    level: "info",
    // The reason may quote a deployment's description: it must not mention or close anything.
    message: `Delivery resumed by ${by}${stoppedBy ? ` (it stopped: ${inert(stoppedBy)})` : ""}: ${what}.`,
    mention: [],
  });
  return undefined;
}

/** Sets delivery back to the step it stopped at, with that step's effect; says what happens. */
function resumeStep(ctx: Ctx, d: DeliveryState): string {
  const spec = ctx.s.delivery_spec!;
  const pr = d.pr !== undefined ? `#${d.pr}` : "the pull request";
  // Red CI past its revisions, or stopped before CI's verdict or before the pull request opened:
  // the pull request is opened or updated from the branch's head (a person may have pushed a
  // fix) and its checks are read again, with a new budget of revisions.
  const red = (d.failing?.length ?? 0) > 0;
  if ((d.status === "merging" && red) || !["merging", "awaiting_merge", "deploying"].includes(d.status)) {
    setDelivery(ctx, { status: "opening_pr", revisions: 0, failing: [], auto_merge: undefined });
    ctx.effects.push({ type: "deliver", step: "open_pr" });
    if (d.pr === undefined) return "the pull request is opened";
    const revisions = red ? `, with ${spec.max_revisions} new revision(s) if they fail again` : "";
    return `the checks of ${pr} are read again on its branch's head${revisions}`;
  }
  if (d.status === "merging") {
    // Auto-merge was turned off when the execution stopped: the merge step enables it again.
    setDelivery(ctx, { auto_merge: undefined });
    ctx.effects.push({ type: "deliver", step: "merge" });
    return `${pr} is merged`;
  }
  if (d.status === "awaiting_merge") return `${pr} waits to be merged`;
  const environment = spec.environments[d.environment ?? 0]!;
  const current = own(d.deployments, environment);
  if (current?.id !== undefined && !DEPLOYMENT_ENDED.has(current.state))
    return `deployment ${current.id} to ${environment} is followed again`;
  const deployments = { ...d.deployments };
  delete deployments[environment];
  setDelivery(ctx, { deployments });
  ctx.effects.push({ type: "deliver", step: "deploy", environment });
  return `${environment} is deployed again`;
}
