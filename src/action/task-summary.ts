import { cell, code, codeCell, inert } from "../core/render/markdown.ts";
import type { Artifact } from "../core/state/types.ts";
import type { InputSource } from "./upstream-inputs.ts";

/** What one task attempt did, for the job summary. */
export interface TaskReport {
  execution: string;
  task: string;
  agent: string;
  attempt: number;
  status: "succeeded" | "failed";
  durationMs: number;
  artifacts: Artifact[];
  /** Checkout files committed (paths). */
  changed: string[];
  leftOut: { path: string; why: string }[];
  inputs: InputSource[];
  cost?: { usd: number; tokens: number };
  summary?: string;
  error?: { kind: string; message: string };
  branch: string;
  sha?: string;
  /** Without `sha`: who commits the result (e.g. the publish job). */
  pending?: string;
  /** `https://github.com/<owner>/<repo>` for links. */
  repoUrl: string;
}

/** Markdown for `$GITHUB_STEP_SUMMARY`: what ran, outputs, duration, cost. Text from agents is scrubbed already. */
export function taskSummary(r: TaskReport): string {
  const icon = r.status === "succeeded" ? "✅" : "❌";
  const lines = [
    `### ${icon} ${code(r.task)} — attempt ${r.attempt} ${r.status}`,
    "",
    "| | |",
    "|---|---|",
    `| execution | ${codeCell(r.execution)} |`,
    `| agent | ${codeCell(r.agent)} |`,
    `| duration | ${duration(r.durationMs)} |`,
    `| cost | ${r.cost ? `$${r.cost.usd.toFixed(4)} · ${r.cost.tokens} tokens` : "not reported"} |`,
    `| result | ${r.sha ? `[${r.sha.slice(0, 7)}](${r.repoUrl}/commit/${r.sha}) on ${codeCell(r.branch)}` : r.pending ? `${cell(r.pending)} (${codeCell(r.branch)})` : "not committed"} |`,
  ];
  if (r.summary) lines.push("", `> ${oneLine(r.summary)}`);
  if (r.error) lines.push("", `**${inert(r.error.kind)}**: ${oneLine(r.error.message)}`);
  if (r.artifacts.length > 0) {
    lines.push("", "| output | path | bytes | sha256 |", "|---|---|---:|---|");
    for (const a of r.artifacts) {
      lines.push(
        `| ${cell(a.name)} | ${codeCell(a.path)} | ${a.bytes ?? ""} | ${codeCell((a.sha256 ?? "").slice(0, 12))} |`,
      );
    }
  }
  if (r.changed.length > 0)
    lines.push("", `${r.changed.length} file(s) changed in the checkout were committed.`);
  for (const l of r.leftOut) lines.push(`- left out ${code(l.path)}: ${inert(l.why)}`);
  if (r.inputs.length > 0) {
    lines.push("", `Inputs: ${r.inputs.map((i) => `${code(i.task)} (${inert(i.from)})`).join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function oneLine(text: string): string {
  const flat = cell(text).trim();
  return flat.length > 500 ? `${flat.slice(0, 499)}…` : flat;
}
