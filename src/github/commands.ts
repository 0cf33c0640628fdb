import {
  helpMarkdown,
  meetsLevel,
  type ParsedCommand,
  type PermissionLevel,
  parseCommands,
  USAGE,
  type Verb,
  withoutComments,
} from "../core/commands/index.ts";
import { DASHBOARD_MARKER, dashboardMarkdown } from "../core/render/dashboard.ts";
import { code } from "../core/render/markdown.ts";
import { stripHidden } from "../core/request/index.ts";
import { DELIVERY_TARGET } from "../core/state/delivery.ts";
import { type ExecutionState, own } from "../core/state/index.ts";
import type { NewEvent } from "../ports/engine-ports.ts";
import { CommandSession } from "./command-session.ts";
import { isOwnComment } from "./comments.ts";
import { type ExecutionRef, type GitHubPorts, workingBranch } from "./ports.ts";

/** A person (or an allow-listed bot) steering an execution: a comment, a pull request review, or a check run button. */
export type CommandTrigger =
  | {
      kind: "comment";
      delivery: string;
      commentId: number;
      user: string;
      userType: string;
      body: string;
      /** When it was written (ms since the epoch), when known: see `CommandSession.writtenAt`. */
      at?: number;
    }
  | {
      kind: "review";
      delivery: string;
      user: string;
      userType: string;
      /** `approved`, `changes_requested` or `commented`. */
      state: string;
      commitId: string;
      body: string;
      pull: number;
      /** The review's id, to read its inline comments. */
      reviewId?: number;
      /** When it was submitted (ms since the epoch), when known: see `CommandSession.writtenAt`. */
      at?: number;
    }
  | {
      kind: "check_action";
      delivery: string;
      user: string;
      userType: string;
      /** `approve`, `reject` or `retry`. */
      identifier: string;
      phase: string;
    };

/** Who is heard, and the permission table. */
export interface CommandOptions {
  /** The app's slug: anything by `<slug>[bot]` is ignored, allow-listed or not. */
  appSlug?: string;
  /** Bot logins (with or without `[bot]`) whose commands are heard; other bots are ignored. */
  allowBots?: string[];
  /** Overrides of the permission each verb needs (defaults: write to change, read for status/help). */
  levels?: Partial<Record<Verb, PermissionLevel>>;
  /** The time shown by `status` (epoch ms). */
  now?: number;
  /**
   * Decide only gate decisions (`approve`, `reject`, a review's verdict); other commands yield
   * nothing. How the reconcile reads back the comments of a waiting gate: its outcome's replies
   * then answer only those.
   */
  gateDecisionsOnly?: boolean;
}

/** What a trigger leads to: events to apply, replies to post, and whether to react 👀 to the comment. */
export interface CommandOutcome {
  events: NewEvent[];
  replies: string[];
  react: boolean;
}

interface Decision {
  event?: NewEvent;
  reply?: string;
  accepted: boolean;
  /** A refused gate decision: recorded as `command_refused` (see `collect`). */
  refused?: { command: "approve" | "reject"; phase?: string; reason: string };
}

/** A check run's Reject button carries no text; this is the feedback its agents get. */
export const BUTTON_REJECT_REASON = "Rejected with the check run's Reject button, without a reason.";

/**
 * Decides what a command trigger does, reading the actor's permission now. Bots are ignored
 * unless allow-listed (the app itself always), and so are comments Orchestrate wrote
 * (`isOwnComment`). A refused or malformed command yields exactly one reply saying why and how;
 * an accepted one yields its events and a 👀 reaction for comments. Event ids are
 * `cmd:comment-<id>:<n>` for a comment's n-th command, `cmd:review-<id>:0` for a review's verdict,
 * else `cmd:<delivery>:<n>`, so a redelivery is a no-op. A refused gate decision yields a
 * `command_refused` event under its id: once refused, a command never decides a gate later.
 */
export async function commandOutcome(
  ports: GitHubPorts,
  ref: ExecutionRef,
  state: ExecutionState | undefined,
  trigger: CommandTrigger,
  options: CommandOptions = {},
): Promise<CommandOutcome> {
  if (ignoredSender(trigger.user, trigger.userType, options)) return nothing();
  // Orchestrate's own comments (by a person's account when the Action runs with a personal
  // token) carry its hidden marker; what they quote is never a command. A person who copies the
  // marker into their own comment only silences their own commands.
  if (trigger.kind === "comment" && isOwnComment(trigger.body)) return nothing();
  const at = trigger.kind === "check_action" ? undefined : trigger.at;
  const s = new CommandSession(ports, ref, state, trigger.user, options.levels, at);
  const now = options.now ?? state?.created_at ?? 0;
  const only = options.gateDecisionsOnly ?? false;
  switch (trigger.kind) {
    case "comment":
      // Keyed by the comment, so its webhook and the reconcile that reads it back apply it once.
      return fromText(s, trigger.body, `comment-${trigger.commentId}`, now, true, only);
    case "review": {
      const review = trigger.state.toLowerCase();
      if (review === "commented")
        return only ? nothing() : fromText(s, trigger.body, trigger.delivery, now, false, false);
      if (review !== "approved" && review !== "changes_requested") return nothing();
      // Keyed by the review, so its webhook and the reconcile that reads it back apply it once.
      const key = trigger.reviewId !== undefined ? `review-${trigger.reviewId}` : trigger.delivery;
      return collect(s, key, [await fromReview(s, trigger, review === "approved")], false);
    }
    case "check_action": {
      const command = buttonCommand(trigger.identifier, trigger.phase);
      if (!command || !state || only) return nothing();
      return collect(s, trigger.delivery, [await decide(s, command, "check_run", now)], false);
    }
  }
}

/** Bot logins from a setting: separated by commas, spaces or lines (`renovate[bot], dependabot`). */
export function botList(text: string | undefined): string[] {
  return (text ?? "").split(/[\s,]+/).filter(Boolean);
}

/** True for a sender whose commands are not heard: this app, and bots not allow-listed. */
export function ignoredSender(user: string, userType: string, options: CommandOptions): boolean {
  const login = user.toLowerCase();
  const bare = login.replace(/\[bot\]$/, "");
  if (options.appSlug && bare === options.appSlug.toLowerCase()) return true;
  if (userType !== "Bot" && !login.endsWith("[bot]")) return false;
  return !(options.allowBots ?? []).some((b) => b.toLowerCase().replace(/\[bot\]$/, "") === bare);
}

function nothing(): CommandOutcome {
  return { events: [], replies: [], react: false };
}

/**
 * The outcome of a trigger's decisions. A command whose id the execution already applied (its
 * webhook came again, or came after the reconcile read it back) says and does nothing, no 👀
 * either (whoever decided it answered it; the id does not say whether it was accepted): it was
 * decided then, and the state it would be decided against now is its own result. That holds for
 * a refused gate decision too, through its `command_refused` event: decided again later, an
 * `/orchestrate approve` refused as ambiguous, early (the phase still ran) or too late (the
 * execution had ended) would pass a gate its author was told it did not pass.
 */
function collect(s: CommandSession, delivery: string, decisions: Decision[], react: boolean): CommandOutcome {
  const out = nothing();
  for (const [n, d] of decisions.entries()) {
    const id = `cmd:${delivery}:${n}`;
    if (s.state?.applied[id]) continue;
    if (d.reply !== undefined) out.replies.push(d.reply);
    if (d.event) out.events.push({ ...d.event, id });
    else if (d.refused && s.state) out.events.push({ id, type: "command_refused", by: s.user, ...d.refused });
    if (d.accepted && react) out.react = true;
  }
  // One comment answers one comment, whatever it holds (ten `/orchestrate status` lines, ten
  // refused commands): the same answer once, different ones together.
  if (out.replies.length > 1) out.replies = [[...new Set(out.replies)].join("\n\n---\n\n")];
  return out;
}

async function fromText(
  s: CommandSession,
  body: string,
  delivery: string,
  now: number,
  react: boolean,
  gateDecisionsOnly: boolean,
): Promise<CommandOutcome> {
  const commands = parseCommands(body, { phases: s.state?.phases.map((p) => p.id) ?? [] });
  if (commands.length === 0 || (gateDecisionsOnly && !commands.some(isGateDecision))) return nothing();
  if (!s.state) {
    const reply = `@${s.user} there is no Orchestrate execution on this issue: label it to start one. Nothing was changed.`;
    return { events: [], replies: [reply], react: false };
  }
  const decisions: Decision[] = [];
  for (const command of commands)
    decisions.push(
      // Left out, its place kept: each command's id is its position in the text.
      gateDecisionsOnly && !isGateDecision(command)
        ? { accepted: false }
        : await decide(s, command, "comment", now),
    );
  return collect(s, delivery, decisions, react);
}

/** A well-formed `approve` or `reject` (a malformed one decides nothing, whenever it is read). */
function isGateDecision(c: ParsedCommand): boolean {
  return c.kind === "approve" || c.kind === "reject";
}

function refuse(s: CommandSession, why: string): Decision {
  return { accepted: false, reply: `@${s.user} ${why} Nothing was changed.` };
}

/**
 * A refused gate decision, recorded (see `collect`) with why, unless nothing was said: a review
 * while no gate waits is not a command to Orchestrate.
 */
function refusedGate(d: Decision, command: "approve" | "reject", phase: string | undefined): Decision {
  if (d.accepted || d.reply === undefined) return d;
  const reason = d.reply.replace(/^@\S+ /, "").replace(/ Nothing was changed\.$/, "");
  return { ...d, refused: { command, ...(phase !== undefined ? { phase } : {}), reason } };
}

function accept(event: NewEvent): Decision {
  return { accepted: true, event };
}

/**
 * One parsed command (from a comment, a commented review or a button) → a decision. A refused
 * `approve` or `reject` is recorded (`refusedGate`); a malformed one is not: it never decides anything.
 */
async function decide(s: CommandSession, c: ParsedCommand, via: string, now: number): Promise<Decision> {
  const d = await decision(s, c, via, now);
  return c.kind === "approve" || c.kind === "reject" ? refusedGate(d, c.kind, c.phase) : d;
}

async function decision(s: CommandSession, c: ParsedCommand, via: string, now: number): Promise<Decision> {
  if (c.kind === "unknown") {
    const what = c.verb
      ? `${code(c.verb)} is not an Orchestrate command`
      : "that is not an Orchestrate command";
    return refuse(s, `${what}${c.note ? ` (${c.note})` : ""}. Comment \`/orchestrate help\` for the list.`);
  }
  if (c.kind === "invalid") return refuse(s, `${c.problem}. Usage: \`${USAGE[c.verb]}\`.`);
  const need = s.levels[c.kind];
  const have = await s.level();
  if (!meetsLevel(have, need))
    return refuse(
      s,
      `\`/orchestrate ${c.kind}\` needs ${need} permission on this repository; yours is ${have}.`,
    );
  const state = s.state!;
  const by = s.user;
  switch (c.kind) {
    case "status":
      return {
        accepted: true,
        reply: dashboardMarkdown(state, now).replace(DASHBOARD_MARKER, "").trimStart(),
      };
    case "help":
      return { accepted: true, reply: helpMarkdown(s.levels) };
    case "approve":
    case "reject": {
      const gate = c.phase === undefined ? soleOpenGate(s, c.kind) : { phase: c.phase };
      if ("problem" in gate) return refuse(s, gate.problem);
      const why = await s.gateRefusal(gate.phase, "comment", c.kind === "approve");
      if (why) return refuse(s, `${why}.`);
      if (c.kind === "approve") return accept(await s.approval(gate.phase, via));
      return accept({ type: "gate_rejected", phase: gate.phase, by, reason: c.reason, via });
    }
    // Looked up as own properties: `constructor` or `toString` names no task of the execution.
    case "retry":
      if (
        c.target !== undefined &&
        !own(state.specs, c.target) &&
        !state.phases.some((p) => p.id === c.target) &&
        // `delivery` names the execution's delivery when no task or phase is called so.
        !(c.target === DELIVERY_TARGET && state.delivery_spec !== undefined)
      )
        return refuse(s, `there is no task or phase ${code(c.target)}. Usage: \`${USAGE.retry}\`.`);
      return accept({ type: "retry_requested", by, ...(c.target ? { target: c.target } : {}) });
    case "cancel":
      return accept({ type: "cancel_requested", by, ...(c.reason ? { reason: c.reason } : {}) });
    case "skip": {
      if (!own(state.specs, c.task))
        return refuse(s, `there is no task ${code(c.task)}. Usage: \`${USAGE.skip}\`.`);
      const why = await s.skipRefusal(c.task);
      if (why) return refuse(s, `${why}.`);
      return accept({ type: "skip_requested", task: c.task, by, ...(c.reason ? { reason: c.reason } : {}) });
    }
    case "resume":
      // Actions jobs keep running on their own: nothing is re-run, the orchestrator reconciles.
      return accept({ type: "resume_requested", by, workers_lost: false });
    case "budget":
      return accept({
        type: "budget_set",
        by,
        ...(c.usd !== undefined ? { usd: c.usd } : {}),
        ...(c.tokens !== undefined ? { tokens: c.tokens } : {}),
      });
  }
}

/**
 * The only phase whose gate was waiting when the command was written (`waitingGates`), or why
 * there is none to pick. With none waiting then, the one open now is picked, so that the reply
 * says it opened since (see `CommandSession.gateRefusal`).
 */
function soleOpenGate(
  s: CommandSession,
  verb: "approve" | "reject",
): { phase: string } | { problem: string } {
  const ended = s.endedNote();
  if (ended) return { problem: `${ended}.` };
  const waiting = s.waitingGates();
  if (waiting.length === 1) return { phase: waiting[0]! };
  if (waiting.length > 1)
    return {
      problem: `several gates are waiting (${waiting.join(", ")}): name the phase, e.g. ${code(example(verb, waiting[0]!))}.`,
    };
  const open = s.openGates();
  if (open.length === 1) return { phase: open[0]! };
  if (open.length === 0) return { problem: "no gate is waiting for a decision." };
  return {
    problem: `the gates waiting now (${open.join(", ")}) opened after this was written, so it decides none of them: decide again now, naming the phase, e.g. ${code(example(verb, open[0]!))}.`,
  };
}

function example(verb: "approve" | "reject", phase: string): string {
  return verb === "approve" ? `/orchestrate approve ${phase}` : `/orchestrate reject ${phase} <reason>`;
}

/**
 * The gate a review decides: the only one that takes reviews (see `gate-channels.ts`) among those
 * waiting when it was submitted (`waitingReviewGates`). With none (or once the execution ended),
 * as a command naming no phase would pick, so that the reply says why; with several, none: a
 * review names no phase, so those gates take a command naming it.
 */
function reviewedGate(
  s: CommandSession,
  verb: "approve" | "reject",
): { phase: string } | { problem: string } {
  const gates = s.waitingReviewGates();
  if (gates.length === 0 || s.endedNote()) return soleOpenGate(s, verb);
  if (gates.length === 1) return { phase: gates[0]! };
  return {
    problem: `several gates that take reviews are waiting (${gates.join(", ")}), and a review cannot say which one it decides: comment ${code(example(verb, gates[0]!))} naming the phase instead.`,
  };
}

/**
 * An approving or changes-requesting review of the working branch's pull request; refused, it is
 * recorded (`refusedGate`), except while no gate waits (then it is no command to Orchestrate).
 */
async function fromReview(
  s: CommandSession,
  review: Extract<CommandTrigger, { kind: "review" }>,
  approving: boolean,
): Promise<Decision> {
  if (s.openGates().length === 0) return { accepted: false };
  const gate = reviewedGate(s, approving ? "approve" : "reject");
  const phase = "phase" in gate ? gate.phase : undefined;
  return refusedGate(
    await reviewDecision(s, review, approving, gate),
    approving ? "approve" : "reject",
    phase,
  );
}

async function reviewDecision(
  s: CommandSession,
  review: Extract<CommandTrigger, { kind: "review" }>,
  approving: boolean,
  gate: { phase: string } | { problem: string },
): Promise<Decision> {
  if ("problem" in gate) return refuse(s, gate.problem);
  const phase = gate.phase;
  const head = await s.head();
  if (review.commitId !== head) {
    const branch = workingBranch(s.ref.issue);
    return refuse(
      s,
      `your review is of ${review.commitId.slice(0, 7)}, but ${code(branch)} is now at ${head?.slice(0, 7) ?? "nothing"}: review the current head.`,
    );
  }
  const need = s.levels[approving ? "approve" : "reject"];
  const have = await s.level();
  if (!meetsLevel(have, need))
    return refuse(
      s,
      `a review decides a gate only with ${need} permission on this repository; yours is ${have}.`,
    );
  const why = await s.gateRefusal(phase, "review", approving);
  if (why) return refuse(s, `${why}.`);
  if (approving) return accept(await s.approval(phase, "review", review.commitId));
  // The feedback is the review's text and its inline comments, file by file, as the reviewer
  // sees them: HTML comments and hidden characters never reach the agents.
  const inline =
    review.reviewId !== undefined
      ? await s.ports.comments.reviewComments(s.ref, review.pull, review.reviewId)
      : [];
  const notes = inline.flatMap((c) => {
    const body = shown(c.body);
    return body ? [`- ${stripHidden(c.path)}${c.line !== undefined ? `:${c.line}` : ""}: ${body}`] : [];
  });
  const text = [shown(review.body), ...(notes.length > 0 ? ["Inline comments:", ...notes] : [])]
    .filter(Boolean)
    .join("\n");
  const reason = text || `Changes requested in a review of ${review.commitId.slice(0, 7)}, without text.`;
  return accept({ type: "gate_rejected", phase, by: s.user, reason, via: "review" });
}

/** Markdown text as a reader sees it, for agents: without HTML comments and hidden characters, trimmed. */
function shown(text: string): string {
  return stripHidden(withoutComments(text)).trim();
}

function buttonCommand(identifier: string, phase: string): ParsedCommand | undefined {
  if (identifier === "approve") return { line: 0, kind: "approve", phase };
  if (identifier === "reject") return { line: 0, kind: "reject", phase, reason: BUTTON_REJECT_REASON };
  if (identifier === "retry") return { line: 0, kind: "retry", target: phase };
  return undefined;
}
