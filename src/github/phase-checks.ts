import { formatDuration } from "../core/plan/duration.ts";
import { cutAt, fullTextAt, shortened, summaryLimit } from "../core/render/excerpt.ts";
import { code, inert } from "../core/render/markdown.ts";
import { phaseStatus } from "../core/render/mermaid.ts";
import { reportMarkdown } from "../core/render/report-markdown.ts";
import { commandDecides, reviewDecides } from "../core/state/gate-channels.ts";
import { type ExecutionState, own, type PhaseSpec } from "../core/state/index.ts";
import { retryTakes } from "../core/state/retry-takes.ts";
import type { PhaseCheck } from "./ports.ts";

/** Requested-action buttons of a phase's check run: a waiting gate's decision, or a retry of what failed. */
export const GATE_ACTIONS = [
  { label: "Approve", identifier: "approve", description: "Approve this phase" },
  { label: "Reject", identifier: "reject", description: "Run this phase again" },
  { label: "Retry", identifier: "retry", description: "Retry failed tasks" },
];

/**
 * Most characters of one task's summary in its phase's check run (less when the phase has many
 * tasks): more than the report shows, and still within the check run's 65,535 bytes with the
 * instructions after the list.
 */
export const PHASE_SUMMARY_LIMIT = 16_000;

/** The check run a phase shows: queued → in progress → completed with a summary; skipped with the reason. */
export function checkOf(state: ExecutionState, phase: PhaseSpec): PhaseCheck {
  const status = phaseStatus(state, phase);
  const where = fullTextAt(state);
  const limit = summaryLimit(phase.tasks.length, PHASE_SUMMARY_LIMIT);
  const lines = phase.tasks.map((id) => {
    const t = state.tasks[id]!;
    const note = t.summary || t.reason;
    return `- ${code(id)}: ${t.status}${t.attempt > 1 ? ` (attempt ${t.attempt})` : ""}${t.busy_ms ? `, ${formatDuration(t.busy_ms)}` : ""}${note ? ` — ${shortened(note, limit, where, inert)}` : ""}`;
  });
  const summary = lines.join("\n") || "No tasks.";
  const base = { phase: phase.id, summary };
  if (phase.skipped !== undefined) {
    return {
      ...base,
      status: "completed",
      conclusion: "skipped",
      title: `Skipped: ${phase.skipped}`,
      summary: `Skipped: ${inert(phase.skipped)}`,
    };
  }
  if (state.status === "cancelled" && status !== "succeeded") {
    return { ...base, status: "completed", conclusion: "cancelled", title: "Cancelled" };
  }
  switch (status) {
    case "succeeded":
      return {
        ...base,
        status: "completed",
        conclusion: "success",
        title: `${phase.tasks.length} task(s) succeeded`,
      };
    case "failed":
      return {
        ...base,
        status: "completed",
        conclusion: "failure",
        title: "Failed",
        actions: [GATE_ACTIONS[2]!],
      };
    case "blocked":
      return {
        ...base,
        status: "completed",
        conclusion: "action_required",
        title: "Blocked: needs a person",
        summary: `${summary}\n\nResolve what is named above, then comment \`/orchestrate retry\` or use the button above.`,
        actions: [GATE_ACTIONS[2]!],
      };
    case "cancelled":
      return { ...base, status: "completed", conclusion: "cancelled", title: "Cancelled" };
    case "waiting":
      return waitingCheck(state, phase, base);
    case "running":
      return { ...base, status: "in_progress", title: "Running" };
    default:
      return {
        ...base,
        status: state.finished_at !== undefined ? "completed" : "queued",
        ...(state.finished_at !== undefined ? { conclusion: "neutral" as const } : {}),
        title: "Not started",
      };
  }
}

/**
 * A phase whose work waits at its gate: how that gate is decided (its `via`, see
 * `gate-channels.ts`), with the Approve and Reject buttons where a command decides it. No Retry:
 * work under review has nothing to run again (a rejection sends it back). Once the execution has
 * ended, nothing is decided here: the work is kept for a retry to take up.
 */
function waitingCheck(
  state: ExecutionState,
  phase: PhaseSpec,
  base: { phase: string; summary: string },
): PhaseCheck {
  if (state.finished_at !== undefined)
    return {
      ...base,
      status: "completed",
      conclusion: "cancelled",
      title: "Stopped while waiting for approval",
      summary: `${base.summary}\n\nThe execution ended before this phase's gate was decided; its work is kept.${retryTakes(state) ? ` Comment ${code("/orchestrate retry")} to take it up again.` : ""}`,
    };
  const open = own(state.phase_state, phase.id)?.gate?.status === "open";
  const byCommand = open && commandDecides(state, phase.id);
  const byReview = open && reviewDecides(state, phase.id);
  const approve = code(`/orchestrate approve ${phase.id}`);
  const reject = code(`/orchestrate reject ${phase.id} <what should change>`);
  const how = byCommand
    ? `${byReview ? "Approve the pull request, comment" : "Comment"} ${approve} (${reject} to revise), or use the buttons above.`
    : byReview
      ? "Approve the working branch's pull request at its current head, or request changes to revise."
      : "";
  return {
    ...base,
    status: "completed",
    conclusion: "action_required",
    title: "Waiting for approval",
    ...(how ? { summary: `${base.summary}\n\n${how}` } : {}),
    ...(byCommand ? { actions: GATE_ACTIONS.slice(0, 2) } : {}),
  };
}

/**
 * The "phase" of the summary check run on the delivery pull request's head (`orchestrate / all
 * phases`): a space keeps it apart from every phase id.
 */
export const SUMMARY_CHECK = "all phases";

/**
 * The check run delivery puts on the pull request's head: the phases' own check runs sit on the
 * commit the working branch started from, which the pull request does not show. Delivery starts
 * once every phase succeeded (or was skipped), so it concludes success; the summary is the report.
 */
export function summaryCheck(state: ExecutionState): PhaseCheck {
  const ran = state.phases.filter((p) => p.skipped === undefined).length;
  const skipped = state.phases.length - ran;
  // Stopped after the pull request opened (cancelled, failed): the check says so, so that branch
  // protection requiring it holds the pull request back.
  const stopped = state.status === "cancelled" || state.status === "failed" ? state.status : undefined;
  return {
    phase: SUMMARY_CHECK,
    status: "completed",
    conclusion: stopped === "cancelled" ? "cancelled" : stopped === "failed" ? "failure" : "success",
    title: stopped
      ? cutAt(`execution ${stopped}${state.reason ? `: ${state.reason}` : ""}`, 200)
      : `${ran} phase(s) succeeded${skipped > 0 ? `, ${skipped} skipped` : ""}`,
    summary: reportMarkdown(state),
  };
}
