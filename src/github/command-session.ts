import { createHash } from "node:crypto";
import { commandLevels, type PermissionLevel, type Verb } from "../core/commands/index.ts";
import type { GateConfig } from "../core/plan/schema.ts";
import { fullTextAt, REASON_LIMIT, shortened } from "../core/render/excerpt.ts";
import { code, inert } from "../core/render/markdown.ts";
import { commandDecides, openGates, openReviewGates } from "../core/state/gate-channels.ts";
import { type ExecutionState, type GateState, own } from "../core/state/index.ts";
import { retryTakes } from "../core/state/retry-takes.ts";
import type { NewEvent } from "../ports/engine-ports.ts";
import { type ExecutionRef, type GitHubPorts, type Permission, workingBranch } from "./ports.ts";

/** How a gate decision arrived: a comment (or a check run button, checked like one) or a pull request review. */
export type Channel = "comment" | "review";

/**
 * What one command trigger needs to decide: the ports, the execution, who acts, and lookups made
 * at most once per trigger (the actor's permission, the working branch head).
 */
export class CommandSession {
  readonly ports: GitHubPorts;
  readonly ref: ExecutionRef;
  readonly state: ExecutionState | undefined;
  readonly user: string;
  readonly levels: Record<Verb, PermissionLevel>;
  /**
   * When the command was written (a comment's creation, a review's submission: its webhook's
   * payload and the tick's read-back both say), when known: it decides only a gate that was open
   * then, and names no phase only among the gates waiting then (`waitingGates`). Handled late (a
   * webhook queued or redelivered, or read back by the tick after its webhook was lost), a command
   * is decided as it would have been when it was written.
   */
  readonly writtenAt: number | undefined;
  #level: Promise<Permission> | undefined;
  #head: Promise<string | undefined> | undefined;

  constructor(
    ports: GitHubPorts,
    ref: ExecutionRef,
    state: ExecutionState | undefined,
    user: string,
    levels: Partial<Record<Verb, PermissionLevel>> = {},
    writtenAt?: number,
  ) {
    this.ports = ports;
    this.ref = ref;
    this.state = state;
    this.user = user;
    this.levels = commandLevels(levels);
    this.writtenAt = writtenAt;
  }

  /** The actor's repository permission, read now (not from any cache older than this trigger). */
  level(): Promise<Permission> {
    this.#level ??= this.ports.permissions.level(this.ref, this.user);
    return this.#level;
  }

  /** The working branch's head sha. */
  head(): Promise<string | undefined> {
    this.#head ??= this.ports.branches.head(this.ref, workingBranch(this.ref.issue));
    return this.#head;
  }

  /** Phases whose gate waits for a decision. */
  openGates(): string[] {
    return this.state ? openGates(this.state) : [];
  }

  /** Open gates a pull request review may decide. */
  openReviewGates(): string[] {
    return this.state ? openReviewGates(this.state) : [];
  }

  /**
   * The gates a command naming no phase (or a review) may be for: those waiting when it was
   * written (`writtenAt`), else those open now. Read back late, a command is judged by what was
   * waiting when its author wrote it — as its webhook would have been — not by what waits now: an
   * `/orchestrate approve` written while gates `a` and `b` waited stays ambiguous after `a` was
   * decided, and never passes `b` unseen.
   */
  waitingGates(): string[] {
    const s = this.state;
    if (!s) return [];
    if (this.writtenAt === undefined) return openGates(s);
    const at = this.writtenAt;
    return s.phases.filter((p) => p.gate && waitedAt(own(s.phase_state, p.id)?.gate, at)).map((p) => p.id);
  }

  /** Of `waitingGates`, those a pull request review may decide (`via: review` or `both`). */
  waitingReviewGates(): string[] {
    const s = this.state;
    if (!s) return [];
    return this.waitingGates().filter((id) => s.phases.find((p) => p.id === id)?.gate?.via !== "comment");
  }

  /**
   * Why the actor may not approve (or reject) `phase` through `channel`, or undefined. Checks, in
   * order: the phase and its gate, the execution still runs, the gate is open and was when the
   * command was written (`writtenAt`), the channel decides it (its `via`, see `gate-channels.ts`),
   * then who may decide it (`#deciderRefusal`). Repository permission is checked by the caller.
   */
  async gateRefusal(phase: string, channel: Channel, approving: boolean): Promise<string | undefined> {
    const spec = this.state?.phases.find((p) => p.id === phase);
    if (!spec) return `there is no phase ${code(phase)}`;
    const gate = spec.gate;
    if (!gate) return `phase ${code(phase)} has no gate`;
    const ended = this.endedNote();
    if (ended) return ended;
    const status = this.gateStatus(phase);
    if (status === "escalated")
      return `the gate of phase ${code(phase)} is escalated (revision limit reached): ${code(`/orchestrate retry ${phase}`)} runs it again`;
    if (status !== "open")
      return `the gate of phase ${code(phase)} is not waiting for a decision (it is ${status})`;
    const opened = own(this.state!.phase_state, phase)?.gate?.opened_at;
    if (this.writtenAt !== undefined && opened !== undefined && this.writtenAt < opened)
      return `the gate of phase ${code(phase)} opened after this was written (${new Date(opened).toISOString()}), so it does not decide it: decide it again now`;
    if (channel === "comment" && !commandDecides(this.state!, phase))
      return `phase ${code(phase)} is decided by pull request review only: review the working branch's pull request at its current head`;
    if (channel === "review" && gate.via === "comment")
      return `phase ${code(phase)} is decided by comment only: comment ${code(`/orchestrate approve ${phase}`)} or ${code(`/orchestrate reject ${phase} <what should change>`)}`;
    return this.#deciderRefusal(phase, gate, approving ? "approve" : "reject");
  }

  /**
   * Why the actor may not skip `task`, or undefined. A task of a gated phase whose gate has not
   * been approved yet (it is open, escalated, or will open once the phase has run) is skipped only
   * by whoever may approve that gate: what needs the task would otherwise start with no approval.
   * Repository permission is checked by the caller; whether the task can be skipped now, by the
   * execution.
   */
  async skipRefusal(task: string): Promise<string | undefined> {
    const phase = this.state ? own(this.state.specs, task)?.phase : undefined;
    const gate = phase === undefined ? undefined : this.state?.phases.find((p) => p.id === phase)?.gate;
    if (phase === undefined || !gate || this.gateStatus(phase) === "approved") return undefined;
    return this.#deciderRefusal(phase, gate, "skip");
  }

  /** The status of `phase`'s gate ("closed" until it first opens). */
  gateStatus(phase: string): GateState["status"] {
    return (this.state && own(this.state.phase_state, phase)?.gate?.status) ?? "closed";
  }

  /**
   * Why no gate of an execution that ended takes a decision, and how to go on, or undefined while
   * it runs: "this execution has ended (cancelled: …), so no gate waits for a decision; …".
   */
  endedNote(): string | undefined {
    const s = this.state;
    if (s?.finished_at === undefined) return undefined;
    const why = s.reason ? `: ${shortened(s.reason, REASON_LIMIT, fullTextAt(s), inert)}` : "";
    const next = retryTakes(s) ? `; ${code("/orchestrate retry")} takes it up again` : "";
    return `this execution has ended (${s.status}${why}), so no gate waits for a decision${next}`;
  }

  /**
   * Why the actor may not approve, reject or skip tasks of `phase`, or undefined: `allow_requester`
   * (approving and skipping, which both let the phase's work through), then the gate's `approvers`
   * (users, or `@org/team` by team membership). A refusal to skip says who may.
   */
  async #deciderRefusal(
    phase: string,
    gate: GateConfig,
    verb: "approve" | "reject" | "skip",
  ): Promise<string | undefined> {
    const list = gate.approvers.map((a) => (a.startsWith("@") ? a : `@${a}`)).join(", ");
    const what = verb === "skip" ? "skip its tasks before its gate is approved" : `${verb} it`;
    if (verb !== "reject" && !gate.allow_requester && sameLogin(this.requester(), this.user)) {
      if (verb === "approve")
        return `whoever requested this execution may not approve its gates (\`allow_requester: false\` on phase ${code(phase)})`;
      const who = list ? `its approvers may: ${list}` : `anyone else with ${this.levels.skip} permission may`;
      return `whoever requested this execution may not skip tasks of phase ${code(phase)} before its gate is approved (\`allow_requester: false\`); ${who}`;
    }
    if (gate.approvers.length === 0) return undefined;
    const verdict = await this.#isApprover(gate.approvers);
    if (verdict === true) return undefined;
    const problem = verdict === false ? "" : ` (${verdict})`;
    return `only the approvers of phase ${code(phase)} may ${what}: ${list}${problem}`;
  }

  /** A `gate_approved` event for `phase`: head sha, digest of the phase's artifacts, channel. */
  async approval(phase: string, via: string, sha?: string): Promise<NewEvent> {
    const head = sha ?? (await this.head());
    const digest = this.#digest(phase);
    return {
      type: "gate_approved",
      phase,
      by: this.user,
      via,
      ...(head ? { sha: head } : {}),
      ...(digest ? { digest } : {}),
    };
  }

  requester(): string | undefined {
    const requester = this.state?.meta.requester;
    return typeof requester === "string" ? requester : undefined;
  }

  /** True when listed; false when not; a message when a team could not be checked. */
  async #isApprover(approvers: readonly string[]): Promise<true | false | string> {
    const entries = approvers.map((a) => a.replace(/^@/, ""));
    if (entries.some((e) => !e.includes("/") && sameLogin(e, this.user))) return true;
    const problems: string[] = [];
    for (const entry of entries) {
      const [org, team, ...extra] = entry.split("/");
      if (!org || !team || extra.length > 0) continue;
      try {
        if (await this.ports.permissions.inTeam(org, team, this.user)) return true;
      } catch (error) {
        problems.push(`membership of @${entry} could not be checked: ${(error as Error).message}`);
      }
    }
    return problems.length > 0 ? problems.join("; ") : false;
  }

  /** sha256 over the phase's recorded artifacts (task, path, content hash), or undefined when none. */
  #digest(phase: string): string | undefined {
    const s = this.state!;
    const tasks = s.phases.find((p) => p.id === phase)?.tasks ?? [];
    const lines = tasks.flatMap((id) =>
      (own(s.tasks, id)?.artifacts ?? []).map((a) => `${id}\t${a.path}\t${a.sha256 ?? ""}`),
    );
    if (lines.length === 0) return undefined;
    return `sha256:${createHash("sha256").update(lines.sort().join("\n")).digest("hex")}`;
  }
}

/**
 * Whether a gate was waiting for a decision at `at`, or may have been: opened by then and not
 * decided by then. The state keeps when the gate last opened (`opened_at`, this process's clock)
 * and when each decision was made (`approvals[].at`, `rejections[].at`), not when earlier
 * openings were: a rejection made after `at` ended an opening that may have been waiting then,
 * so it counts. Counting a gate that was not waiting can only make a command naming no phase
 * ambiguous (refused, "name the phase"), never give it to another gate.
 *
 * `at` is GitHub's time, in whole seconds: the command was written at `at` or up to a second
 * later. A gate opened by `at` was open when it was written; one decided by `at` was decided
 * before. One decided within the second after may have been decided first: it counts (ambiguous,
 * not given to another gate). One opened within the second after, or opened less than the
 * clocks' difference before (this process's clock and GitHub's may disagree), is not decided by
 * it ("decide it again now"). No margin is allowed the other way: one in this process's favour
 * would let a command written up to that long before the gate opened — while its phase still
 * ran, before its work could be seen — decide it; whereas reading the work takes its author
 * longer than clocks kept in time disagree.
 */
function waitedAt(gate: GateState | undefined, at: number): boolean {
  if (!gate) return false;
  const opened = gate.opened_at ?? (gate.status === "open" ? 0 : undefined);
  // An earlier opening, ended by a rejection made after `at`.
  if (gate.rejections.some((r) => r.at > at && (opened === undefined || r.at <= opened))) return true;
  if (opened === undefined || opened > at) return false;
  if (gate.status === "open") return true;
  // Decided since it last opened: by the approval that passed it, or the rejection that closed it.
  const decisions =
    gate.status === "approved"
      ? gate.approvals.map((a) => a.at)
      : gate.rejections.filter((r) => r.at >= opened).map((r) => r.at);
  // None recorded (closed by a cancel, or by a revision the merge dropped): it may have waited.
  return decisions.length === 0 || Math.max(...decisions) > at;
}

/** Logins compare case-insensitively. */
export function sameLogin(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
