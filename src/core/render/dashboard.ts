import { formatDuration } from "../plan/duration.ts";
import { estimateRemaining, statusCounts } from "../report/eta.ts";
import { formatUsd } from "../report/money.ts";
import { commandDecides, reviewDecides } from "../state/gate-channels.ts";
import { retryTakes } from "../state/retry-takes.ts";
import type { ExecutionState } from "../state/types.ts";
import { IN_FLIGHT } from "../state/types.ts";
import { fullTextAt, REASON_LIMIT, shortened } from "./excerpt.ts";
import { cell, code, inert, progressBar, STATUS_ICON } from "./markdown.ts";
import { phaseMermaid, phaseStatus } from "./mermaid.ts";

/** A GitHub Actions run page (the only task reference the dashboard links). */
const RUN_URL = /^https:\/\/[\w.-]+(?::\d+)?\/[\w.-]+\/[\w.-]+\/actions\/runs\/\d+$/;

/** Hidden marker that identifies the dashboard comment. */
export const DASHBOARD_MARKER = "<!-- orchestrate:dashboard -->";

/**
 * The live dashboard comment: status, phase table with progress bars, the phase graph coloured by
 * status, running tasks, gates waiting with how to approve, cost, ETA, and a compact checkpoint.
 */
export function dashboardMarkdown(state: ExecutionState, now: number): string {
  const counts = statusCounts(state);
  const total = Object.keys(state.tasks).length;
  const done = (counts.succeeded ?? 0) + (counts.skipped ?? 0);
  const where = fullTextAt(state);
  const lines = [
    DASHBOARD_MARKER,
    `## Orchestrate: ${STATUS_ICON[state.status] ?? "🔄"} ${state.status}`,
    "",
  ];
  const facts = [
    `**${done}/${total}** tasks done`,
    `elapsed ${formatDuration((state.finished_at ?? now) - state.created_at)}`,
    state.finished_at === undefined ? `ETA ${formatDuration(estimateRemaining(state, now))}` : "",
    costFact(state),
  ].filter(Boolean);
  lines.push(facts.join(" · "));
  if (state.reason) lines.push("", `> ${shortened(state.reason, REASON_LIMIT, where)}`);
  lines.push("", "| phase | status | progress | tasks |", "|---|---|---|---|");
  for (const p of state.phases) {
    const status = phaseStatus(state, p);
    const c = statusCounts(state, p.tasks);
    const finished = (c.succeeded ?? 0) + (c.skipped ?? 0);
    const note = p.skipped !== undefined ? `skipped: ${cell(p.skipped)}` : `${finished}/${p.tasks.length}`;
    lines.push(
      `| ${cell(p.name)}${p.gate ? " 🔒" : ""} | ${STATUS_ICON[status] ?? ""} ${status} | ${progressBar(finished, p.tasks.length, 10)} | ${note} |`,
    );
  }
  const waiting = state.phases.filter((p) => state.phase_state[p.id]?.gate?.status === "open");
  for (const p of waiting) lines.push("", gateLine(state, p));
  const running = Object.entries(state.tasks).filter(([, t]) => IN_FLIGHT.has(t.status));
  if (running.length > 0) {
    lines.push("", "**Running:**");
    for (const [id, t] of running.slice(0, 20)) {
      const since = t.started_at ?? t.queued_at;
      // The workflow run the attempt was dispatched in, once its dispatch is recorded.
      const run = t.ref !== undefined && RUN_URL.test(t.ref) ? ` · [run](${t.ref})` : "";
      lines.push(
        `- ${code(id)} attempt ${t.attempt}${since !== undefined ? `, ${formatDuration(now - since)}` : ""}${run}`,
      );
    }
  }
  const failed = Object.entries(state.tasks).filter(
    ([, t]) => t.status === "failed" || t.status === "blocked" || t.status === "escalated",
  );
  if (failed.length > 0) {
    lines.push("", "**Needs attention:**");
    for (const [id, t] of failed.slice(0, 20))
      lines.push(`- ${code(id)} ${t.status}: ${shortened(t.reason ?? "", REASON_LIMIT, where)}`);
    lines.push("", "Comment `/orchestrate retry` to run them again.");
  }
  lines.push(
    "",
    "<details><summary>Graph</summary>",
    "",
    "```mermaid",
    phaseMermaid(state.phases, state),
    "```",
    "",
    "</details>",
  );
  const checkpoint = {
    seq: state.seq,
    status: state.status,
    done,
    total,
    usd: Number(state.cost.usd.toFixed(4)),
  };
  lines.push("", `<!-- orchestrate:checkpoint ${JSON.stringify(checkpoint)} -->`);
  return lines.join("\n");
}

/**
 * How an open gate is decided, as its `via` says (see `gate-channels.ts`), and by whom; once the
 * execution has ended, that its work is kept for a retry instead.
 */
function gateLine(state: ExecutionState, p: ExecutionState["phases"][number]): string {
  if (state.finished_at !== undefined)
    return `**${inert(p.name)} was waiting for approval when the execution ended** — its work is kept${retryTakes(state) ? `: comment ${code("/orchestrate retry")} to take it up again` : ""}.`;
  const who = p.gate?.approvers.length ? p.gate.approvers.join(", ") : "anyone with write access";
  const approve = code(`/orchestrate approve ${p.id}`);
  const reject = code(`/orchestrate reject ${p.id} <what should change>`);
  const byReview = reviewDecides(state, p.id);
  // An open gate is decided by one of the two: `commandDecides` is false only for the one open
  // gate that takes reviews.
  const how = commandDecides(state, p.id)
    ? `${byReview ? "approve the pull request, or comment" : "comment"} ${approve} (${reject} to revise)`
    : "approve the pull request at its current head (request changes to revise)";
  return `**Waiting for approval of ${inert(p.name)}** — ${who}: ${how}.`;
}

/** Most characters of the problem the "state unreadable" dashboard shows. */
const PROBLEM_LIMIT = 2_000;

/**
 * The dashboard when an execution's state cannot be read: the problem and how to go on. The
 * problem may quote the state file (a JSON parser's message does), which anyone who can push to
 * the state branch writes, so it is made inert and shortened (the whole is logged).
 */
export function unreadableStateMarkdown(problem: string): string {
  return [
    "## Orchestrate: ⚠️ state unreadable",
    "",
    `Orchestrate cannot read this execution's state: ${shortened(problem, PROBLEM_LIMIT, "the log", inert)}`,
    "",
    "The file was left untouched. Fix or remove it on the `orchestrate-state` branch, then comment `/orchestrate resume`.",
  ].join("\n");
}

/** What was spent, against the budget where there is one: "cost $3.20 of $25.00 · 41,000 tokens". */
export function costFact(state: ExecutionState): string {
  const budget = state.policy.budget;
  const usd = `${formatUsd(state.cost.usd)}${budget?.usd !== undefined ? ` of ${formatUsd(budget.usd)}` : ""}`;
  const tokens = `${state.cost.tokens.toLocaleString("en-US")}${budget?.tokens !== undefined ? ` of ${budget.tokens.toLocaleString("en-US")}` : ""}`;
  return `cost ${usd} · ${tokens} tokens`;
}
