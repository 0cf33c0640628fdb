import type { MergeCommit } from "../core/render/pull-request.ts";
import type { Effect } from "../core/state/effects.ts";
import type { ExecutionEvent } from "../core/state/events.ts";
import type { ExecutionState } from "../core/state/types.ts";

/** A repository. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** One execution: one issue of one repository. Its id is `<owner>/<repo>#<issue>`. */
export interface ExecutionRef extends RepoRef {
  issue: number;
}

/** The working branch of an execution. */
export function workingBranch(issue: number): string {
  return `orchestrate/issue-${issue}`;
}

/** The state branch, holding `executions/<issue>/state.json` and `events.jsonl`. */
export const STATE_BRANCH = "orchestrate-state";

/** An execution as stored: its state, its whole event log, and the version it was read at. */
export interface StoredExecution {
  state: ExecutionState;
  events: ExecutionEvent[];
  /** Opaque version for compare-and-swap (the state branch's head commit sha). */
  version: string;
}

/** Thrown by `save` when the stored execution changed since `version`: reload, re-apply, save again. */
export class ConflictError extends Error {
  constructor(message = "the execution changed since it was read") {
    super(message);
    this.name = "ConflictError";
  }
}

/** Thrown by `load` when the stored state cannot be read: it is reported and never overwritten. */
export class CorruptStateError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "CorruptStateError";
    this.path = path;
  }
}

/** Execution state kept in the repository (the `orchestrate-state` branch), written with compare-and-swap. */
export interface ExecutionStateStore {
  /**
   * The stored execution, or undefined when the issue has none. Corrupt files → CorruptStateError.
   * `known.head`: the state branch's head as the caller just read it (null: no branch), which
   * saves reading it again.
   */
  load(ref: ExecutionRef, known?: { head: string | null }): Promise<StoredExecution | undefined>;
  /**
   * Appends `newEvents` to the log and replaces the state, in one commit, only if the branch is
   * still at `version` (undefined: the execution must not exist yet). Otherwise ConflictError.
   */
  save(
    ref: ExecutionRef,
    update: { state: ExecutionState; newEvents: ExecutionEvent[]; version: string | undefined },
  ): Promise<string>;
  /** Issue numbers with an execution in the repository that has not finished (ticks need no others). */
  list(repo: RepoRef): Promise<number[]>;
}

/** The live dashboard comment of an issue, found by a hidden marker and edited in place. */
export interface DashboardPort {
  /** Creates or updates the dashboard; returns its comment id (pass it back to skip the lookup). */
  upsert(ref: ExecutionRef, body: string, knownId?: number): Promise<number>;
}

/** Issue comments and reactions (replies to commands, notices, the final report). */
export interface CommentsPort {
  reply(ref: ExecutionRef, body: string): Promise<void>;
  react(ref: RepoRef, commentId: number, content: "eyes" | "+1" | "-1" | "confused"): Promise<void>;
  /** The inline comments of one pull request review (file, line, text). */
  reviewComments(
    ref: RepoRef,
    pull: number,
    review: number,
  ): Promise<{ path: string; line?: number; body: string }[]>;
  /** The issue's comments created at or after `since` (ms since the epoch), oldest first. */
  commentsSince(ref: ExecutionRef, since: number): Promise<IssueComment[]>;
  /** The open pull request from `head` (a branch of this repository) and its reviews, if any. */
  reviewsOf(ref: RepoRef, head: string): Promise<{ pull: number; reviews: PullReview[] } | undefined>;
}

/** A comment on an issue. */
export interface IssueComment {
  id: number;
  user: string;
  userType: string;
  body: string;
  /** When it was created (ms since the epoch). */
  createdAt: number;
}

/** A submitted pull request review. */
export interface PullReview {
  id: number;
  user: string;
  userType: string;
  /** GitHub's state in lower case: `approved`, `changes_requested`, `commented`, `dismissed`. */
  state: string;
  body: string;
  commitId: string;
  /** When it was submitted (ms since the epoch). */
  submittedAt: number;
}

/** What a phase's check run shows. */
export interface PhaseCheck {
  phase: string;
  status: "queued" | "in_progress" | "completed";
  conclusion?: "success" | "failure" | "cancelled" | "skipped" | "action_required" | "neutral";
  title: string;
  summary: string;
  /** Requested-action buttons (gates): identifiers `approve`, `reject`, `retry`. */
  actions?: { label: string; identifier: string; description: string }[];
}

/** One check run per phase on the working branch head; created once (name + head sha), then updated. */
export interface ChecksPort {
  /**
   * Creates or updates the phase's check run; returns its id (pass it back to skip the lookup).
   * `isNew`: the execution was created just now, so no run can exist yet: create without looking.
   */
  upsert(
    ref: ExecutionRef,
    headSha: string,
    check: PhaseCheck,
    knownId?: number,
    isNew?: boolean,
  ): Promise<number>;
}

/** The dashboard edit and check run updates of one step, by REST id. */
export interface StatusUpdate {
  dashboard?: { id: number; body: string };
  checks: { id: number; check: PhaseCheck }[];
}

/** Updates of objects that exist, sent together (one request) where GitHub allows it. */
export interface StatusPort {
  /** Which updates were made; the caller sends the others through the dashboard and checks ports. */
  send(ref: ExecutionRef, update: StatusUpdate): Promise<{ dashboard: boolean; checks: boolean[] }>;
}

/** Branches and merges. */
export interface BranchesPort {
  /** Head sha of a branch, or undefined when it does not exist. */
  head(ref: RepoRef, branch: string): Promise<string | undefined>;
  /** Creates `branch` at `sha` unless it exists; returns its head sha. */
  ensure(ref: RepoRef, branch: string, sha: string): Promise<string>;
  /** Merges `head` into `base` (merges API). */
  merge(
    ref: RepoRef,
    base: string,
    head: string,
    message: string,
  ): Promise<
    { merged: true; sha: string } | { merged: false; conflict: true } | { merged: false; conflict: false }
  >;
  /** The default branch name and its head sha. */
  defaultBranch(ref: RepoRef): Promise<{ name: string; sha: string }>;
  /** Names of the branches whose name starts with `prefix`. */
  named(ref: RepoRef, prefix: string): Promise<string[]>;
  /**
   * Moves `branch` to `sha` only if that is a fast-forward (no commit is created); false when the
   * branch has moved elsewhere meanwhile (then merge instead).
   */
  fastForward(ref: RepoRef, branch: string, sha: string): Promise<boolean>;
  /**
   * Paths `head` changed since it forked from `base` (branch names or shas; the compare API's
   * three-dot comparison, first 300 files).
   */
  changedFiles(ref: RepoRef, base: string, head: string): Promise<string[]>;
}

/** The workflow run a dispatch started (when GitHub says). */
export interface DispatchedRun {
  id: number;
  /** Its page on GitHub. */
  url?: string;
}

/** Starts the agents workflow for a batch of tasks (`workflow_dispatch`). Not idempotent: never retried blindly. */
export interface DispatchPort {
  /** Returns the run it started, when GitHub tells. */
  dispatch(
    ref: ExecutionRef,
    workflow: string,
    branch: string,
    inputs: Record<string, string>,
  ): Promise<DispatchedRun | undefined>;
}

/** A workflow run's state, and the jobs of its latest attempt. */
export interface WorkflowRunFacts {
  status: string;
  conclusion: string | null;
  event?: string;
  path?: string;
  workflowId?: number;
  repository?: string;
  /** When it was created (epoch ms). */
  createdAt?: number;
}

/** A job of a workflow run's latest attempt: `startedAt` (epoch ms) once a runner took it. */
export interface RunJob {
  name: string;
  status: string;
  conclusion: string | null;
  startedAt?: number;
}

export interface RunsPort {
  /**
   * `status` is GitHub's (queued, in_progress, completed…); `conclusion` once completed; `event`
   * what started it; `path` its workflow file; `repository` its head repository (`owner/name`,
   * lower case; a fork's for a fork's pull request); `createdAt` when it was created.
   */
  run(ref: RepoRef, id: number): Promise<WorkflowRunFacts>;
  jobs(ref: RepoRef, id: number): Promise<RunJob[]>;
  /** Runs started by `workflow_dispatch` on `branch` since `since` (epoch ms), newest first. */
  dispatched(ref: RepoRef, branch: string, since: number): Promise<(WorkflowRunFacts & { id: number })[]>;
  /** Asks GitHub to cancel run `id`; false when it had ended already (nothing to cancel). */
  cancel(ref: RepoRef, id: number): Promise<boolean>;
}

/** Reads files from the repository (plans, task result records). */
export interface ContentsPort {
  /** File text at `ref` (branch or sha), or undefined when missing. */
  read(repo: RepoRef, path: string, at: string): Promise<string | undefined>;
  /** Paths of every file at commit `sha` (for repository facts); capped by GitHub's tree limit. */
  list(repo: RepoRef, sha: string): Promise<string[]>;
  /**
   * Several reads in one request: the head sha of each branch (null: no such branch), the text
   * of each file at its ref (undefined: missing) and the parents of each commit, in the order asked.
   */
  snapshot(
    repo: RepoRef,
    ask: {
      branches: readonly string[];
      files: readonly { path: string; at: string }[];
      /** Commits whose parents to read (empty list: no such commit). */
      commits?: readonly string[];
    },
  ): Promise<{ heads: (string | null)[]; files: (string | undefined)[]; parents: string[][] }>;
}

/** A user's permission on the repository. */
export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface PermissionsPort {
  level(ref: RepoRef, username: string): Promise<Permission>;
  /** True when `username` is an active member of the team `org/teamSlug` (a pending invitation is not). */
  inTeam(org: string, teamSlug: string, username: string): Promise<boolean>;
}

/** Labels of an issue (escalation marks). */
export interface LabelsPort {
  /** Adds labels to the issue, creating them in the repository when missing; existing ones stay. */
  add(ref: ExecutionRef, labels: string[]): Promise<void>;
  /** Removes a label from the issue; one it does not carry is no error. */
  remove(ref: ExecutionRef, label: string): Promise<void>;
  /** Whether the issue is open now, and its labels now. */
  current(ref: ExecutionRef): Promise<{ open: boolean; labels: string[] }>;
}

/** The CI verdict on a commit: required checks (branch protection) or, without protection, all of them. */
export interface CiVerdict {
  state: "pending" | "success" | "failure";
  failing: { name: string; summary: string }[];
  /** Required checks with no check run or status at all on the commit (yet). */
  missing: string[];
  /** Checks whose check run is still queued (no runner took its job yet). */
  queued: string[];
}

/** A pull request as GitHub has it now: merged (at `sha`), closed without merging, or open. */
export interface PullNow {
  merged: boolean;
  sha?: string;
  closed?: boolean;
  /** Open: its head commit. */
  head?: string;
  /** Open: whether GitHub auto-merge is on, as REST reports it (null in a merge queue too). */
  autoMerge?: boolean;
  /** Open: its GraphQL node id. */
  nodeId?: string;
}

/** Pull request, CI, merge, deployments and clean-up: what delivery needs. */
export interface DeliveryPort {
  /** Finds the open pull request from `head` (by branch) or opens one; updates its title and body. */
  ensurePull(
    ref: ExecutionRef,
    pull: { head: string; base: string; title: string; body: string; draft: boolean },
  ): Promise<{ number: number; sha: string; nodeId: string; draft: boolean }>;
  /** Marks a draft pull request ready for review. */
  markReady(ref: RepoRef, nodeId: string): Promise<void>;
  /**
   * Enables GitHub auto-merge (GitHub merges once its requirements pass, through a merge queue
   * where there is one). False when the repository does not allow it or the pull request can be
   * merged right away: merge it directly then.
   */
  autoMerge(
    ref: RepoRef,
    nodeId: string,
    method: "squash" | "merge" | "rebase",
    commit?: MergeCommit,
  ): Promise<boolean>;
  /** Whether the pull request was merged (for reconciling a missed webhook), or closed without; if open, its head and auto-merge. */
  merged(ref: RepoRef, pull: number): Promise<PullNow>;
  /**
   * Whether GitHub will still merge the pull request by itself: auto-merge is on, or it sits in a
   * merge queue (where REST reads `auto_merge: null`).
   */
  autoMergeWaits(ref: RepoRef, nodeId: string): Promise<boolean>;
  /** Turns GitHub auto-merge off again (a cancelled execution must not merge later). */
  disableAutoMerge(ref: RepoRef, pull: number): Promise<void>;
  /** The latest status of a deployment (`success`, `failure`, …), or undefined when it has none. */
  deploymentState(
    ref: RepoRef,
    deployment: number,
  ): Promise<{ state: string; description?: string } | undefined>;
  /**
   * The verdict of the checks and statuses on `sha`, ignoring Orchestrate's own phase checks.
   * `settled`: a commit that still has no check at all passes (a repository without CI), rather
   * than waiting for checks that may not have started yet.
   */
  ci(ref: RepoRef, sha: string, base: string, settled?: boolean): Promise<CiVerdict>;
  /**
   * Merges the pull request at `sha`. Not merged: `conflict` when it conflicts with its base,
   * `moved` when its head is no longer `sha`, neither when it may merge later (checks, reviews).
   * `commit`: the merge commit's title and message (GitHub picks them without it).
   */
  merge(
    ref: RepoRef,
    pull: number,
    sha: string,
    method: "squash" | "merge" | "rebase",
    commit?: MergeCommit,
  ): Promise<
    { merged: true; sha: string } | { merged: false; conflict: boolean; moved?: boolean; reason: string }
  >;
  /**
   * Creates a deployment of `sha` to `environment`, marked in its payload as this execution's (the
   * issue, and `started`: when the execution started); returns its id. A deployment an earlier try
   * created (same sha, environment and mark) is returned instead: a creation retried after its
   * answer was lost does not deploy twice.
   */
  deploy(
    ref: ExecutionRef,
    deployment: { sha: string; environment: string; production: boolean; started: number },
  ): Promise<number>;
  /** Closes the issue (completed). */
  closeIssue(ref: ExecutionRef): Promise<void>;
  /** Deletes a branch; a missing one is fine. */
  deleteBranch(ref: RepoRef, branch: string): Promise<void>;
  /**
   * Cancels the `workflow_dispatch` runs (the agents' jobs Orchestrate started) still queued or
   * running on `branch`; the repository's own CI there is left alone. Returns how many.
   */
  cancelRuns(ref: RepoRef, branch: string): Promise<number>;
}

export interface GitHubPorts {
  store: ExecutionStateStore;
  dashboard: DashboardPort;
  comments: CommentsPort;
  checks: ChecksPort;
  status: StatusPort;
  branches: BranchesPort;
  dispatch: DispatchPort;
  runs: RunsPort;
  contents: ContentsPort;
  permissions: PermissionsPort;
  labels: LabelsPort;
  delivery: DeliveryPort;
}

export type { Effect };
