import type { TaskGraph } from "../graph/types.ts";
import type { ExecutionState, TaskStatus } from "../state/types.ts";
import { cutAt } from "./excerpt.ts";
import { oneLine } from "./markdown.ts";

/** Mermaid class per status, shared by every graph we draw. */
const CLASS_DEFS = [
  "classDef succeeded fill:#d3f9d8,stroke:#2b8a3e",
  "classDef running fill:#d0ebff,stroke:#1864ab",
  "classDef waiting fill:#fff3bf,stroke:#e67700",
  "classDef failed fill:#ffe3e3,stroke:#c92a2a",
  "classDef blocked fill:#ffe8cc,stroke:#d9480f",
  "classDef cancelled fill:#f1f3f5,stroke:#495057",
  "classDef skipped fill:#f1f3f5,stroke:#868e96,stroke-dasharray: 4 3",
  "classDef pending fill:#ffffff,stroke:#adb5bd",
];

export type PhaseStatus =
  | "pending"
  | "running"
  | "waiting"
  | "succeeded"
  | "failed"
  | "blocked"
  | "cancelled"
  | "skipped";

/** Node ids must be plain identifiers; labels are quoted and stripped of characters mermaid reads. */
function nodeId(id: string): string {
  return `n_${id.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** On one line, too: a line break in a label would end the node's statement and break the graph. */
function label(text: string): string {
  return cutAt(oneLine(text).replace(/["`<>#&;]/g, "'"), 80);
}

/** The status of a phase as a whole, from its tasks' statuses. */
export function phaseStatus(
  state: ExecutionState | undefined,
  phase: { skipped?: string; tasks: readonly string[] },
): PhaseStatus {
  if (phase.skipped !== undefined) return "skipped";
  if (!state) return "pending";
  const statuses: TaskStatus[] = phase.tasks.map((id) => state.tasks[id]?.status ?? "pending");
  if (statuses.length === 0) return "skipped";
  if (statuses.some((s) => s === "failed")) return "failed";
  if (statuses.some((s) => s === "blocked" || s === "escalated")) return "blocked";
  if (statuses.some((s) => s === "cancelled")) return "cancelled";
  if (statuses.some((s) => s === "queued" || s === "in_progress" || s === "ready")) return "running";
  if (statuses.some((s) => s === "under_review")) return "waiting";
  if (statuses.every((s) => s === "succeeded" || s === "skipped")) {
    return statuses.every((s) => s === "skipped") ? "skipped" : "succeeded";
  }
  return statuses.some((s) => s !== "pending") ? "running" : "pending";
}

/** A flowchart of the phases, coloured by status when a state is given. */
export function phaseMermaid(
  phases: readonly {
    id: string;
    name: string;
    needs: readonly string[];
    skipped?: string;
    tasks: readonly string[];
    gate?: unknown;
  }[],
  state?: ExecutionState,
): string {
  const lines = ["flowchart LR"];
  for (const p of phases) {
    const gate = p.gate ? " 🔒" : "";
    const count =
      p.skipped !== undefined ? "skipped" : `${p.tasks.length} task${p.tasks.length === 1 ? "" : "s"}`;
    lines.push(`  ${nodeId(p.id)}["${label(p.name)}${gate}<br/>${count}"]`);
  }
  for (const p of phases) for (const n of p.needs) lines.push(`  ${nodeId(n)} --> ${nodeId(p.id)}`);
  lines.push(...CLASS_DEFS.map((c) => `  ${c}`));
  for (const p of phases) {
    lines.push(`  class ${nodeId(p.id)} ${phaseStatus(state, p)}`);
  }
  return lines.join("\n");
}

/** A flowchart of the tasks grouped by phase (subgraphs), with the critical path's edges thick. */
export function taskMermaid(graph: TaskGraph): string {
  const lines = ["flowchart LR"];
  const critical = new Set(graph.critical_path.tasks);
  const byPhase = new Map<string, string[]>();
  for (const t of graph.tasks) {
    const key = t.phase ?? "";
    byPhase.set(key, [...(byPhase.get(key) ?? []), t.id]);
  }
  for (const [phase, ids] of byPhase) {
    if (phase) lines.push(`  subgraph ${nodeId(`phase_${phase}`)}["${label(phase)}"]`);
    for (const id of ids) lines.push(`    ${nodeId(id)}["${label(id)}"]`);
    if (phase) lines.push("  end");
  }
  for (const t of graph.tasks) {
    for (const n of t.needs) {
      const arrow = critical.has(n) && critical.has(t.id) ? "==>" : "-->";
      lines.push(`  ${nodeId(n)} ${arrow} ${nodeId(t.id)}`);
    }
  }
  return lines.join("\n");
}
