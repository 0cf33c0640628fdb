import { createLogUpdate } from "log-update";
import { formatDuration } from "../core/plan/duration.ts";
import { costFact } from "../core/render/dashboard.ts";
import { progressBar } from "../core/render/markdown.ts";
import { phaseStatus } from "../core/render/mermaid.ts";
import { estimateRemaining, statusCounts } from "../core/report/eta.ts";
import { formatUsd } from "../core/report/money.ts";
import type { EffectOf, ExecutionState } from "../core/state/index.ts";
import type { Notifier, TelemetryEvent } from "../ports/engine-ports.ts";
import type { CliIO } from "./io.ts";

/** What the run command shows while an execution runs. */
export interface ProgressView extends Notifier {
  telemetry(event: TelemetryEvent): void;
  /** Stops live rendering (before prompts and at the end). */
  pause(): void;
  resume(): void;
  stop(): void;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/**
 * Dollars with as many decimals as the figure needs (2 to 6): `$0.02`, `$0.015`, `$0.00002`,
 * never a cost rounded to a figure it is not.
 */
export { formatUsd };

/**
 * Lines of the live view: header, phases with bars, running tasks with elapsed time. `status`
 * replaces the state's own in the header (`interrupted` when no process runs it).
 */
export function liveLines(state: ExecutionState, now: number, status: string = state.status): string[] {
  const counts = statusCounts(state);
  const total = Object.keys(state.tasks).length;
  const done = (counts.succeeded ?? 0) + (counts.skipped ?? 0);
  const eta = estimateRemaining(state, now);
  const lines = [
    `${state.id}  ${status}  ${done}/${total} tasks  elapsed ${formatDuration(now - state.created_at)}  ETA ${formatDuration(eta)}  ${costFact(state)}`,
  ];
  for (const p of state.phases) {
    const c = statusCounts(state, p.tasks);
    const finished = (c.succeeded ?? 0) + (c.skipped ?? 0);
    const status = phaseStatus(state, p);
    const note = p.skipped !== undefined ? `skipped: ${p.skipped}` : `${finished}/${p.tasks.length}`;
    lines.push(
      `  ${p.id.padEnd(16)} ${progressBar(finished, p.tasks.length, 16, "█", "░")} ${status.padEnd(9)} ${note}${approvalNote(state, p)}`,
    );
  }
  lines.push(...circuitLines(state));
  const running = Object.entries(state.tasks).filter(
    ([, t]) => t.status === "in_progress" || t.status === "queued",
  );
  // No process runs it: a started attempt's time stopped growing when its process did.
  const idle = status !== state.status;
  for (const [id, t] of running.slice(0, 12)) {
    const elapsed =
      t.started_at === undefined ? "queued" : idle ? "interrupted" : formatDuration(now - t.started_at);
    lines.push(`  ▸ ${id} (attempt ${t.attempt}) ${elapsed}`);
  }
  if (running.length > 12) lines.push(`  … and ${running.length - 12} more running`);
  return lines;
}

/**
 * How far an open gate that needs several approvals has come (`  1 of 2 approvals`): a gate with
 * one approval given still waits, and nothing else says why.
 */
function approvalNote(state: ExecutionState, phase: ExecutionState["phases"][number]): string {
  const gate = state.phase_state[phase.id]?.gate;
  const needed = phase.gate?.min_approvals ?? 1;
  if (gate?.status !== "open" || needed < 2) return "";
  return `  ${gate.approvals.length} of ${needed} approvals`;
}

/**
 * The agents whose circuit is open in an unfinished execution, and until when: their tasks stay
 * `ready` with nothing running (or fail, with `on_open: fail`) until the cooldown ends.
 */
function circuitLines(state: ExecutionState): string[] {
  if (state.finished_at !== undefined) return [];
  const cooldown = state.policy.circuit_breaker.cooldown;
  return Object.entries(state.circuits)
    .filter(([, c]) => c.state === "open")
    .map(([agent, c]) => {
      const until = state.timers[`circuit:${agent}`]?.at ?? (c.opened_at ?? state.created_at) + cooldown;
      return `  agent ${agent}: circuit open until ${clock(until)} (${c.consecutive_failures} failures in a row)`;
    });
}

/**
 * Whether `e` is a notice that says nothing true any more of `state`: that an agent's circuit
 * opened tells of a cooldown before its next task, but once the execution has ended (the same
 * failure ended it), no task waits for that cooldown.
 */
function staleNotice(e: TelemetryEvent, state: ExecutionState | undefined): boolean {
  return e.name === "notice" && state?.finished_at !== undefined && e.topic === "circuit_open";
}

/** Plain, timestamped lines: one per notable event. */
function plainLine(e: TelemetryEvent): string | undefined {
  const at = clock(e.at);
  switch (e.name) {
    case "task_started":
      return `${at}  start    ${e.task} (attempt ${e.attempt})`;
    case "task_succeeded":
      return `${at}  done     ${e.task}`;
    case "task_failed":
      return `${at}  failed   ${e.task} (attempt ${e.attempt}): ${e.message ?? ""}`;
    case "task_timed_out":
      return `${at}  timeout  ${e.task} (attempt ${e.attempt}) exceeded its time limit`;
    case "gate_opened":
      return `${at}  gate     ${e.message} waits for approval`;
    case "gate_approved":
      return `${at}  approved ${e.message}`;
    case "gate_rejected":
      return `${at}  rejected ${e.message}`;
    case "notice":
      return `${at}  notice   ${e.message}`;
    case "execution_succeeded":
    case "execution_failed":
    case "execution_cancelled":
      return `${at}  ${e.name.replace("execution_", "").padEnd(8)} ${e.message ?? ""}`.trimEnd();
    default:
      return undefined;
  }
}

/** What a live view draws on: a terminal's stream with its size. */
type Terminal = NodeJS.WritableStream & { columns?: number; rows?: number };

/**
 * `stream` as the live view draws on it, with a usable size: a terminal that reports none (0×0,
 * as under `script` or some CI terminals) gets 80 columns and 24 rows. Drawn at 0 columns or 0
 * rows, log-update would show nothing at all.
 */
export function sizedTerminal(stream: Terminal): NodeJS.WriteStream {
  const sized = {
    write: (text: string) => stream.write(text),
    get columns() {
      return stream.columns || 80;
    },
    get rows() {
      return stream.rows || 24;
    },
  };
  return sized as unknown as NodeJS.WriteStream;
}

/** A view for `run`/`resume`: live on a TTY (unless `plain`), else plain lines to stderr. */
export function createView(
  io: CliIO,
  getState: () => ExecutionState | undefined,
  now: () => number,
  plain: boolean,
): ProgressView {
  const live = !plain && io.stderr.isTTY === true && !io.env.CI;
  const render = live ? createLogUpdate(sizedTerminal(io.stderr), { showCursor: true }) : undefined;
  let timer: NodeJS.Timeout | undefined;
  let paused = false;
  const draw = () => {
    const state = getState();
    if (render && state && !paused) render(liveLines(state, now()).join("\n"));
  };
  if (render) {
    timer = setInterval(draw, 250);
    timer.unref();
  }
  return {
    telemetry(e) {
      if (staleNotice(e, getState())) return;
      if (render) {
        // Failures and notices stay on screen above the live block.
        if (e.name === "task_failed" || e.name === "task_timed_out" || e.name === "notice") {
          render.clear();
          io.stderr.write(`${plainLine(e)}\n`);
          draw();
        }
        return;
      }
      const line = plainLine(e);
      if (line) io.stderr.write(`${line}\n`);
    },
    update: () => draw(),
    notify: (effect: EffectOf<"notify">) => {
      if (!render && effect.level === "error")
        io.stderr.write(`${clock(now())}  error    ${effect.message}\n`);
    },
    pause() {
      paused = true;
      render?.clear();
    },
    resume() {
      paused = false;
      draw();
    },
    stop() {
      if (timer) clearInterval(timer);
      if (render) {
        draw();
        render.done();
      }
    },
  };
}
