import { parseCommands } from "../core/commands/index.ts";
import type { Trigger } from "./orchestrator.ts";
import type { ExecutionRef, RepoRef } from "./ports.ts";
import { ResultDispatchSchema } from "./result-record.ts";

/**
 * Job names the agents workflow gives each task: `<task>#<attempt> (issue <n>)` for the job that
 * runs the agent, `publish <task>#<attempt> (issue <n>)` for the job that commits its result
 * (when the workflow splits them); `<caller job> / ` in front for each workflow it is called from.
 */
export const JOB_NAME =
  /^(?:[^/]+ \/ )*(?<publish>publish )?(?<task>[^ ].*)#(?<attempt>\d+) \(issue (?<issue>\d+)\)$/;

/** A trigger for one execution, from one webhook delivery. */
export interface RoutedTrigger {
  ref: ExecutionRef;
  trigger: Trigger;
}

export interface WebhookOptions {
  /** The label that starts an execution. */
  label: string;
}

interface Payload {
  action?: string;
  repository?: { name: string; owner: { login: string } };
  sender?: { login: string; type?: string };
  [key: string]: unknown;
}

/**
 * Turns a webhook (name + payload) into triggers for the executions it concerns. The app and the
 * Action's orchestrate mode share this mapping; neither calls GitHub here.
 */
export function triggersOf(
  name: string,
  payload: Payload,
  delivery: string,
  options: WebhookOptions,
): RoutedTrigger[] {
  const repository = payload.repository;
  if (!repository) return [];
  const repo = { owner: repository.owner.login, repo: repository.name };
  switch (name) {
    case "issues": {
      const issue = payload.issue as {
        number: number;
        title: string;
        body?: string | null;
        user?: { login: string } | null;
      };
      const label = (payload.label as { name?: string } | undefined)?.name;
      const stopped =
        payload.action === "closed"
          ? "the issue was closed"
          : payload.action === "unlabeled" && label === options.label
            ? "the label was removed"
            : undefined;
      if (stopped) {
        const by = payload.sender?.login ?? "someone";
        return [
          {
            ref: { ...repo, issue: issue.number },
            trigger: {
              kind: "stop",
              delivery,
              by,
              reason: `${stopped} by ${by}`,
              closed: payload.action === "closed",
              label: options.label,
            },
          },
        ];
      }
      if (payload.action !== "labeled" || label !== options.label) return [];
      const sender = payload.sender?.login ?? "";
      return [
        {
          ref: { ...repo, issue: issue.number },
          trigger: {
            kind: "labeled",
            delivery,
            label,
            sender,
            author: issue.user?.login ?? sender,
            title: issue.title,
            body: issue.body ?? "",
          },
        },
      ];
    }
    case "repository_dispatch": {
      if (payload.action !== "orchestrate-result") return [];
      const parsed = ResultDispatchSchema.safeParse(payload.client_payload);
      if (!parsed.success) return [];
      return [
        {
          ref: { ...repo, issue: parsed.data.issue },
          trigger: { kind: "result", delivery, result: parsed.data },
        },
      ];
    }
    case "workflow_job": {
      const job = payload.workflow_job as { name: string; conclusion?: string | null; run_id: number };
      const match = JOB_NAME.exec(job.name);
      if (!match?.groups) return [];
      const ref = { ...repo, issue: Number(match.groups.issue) };
      const task = match.groups.task!;
      const attempt = Number(match.groups.attempt);
      const publish = match.groups.publish !== undefined;
      if (payload.action === "in_progress") {
        // The agent's job runs: the task's attempt has started (its time limit counts from now).
        if (publish) return [];
        return [{ ref, trigger: { kind: "job_started", task, attempt, run: job.run_id } }];
      }
      if (payload.action !== "completed") return [];
      return [
        {
          ref,
          trigger: {
            kind: "job_completed",
            delivery,
            task,
            attempt,
            run: job.run_id,
            publish,
            conclusion: job.conclusion ?? "unknown",
          },
        },
      ];
    }
    case "check_suite":
    case "workflow_run": {
      const run = (payload.check_suite ?? payload.workflow_run) as
        | {
            head_branch?: string | null;
            head_sha: string;
            id?: number;
            event?: string;
            conclusion?: string | null;
          }
        | undefined;
      const issue = issueOfBranch(run?.head_branch);
      if (payload.action !== "completed" || !run || issue === undefined) return [];
      const ref = { ...repo, issue };
      const out: RoutedTrigger[] = [{ ref, trigger: { kind: "checks", delivery, sha: run.head_sha } }];
      // A dispatched run (the agents workflow) finished: its tasks that left no result failed,
      // including those whose jobs never started.
      if (name === "workflow_run" && run.event === "workflow_dispatch" && typeof run.id === "number") {
        out.push({
          ref,
          trigger: { kind: "run_completed", delivery, run: run.id, conclusion: run.conclusion ?? "unknown" },
        });
      }
      return out;
    }
    case "status": {
      const branches = (payload.branches as { name: string }[] | undefined) ?? [];
      const issue = branches.map((b) => issueOfBranch(b.name)).find((n) => n !== undefined);
      if (issue === undefined || payload.state === "pending") return [];
      return [{ ref: { ...repo, issue }, trigger: { kind: "checks", delivery, sha: payload.sha as string } }];
    }
    case "pull_request": {
      const pr = payload.pull_request as {
        number: number;
        merged?: boolean;
        merge_commit_sha?: string | null;
        head: { ref: string; repo?: { full_name?: string } | null };
      };
      const issue = issueOfBranch(pr.head.ref);
      // Only a pull request from this repository's own working branch (never a fork's).
      const own =
        pr.head.repo?.full_name === undefined || pr.head.repo.full_name === `${repo.owner}/${repo.repo}`;
      if (payload.action !== "closed" || !pr.merged || !pr.merge_commit_sha || issue === undefined || !own)
        return [];
      const sha = pr.merge_commit_sha;
      const by = payload.sender?.login ?? "someone";
      return [
        {
          ref: { ...repo, issue },
          trigger: {
            kind: "events",
            events: [{ id: `merged:${sha}`, type: "pr_merged", sha, number: pr.number, by }],
          },
        },
      ];
    }
    case "deployment_status": {
      const deployment = payload.deployment as { id: number; environment: string; payload?: unknown };
      const status = payload.deployment_status as { state: string; description?: string | null };
      const issue = (deployment.payload as { orchestrate?: { issue?: unknown } } | null | undefined)
        ?.orchestrate?.issue;
      if (typeof issue !== "number") return [];
      const event = {
        id: `deployment-status:${deployment.id}:${status.state}`,
        type: "deployment_status" as const,
        environment: deployment.environment,
        deployment: deployment.id,
        state: status.state as "success",
        ...(status.description ? { description: status.description } : {}),
      };
      return [{ ref: { ...repo, issue }, trigger: { kind: "events", events: [event] } }];
    }
    case "issue_comment":
      return commentTriggers(repo, payload, delivery);
    case "pull_request_review":
      return reviewTriggers(repo, payload, delivery);
    case "check_run":
      return buttonTriggers(repo, payload, delivery);
    default:
      return [];
  }
}

/** The issue a working branch belongs to (`orchestrate/issue-<n>`). */
const WORKING_BRANCH = /^orchestrate\/issue-(\d+)$/;
/** GitHub's closing keywords in a pull request body. */
const CLOSES = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b/gi;

/**
 * A new comment with at least one `/orchestrate` line. On an issue it concerns that issue; on a
 * pull request, the issue its head branch (`orchestrate/issue-<n>`, when the payload names it) or
 * its body (`Closes #<n>`, exactly one issue) points to; otherwise none. Edits are ignored.
 */
function commentTriggers(repo: RepoRef, payload: Payload, delivery: string): RoutedTrigger[] {
  if (payload.action !== "created") return [];
  const comment = payload.comment as {
    id: number;
    body?: string | null;
    user?: { login: string; type?: string } | null;
    created_at?: string;
  };
  const issue = payload.issue as { number: number; body?: string | null; pull_request?: unknown };
  const body = comment.body ?? "";
  if (parseCommands(body).length === 0) return [];
  const head = (payload.pull_request as { head?: { ref?: string } } | undefined)?.head?.ref;
  const number = issue.pull_request === undefined ? issue.number : pullRequestIssue(head, issue.body ?? "");
  if (number === undefined) return [];
  const user = comment.user?.login ?? payload.sender?.login ?? "";
  const userType = comment.user?.type ?? payload.sender?.type ?? "User";
  return [
    {
      ref: { ...repo, issue: number },
      trigger: {
        kind: "comment",
        delivery,
        commentId: comment.id,
        user,
        userType,
        body,
        ...timeOf(comment.created_at),
      },
    },
  ];
}

/** The issue of a pull request: from its head branch when known, else from its one closing reference. */
function pullRequestIssue(head: string | undefined, body: string): number | undefined {
  if (head !== undefined) {
    const match = WORKING_BRANCH.exec(head);
    return match ? Number(match[1]) : undefined;
  }
  const closed = new Set([...body.matchAll(CLOSES)].map((m) => Number(m[1])));
  return closed.size === 1 ? [...closed][0] : undefined;
}

/** A submitted review of a pull request whose head is a working branch of this repository. */
function reviewTriggers(repo: RepoRef, payload: Payload, delivery: string): RoutedTrigger[] {
  if (payload.action !== "submitted") return [];
  const review = payload.review as {
    id?: number;
    state: string;
    commit_id: string;
    body?: string | null;
    user?: { login: string; type?: string } | null;
    submitted_at?: string | null;
  };
  const pull = payload.pull_request as {
    number: number;
    head: { ref: string; repo?: { full_name: string } | null };
  };
  const match = WORKING_BRANCH.exec(pull.head.ref);
  const own = pull.head.repo?.full_name.toLowerCase() === `${repo.owner}/${repo.repo}`.toLowerCase();
  if (!match || !own) return [];
  return [
    {
      ref: { ...repo, issue: Number(match[1]) },
      trigger: {
        kind: "review",
        delivery,
        user: review.user?.login ?? payload.sender?.login ?? "",
        userType: review.user?.type ?? payload.sender?.type ?? "User",
        state: review.state.toLowerCase(),
        commitId: review.commit_id,
        body: review.body ?? "",
        pull: pull.number,
        ...(typeof review.id === "number" ? { reviewId: review.id } : {}),
        ...timeOf(review.submitted_at),
      },
    },
  ];
}

/**
 * `{ at }`: when a comment was written or a review submitted (ms since the epoch), from the
 * payload's ISO time; nothing when the payload has none (see `CommandSession.writtenAt`).
 */
function timeOf(iso: string | null | undefined): { at: number } | Record<string, never> {
  const at = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(at) ? { at } : {};
}

/** A requested action (Approve / Reject / Retry) on a phase's check run, external id `<issue>:<phase>`. */
function buttonTriggers(repo: RepoRef, payload: Payload, delivery: string): RoutedTrigger[] {
  if (payload.action !== "requested_action") return [];
  const run = payload.check_run as { external_id?: string | null };
  const identifier = (payload.requested_action as { identifier?: string } | undefined)?.identifier;
  const match = /^(\d+):(.+)$/.exec(run.external_id ?? "");
  if (!match || !identifier) return [];
  return [
    {
      ref: { ...repo, issue: Number(match[1]) },
      trigger: {
        kind: "check_action",
        delivery,
        user: payload.sender?.login ?? "",
        userType: payload.sender?.type ?? "User",
        identifier,
        phase: match[2]!,
      },
    },
  ];
}

/** The issue of a working branch `orchestrate/issue-<n>`, if it is one. */
export function issueOfBranch(branch: string | null | undefined): number | undefined {
  const match = /^orchestrate\/issue-(\d+)$/.exec(branch ?? "");
  return match ? Number(match[1]) : undefined;
}
