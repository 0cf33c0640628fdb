import { formatDuration } from "../plan/duration.ts";
import { formatUsd } from "../report/money.ts";
import { summarize } from "../report/summarize.ts";
import type { ExecutionState } from "../state/types.ts";
import { cell, code, codeCell, inert } from "./markdown.ts";

/** The pull request's title: the project, else the request's title. */
export function pullRequestTitle(state: ExecutionState): string {
  const request = state.meta.request as { project?: string; title?: string } | undefined;
  return `Orchestrate: ${request?.project || request?.title || state.id}`.slice(0, 250);
}

/**
 * The pull request's description, generated from the request, the artifacts, the task summaries
 * and the metrics; it closes the issue when merged.
 */
export function pullRequestBody(state: ExecutionState, issue: number): string {
  const result = summarize(state);
  const request = state.meta.request as
    | { requirements?: string[]; stack?: string[]; deadline?: string | null }
    | undefined;
  const lines = [`Closes #${issue}`, ""];
  // Issue text is made inert: only the line above may close an issue when this is merged.
  if (request?.requirements?.length)
    lines.push(`**Requirements:** ${inert(request.requirements.join(", "))}`);
  if (request?.stack?.length) lines.push(`**Stack:** ${inert(request.stack.join(", "))}`);
  if (request?.deadline) lines.push(`**Deadline:** ${inert(request.deadline)}`);
  lines.push("", "## What was done", "", "| task | status | summary |", "|---|---|---|");
  for (const t of result.tasks)
    lines.push(`| ${codeCell(t.id)} | ${t.status} | ${cell(t.summary ?? t.reason ?? "")} |`);
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
    for (const a of state.audit) lines.push(`- ${inert(a.by)}: ${inert(a.what)}`);
  }
  return lines.join("\n");
}
