import type { FlowFigures } from "./reference-flow.ts";
import type { AckFigures } from "./webhook-ack.ts";

/** The GitHub rows of the benchmark, with their targets. */
export function renderGitHub(
  flow: FlowFigures,
  ack: AckFigures,
  journaled: AckFigures,
  color: boolean,
): string[] {
  const mark = (ok: boolean) => (ok ? "PASS      " : color ? "\u001b[31mFAIL ✗ ✗ ✗\u001b[0m" : "FAIL ✗ ✗ ✗");
  const routes = Object.entries(flow.byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([route, n]) => `    ${String(n).padStart(4)}  ${route}`);
  return [
    "GitHub (reference pipeline: 7 phases, a 3-module parallel phase; validated mock):",
    `  tasks ${flow.tasks}, state transitions ${flow.transitions}, requests ${flow.requests} (${flow.requestsPerTransition.toFixed(2)} per transition), state commits ${flow.stateCommits}`,
    `  content-creating writes (comments, check runs, dispatches, merges, refs, commits, pulls): ${flow.contentCreating} for the first execution in a repository, ${flow.contentCreatingLater} for a later one (the state branch exists)`,
    "  requests by route:",
    ...routes,
    `webhook acknowledgement over ${ack.deliveries} signed deliveries: p50 ${ack.p50_ms.toFixed(1)} ms, p99 ${ack.p99_ms.toFixed(1)} ms, max ${ack.max_ms.toFixed(1)} ms; GitHub calls before the answer: ${ack.calls_before_ack}`,
    `  with ORCHESTRATE_JOURNAL (each delivery appended before the answer): p50 ${journaled.p50_ms.toFixed(1)} ms, p99 ${journaled.p99_ms.toFixed(1)} ms, max ${journaled.max_ms.toFixed(1)} ms; GitHub calls before the answer: ${journaled.calls_before_ack}`,
    "",
    "GitHub targets:",
    `${mark(flow.requestsPerTransition <= 2)}  ≤ 2 requests per state transition: ${flow.requestsPerTransition.toFixed(2)}`,
    `${mark(flow.contentCreating <= 25)}  ≤ 25 content-creating writes per execution: ${flow.contentCreating} (later executions ${flow.contentCreatingLater})`,
    `${mark(flow.polling === 0)}  no polling: ${flow.polling} timed re-reads (results, CI and merges arrive by webhook; reconcile runs on events and the tick)`,
    `${mark(ack.p99_ms < 50 && ack.calls_before_ack === 0)}  webhook acknowledgement p99 < 50 ms, no API call before it: ${ack.p99_ms.toFixed(1)} ms, ${ack.calls_before_ack} calls`,
    `${mark(journaled.p99_ms < 50 && journaled.calls_before_ack === 0)}  the same with the journal: ${journaled.p99_ms.toFixed(1)} ms, ${journaled.calls_before_ack} calls`,
  ];
}
