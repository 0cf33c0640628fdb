import type { Command } from "commander";
import { buildGraph } from "../../core/graph/index.ts";
import type { TaskGraph } from "../../core/graph/types.ts";
import { factsOf, formatDuration, formatProblem } from "../../core/plan/index.ts";
import { phaseMermaid, taskMermaid } from "../../core/render/mermaid.ts";
import { parseRequest } from "../../core/request/index.ts";
import { CliError, type CliIO, EXIT, writeLine } from "../io.ts";
import { DEFAULT_PLAN, readPlan } from "../plan-file.ts";
import { localRepoFacts } from "../repo-facts.ts";
import { readRequest } from "./run.ts";

/** The graph as text: phases by level with their tasks, skipped phases with reasons, the critical path. */
export function graphText(graph: TaskGraph): string {
  const lines: string[] = [];
  const levels = Math.max(0, ...graph.phases.map((p) => p.level));
  for (let level = 0; level <= levels; level++) {
    for (const p of graph.phases.filter((x) => x.level === level)) {
      const flags = [p.gate ? "gate" : "", p.parallel ? "" : "sequential"].filter(Boolean).join(", ");
      const needs = p.needs.length > 0 ? ` ← ${p.needs.join(", ")}` : "";
      if (p.skipped !== undefined) {
        lines.push(`${p.id}${needs}  (skipped: ${p.skipped})`);
        continue;
      }
      lines.push(`${p.id}${needs}${flags ? `  [${flags}]` : ""}`);
      const byId = new Map(graph.tasks.map((t) => [t.id, t]));
      for (const id of p.tasks) lines.push(`  ${id}  ~${formatDuration(byId.get(id)?.estimate_ms ?? 0)}`);
      for (const [task, why] of Object.entries(p.skipped_tasks ?? {}))
        lines.push(`  ${task}  (left out: ${why})`);
    }
  }
  if (graph.phases.length === 0)
    for (const t of graph.tasks) lines.push(`${t.id}${t.needs.length ? ` ← ${t.needs.join(", ")}` : ""}`);
  lines.push(
    "",
    `critical path (${formatDuration(graph.critical_path.duration_ms)}): ${graph.critical_path.tasks.join(" → ")}`,
  );
  lines.push(`${graph.tasks.length} tasks in ${graph.levels.length} levels`);
  return lines.join("\n");
}

/** The graph as text, task by task: each level's tasks with what they need, then what is left out. */
export function taskGraphText(graph: TaskGraph): string {
  const lines: string[] = [];
  const byId = new Map(graph.tasks.map((t) => [t.id, t]));
  const critical = new Set(graph.critical_path.tasks);
  for (const [level, ids] of graph.levels.entries()) {
    lines.push(`level ${level}`);
    for (const id of ids) {
      const t = byId.get(id);
      const needs = t && t.needs.length > 0 ? `  ← ${t.needs.join(", ")}` : "";
      const mark = critical.has(id) ? "  (critical path)" : "";
      lines.push(`  ${id}  ~${formatDuration(t?.estimate_ms ?? 0)}${needs}${mark}`);
    }
  }
  for (const p of graph.phases) {
    if (p.skipped !== undefined) lines.push(`phase ${p.id} skipped: ${p.skipped}`);
    for (const [task, why] of Object.entries(p.skipped_tasks ?? {})) lines.push(`${task} left out: ${why}`);
  }
  lines.push(
    "",
    `critical path (${formatDuration(graph.critical_path.duration_ms)}): ${graph.critical_path.tasks.join(" → ")}`,
  );
  lines.push(`${graph.tasks.length} tasks in ${graph.levels.length} levels`);
  return lines.join("\n");
}

export function graphCommand(program: Command, io: CliIO): void {
  program
    .command("graph")
    .description("show the expanded task graph, skipped phases with reasons, and the critical path")
    .argument("[file]", `plan file (default: ${DEFAULT_PLAN})`)
    .option("--request <text>", "the project request (decides skip conditions)")
    .option("--request-file <path>", "read the request from a file")
    .option("--format <format>", "text, mermaid or json", "text")
    .option("--tasks", "task by task instead of phase by phase (text and mermaid)")
    .action(
      (
        file: string | undefined,
        options: { request?: string; requestFile?: string; format: string; tasks?: boolean },
      ) => {
        if (!["text", "mermaid", "json"].includes(options.format)) {
          throw new CliError(`unknown format "${options.format}": use text, mermaid or json`);
        }
        if (options.tasks && options.format === "json") {
          throw new CliError(
            "--tasks does not apply to --format json: the JSON always holds both the phases and the tasks",
          );
        }
        const { plan, display } = readPlan(file, io.cwd);
        const request =
          options.request !== undefined || options.requestFile !== undefined
            ? readRequest(io, options)
            : parseRequest({ body: "" }, { now: Date.now() });
        const built = buildGraph(plan, factsOf(request, localRepoFacts(io.cwd)));
        if (!built.ok)
          throw new CliError(
            `${display}: the task graph is invalid`,
            EXIT.usage,
            built.problems.map(formatProblem),
          );
        const g = built.graph;
        if (options.format === "json") writeLine(io.stdout, JSON.stringify(g, null, 2));
        else if (options.format === "mermaid")
          writeLine(io.stdout, options.tasks ? taskMermaid(g) : phaseMermaid(g.phases));
        else writeLine(io.stdout, options.tasks ? taskGraphText(g) : graphText(g));
      },
    );
}
