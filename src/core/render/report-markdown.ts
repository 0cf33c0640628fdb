import { formatDuration } from "../plan/duration.ts";
import { formatUsd as money } from "../report/money.ts";
import type { OrchestrationResult } from "../report/summarize.ts";
import { summarize } from "../report/summarize.ts";
import type { ExecutionState } from "../state/types.ts";
import { fullTextAt, REASON_LIMIT, shortened, summaryLimit } from "./excerpt.ts";
import { cell, code, codeCell, inert, STATUS_ICON } from "./markdown.ts";
import { phaseMermaid, phaseStatus } from "./mermaid.ts";

/** Most characters of one error message in the errors table (a task may fail many times). */
const ERROR_LIMIT = 300;
/** Most characters of an error's kind (a word, unless an agent's result says otherwise). */
const KIND_LIMIT = 60;

function time(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "-" : new Date(ms).toISOString().replace(".000Z", "Z");
}

/**
 * The execution report in GitHub-flavoured markdown: phases, tasks, artifacts, metrics, approvals,
 * graph. Long summaries, reasons and error messages are shortened (see `shortened`), so one task's
 * long summary does not push the sections after the task table past GitHub's limits.
 */
export function reportMarkdown(
  state: ExecutionState,
  result: OrchestrationResult = summarize(state),
): string {
  const m = result.metrics;
  const project =
    typeof (state.meta.request as { project?: unknown } | undefined)?.project === "string"
      ? ` — ${inert((state.meta.request as { project: string }).project)}`
      : "";
  const where = fullTextAt(state);
  const out: string[] = [];
  out.push(`# Orchestrate report: ${inert(state.id)}${project}`, "");
  out.push(
    `**Status:** ${STATUS_ICON[state.status] ?? ""} ${state.status}${state.reason ? ` — ${shortened(state.reason, REASON_LIMIT, where)}` : ""}  `,
  );
  out.push(`**Started:** ${time(state.created_at)} · **Finished:** ${time(state.finished_at)}`, "");
  // An execution still under way has figures so far; with no time to measure them against
  // (its summary made without a `now`), the ones over wall time mean nothing yet.
  const open = state.finished_at === undefined;
  const timed = (text: string) => (open && m.wall_time === 0 ? "—" : text);
  out.push(open ? "## Metrics (so far)" : "## Metrics", "", "| metric | value |", "|---|---|");
  out.push(`| wall time | ${timed(formatDuration(m.wall_time))} |`);
  out.push(`| serial time (sum of task time) | ${formatDuration(m.serial_time)} |`);
  out.push(`| speedup vs serial | ${timed(`${m.speedup_vs_serial.toFixed(2)}×`)} |`);
  out.push(
    `| parallel efficiency | ${timed(`${(m.parallel_efficiency * 100).toFixed(0)}%`)} of ${state.policy.max_concurrency} slots |`,
  );
  out.push(`| idle slot time | ${timed(formatDuration(m.idle_time))} |`);
  out.push(
    `| cost | ${money(m.cost_estimate.usd)} · ${m.cost_estimate.tokens.toLocaleString("en-US")} tokens |`,
    "",
  );
  if (state.phases.length > 0) {
    out.push("## Phases", "", "| phase | status | tasks | duration | gate |", "|---|---|---|---|---|");
    for (const p of state.phases) {
      const status = phaseStatus(state, p);
      const ps = state.phase_state[p.id];
      const starts = p.tasks
        .map((id) => state.tasks[id]?.first_started_at)
        .filter((x): x is number => x !== undefined);
      const ends = p.tasks
        .map((id) => state.tasks[id]?.finished_at)
        .filter((x): x is number => x !== undefined);
      const duration =
        starts.length > 0 && ends.length === p.tasks.length
          ? formatDuration(Math.max(...ends) - Math.min(...starts))
          : "-";
      const gate = ps?.gate
        ? `${ps.gate.status}${ps.gate.approvals.length ? ` by ${ps.gate.approvals.map((a) => a.by).join(", ")}` : ""}${ps.gate.revisions ? ` after ${ps.gate.revisions} revision(s)` : ""}`
        : p.gate
          ? "not reached"
          : "";
      const tasks = p.skipped !== undefined ? `skipped: ${p.skipped}` : String(p.tasks.length);
      out.push(
        `| ${cell(p.name)} | ${STATUS_ICON[status]} ${status} | ${cell(tasks)} | ${duration} | ${cell(gate)} |`,
      );
    }
    out.push("");
  }
  out.push(
    "## Tasks",
    "",
    "| task | agent | status | attempts | duration | cost | summary |",
    "|---|---|---|---|---|---|---|",
  );
  const limit = summaryLimit(result.tasks.length);
  for (const t of result.tasks) {
    const note = shortened(t.summary ?? t.reason ?? "", limit, where);
    out.push(
      `| ${cell(t.id)} | ${cell(t.agent)} | ${STATUS_ICON[t.status] ?? ""} ${t.status} | ${t.attempts} | ${formatDuration(t.duration_ms)} | ${money(t.cost.usd)} | ${note} |`,
    );
  }
  out.push("");
  const artifacts = result.tasks.flatMap((t) => t.artifacts.map((a) => ({ task: t.id, ...a })));
  if (artifacts.length > 0) {
    out.push("## Artifacts", "", "| task | output | path | sha256 | bytes |", "|---|---|---|---|---|");
    for (const a of artifacts) {
      out.push(
        `| ${cell(a.task)} | ${cell(a.name)} | ${cell(a.path)} | ${codeCell((a.sha256 ?? "").slice(0, 12))} | ${a.bytes ?? ""} |`,
      );
    }
    out.push("");
  }
  const errors = result.tasks.flatMap((t) => t.errors.map((e) => ({ task: t.id, ...e })));
  if (errors.length > 0) {
    out.push("## Errors", "", "| task | attempt | kind | message |", "|---|---|---|---|");
    for (const e of errors)
      out.push(
        `| ${cell(e.task)} | ${e.attempt} | ${shortened(e.kind, KIND_LIMIT, where)} | ${shortened(e.message, ERROR_LIMIT, where)} |`,
      );
    out.push("");
  }
  if (state.audit.length > 0) {
    out.push("## Approvals and commands", "", "| time | who | what |", "|---|---|---|");
    for (const a of state.audit)
      out.push(`| ${time(a.at)} | ${cell(a.by)} | ${shortened(a.what, REASON_LIMIT, where)} |`);
    out.push("");
  }
  if (result.merged.conflicts.length > 0) {
    out.push("## Conflicts", "");
    for (const c of result.merged.conflicts)
      out.push(
        `- ${inert(c.tasks.join(" ↔ "))}: ${c.files.map((f) => code(f)).join(", ") || "(files unknown)"}`,
      );
    out.push("");
  }
  if (state.phases.length > 0)
    out.push("## Graph", "", "```mermaid", phaseMermaid(state.phases, state), "```", "");
  return out.join("\n");
}
