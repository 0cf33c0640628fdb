import type { Trigger } from "./orchestrator.ts";
import type { ExecutionRef } from "./ports.ts";
import { ResultDispatchSchema } from "./result-record.ts";

/** Job names the agents workflow gives each task: `<task>#<attempt> (issue <n>)`. */
export const JOB_NAME = /^(?<task>.+)#(?<attempt>\d+) \(issue (?<issue>\d+)\)$/;

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
  sender?: { login: string };
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
      if (payload.action !== "labeled" || label !== options.label) return [];
      const sender = payload.sender?.login ?? "";
      return [
        {
          ref: { ...repo, issue: issue.number },
          trigger: {
            kind: "labeled",
            delivery,
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
      const job = payload.workflow_job as { name: string; conclusion?: string | null };
      const match = payload.action === "completed" ? JOB_NAME.exec(job.name) : null;
      if (!match?.groups) return [];
      return [
        {
          ref: { ...repo, issue: Number(match.groups.issue) },
          trigger: {
            kind: "job_completed",
            delivery,
            task: match.groups.task!,
            attempt: Number(match.groups.attempt),
            conclusion: job.conclusion ?? "unknown",
          },
        },
      ];
    }
    default:
      return [];
  }
}
