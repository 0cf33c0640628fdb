import { formatDuration } from "../plan/duration.ts";
import { formatUsd } from "../report/money.ts";
import { summarize } from "../report/summarize.ts";
import type { ExecutionState } from "../state/types.ts";
import { cutAt, fullTextAt, REASON_LIMIT, SUMMARY_LIMIT, shortened, summaryLimit } from "./excerpt.ts";
import { code, codeCell, defused, inert } from "./markdown.ts";

/** GitHub's limit on a pull request's description, in characters. */
export const PULL_REQUEST_BODY_LIMIT = 65_536;

const TRUNCATED = "\n\n… _(truncated: longer than GitHub allows in a pull request description)_\n";

/**
 * The pull request's title: the project, else the request's title. Issue text, so defused: GitHub
 * puts the title in the merge or squash commit, where "Fix #45" would close issue 45.
 */
export function pullRequestTitle(state: ExecutionState): string {
  const request = state.meta.request as { project?: string; title?: string } | undefined;
  return cutAt(`Orchestrate: ${defused(request?.project || request?.title || state.id)}`, 250);
}

/** The title and message of the commit that merges (or squashes) a pull request. */
export interface MergeCommit {
  title: string;
  message: string;
}

/**
 * The merge commit of the execution's pull request `pull`, said explicitly rather than left to
 * GitHub (which may take the pull request's title and body, or the messages of every commit of the
 * branch, agents' included): the title with the pull request's number, and a message that closes
 * the execution's issue, and nothing else.
 */
export function mergeCommit(state: ExecutionState, issue: number, pull: number): MergeCommit {
  return {
    title: `${pullRequestTitle(state)} (#${pull})`,
    message: `Closes #${issue}\n\nDelivered by Orchestrate (execution ${defused(state.id)}).`,
  };
}

/**
 * The pull request's description, generated from the request, the artifacts, the task summaries
 * and the metrics; it closes the issue when merged. Long summaries, reasons and request fields are
 * shortened (see `shortened`) so the sections after them are kept; the whole is capped at GitHub's
 * limit as a last resort, since opening a pull request with a longer description fails.
 */
export function pullRequestBody(state: ExecutionState, issue: number): string {
  const result = summarize(state);
  const request = state.meta.request as
    | { requirements?: string[]; stack?: string[]; deadline?: string | null }
    | undefined;
  const where = fullTextAt(state);
  const lines = [`Closes #${issue}`, ""];
  // Issue text is made inert: only the line above may close an issue when this is merged.
  const fromIssue = (text: string, limit: number) => shortened(text, limit, `#${issue}`, inert);
  if (request?.requirements?.length)
    lines.push(`**Requirements:** ${fromIssue(request.requirements.join(", "), SUMMARY_LIMIT)}`);
  if (request?.stack?.length) lines.push(`**Stack:** ${fromIssue(request.stack.join(", "), REASON_LIMIT)}`);
  if (request?.deadline) lines.push(`**Deadline:** ${fromIssue(request.deadline, REASON_LIMIT)}`);
  lines.push("", "## What was done", "", "| task | status | summary |", "|---|---|---|");
  const limit = summaryLimit(result.tasks.length);
  for (const t of result.tasks)
    lines.push(
      `| ${codeCell(t.id)} | ${t.status} | ${shortened(t.summary ?? t.reason ?? "", limit, where)} |`,
    );
  const artifacts = result.tasks.flatMap((t) => t.artifacts.map((a) => ({ task: t.id, ...a })));
  if (artifacts.length > 0) {
    lines.push("", "## Artifacts", "");
    for (const a of artifacts)
      lines.push(
        `- ${code(a.path)} (${inert(a.task)}${a.sha256 ? `, sha256 ${code(a.sha256.slice(0, 12))}` : ""})`,
      );
  }
  const m = result.metrics;
  lines.push(
    "",
    "## Metrics",
    "",
    `Wall time ${formatDuration(m.wall_time)} · task time ${formatDuration(m.serial_time)} · speedup ${m.speedup_vs_serial.toFixed(2)}× · cost ${formatUsd(m.cost_estimate.usd)} (${m.cost_estimate.tokens.toLocaleString("en-US")} tokens)`,
  );
  if (state.audit.length > 0) {
    lines.push("", "## Approvals", "");
    for (const a of state.audit)
      lines.push(`- ${inert(a.by)}: ${shortened(a.what, REASON_LIMIT, where, inert)}`);
  }
  const body = lines.join("\n");
  return body.length <= PULL_REQUEST_BODY_LIMIT
    ? body
    : cutAt(body, PULL_REQUEST_BODY_LIMIT - TRUNCATED.length) + TRUNCATED;
}
