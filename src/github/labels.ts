import type { ExecutionEvent, ExecutionState } from "../core/state/index.ts";
import { own } from "../core/state/own.ts";
import { failure, statusOf } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { ExecutionRef, LabelsPort } from "./ports.ts";

/** The label added to an issue whose gate was escalated (past its SLA, or past its revision limit). */
export const ESCALATED_LABEL = "orchestrate:escalated";

/** Issue labels. Adding a label the issue already has changes nothing, so a repeat is harmless. */
export class Labels implements LabelsPort {
  readonly #client: GitHubClient;

  constructor(client: GitHubClient) {
    this.#client = client;
  }

  async add(ref: ExecutionRef, labels: string[]): Promise<void> {
    try {
      await this.#client.rest.issues.addLabels({
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.issue,
        labels,
      });
    } catch (error) {
      throw failure(`label ${ref.owner}/${ref.repo}#${ref.issue}`, error, "issues: write");
    }
  }

  async remove(ref: ExecutionRef, label: string): Promise<void> {
    try {
      await this.#client.rest.issues.removeLabel({
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.issue,
        name: label,
      });
    } catch (error) {
      // Not on the issue (a person removed it already): nothing to do.
      if (statusOf(error) === 404) return;
      throw failure(`unlabel ${ref.owner}/${ref.repo}#${ref.issue}`, error, "issues: write");
    }
  }

  async current(ref: ExecutionRef): Promise<{ open: boolean; labels: string[] }> {
    try {
      const { data } = await this.#client.rest.issues.get({
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.issue,
      });
      const labels = data.labels.map((l) => (typeof l === "string" ? l : (l.name ?? "")));
      return { open: data.state === "open", labels };
    } catch (error) {
      throw failure(`read ${ref.owner}/${ref.repo}#${ref.issue}`, error, "issues: write");
    }
  }
}

/**
 * Phases whose gate `applied` escalated: an SLA timer that fired while the gate was open, or a
 * rejection past the revision limit. `state` is the state after those events.
 */
export function escalatedPhases(state: ExecutionState, applied: readonly ExecutionEvent[]): string[] {
  const out = new Set<string>();
  for (const e of applied) {
    if (e.type === "gate_rejected" && state.phase_state[e.phase]?.gate?.status === "escalated")
      out.add(e.phase);
    if (e.type !== "timer_fired" || !e.timer.startsWith("gate_sla:")) continue;
    const phase = e.timer.split(":")[1] ?? "";
    const what = `escalated the gate of phase ${phase}: past its SLA`;
    if (state.audit.some((a) => a.at === e.at && a.what === what)) out.add(phase);
  }
  return [...out];
}

/**
 * Whether a running execution waits on its approvers: a gate escalated (past its revision limit)
 * or open past its SLA (said in the audit since it opened). An ended execution waits on no one.
 */
export function escalatedNow(state: ExecutionState): boolean {
  if (state.finished_at !== undefined) return false;
  for (const phase of state.phases) {
    const gate = own(state.phase_state, phase.id)?.gate;
    if (gate?.status === "escalated") return true;
    if (gate?.status !== "open" || gate.opened_at === undefined) continue;
    const what = `escalated the gate of phase ${phase.id}: past its SLA`;
    if (state.audit.some((a) => a.at >= gate.opened_at! && a.what === what)) return true;
  }
  return false;
}
