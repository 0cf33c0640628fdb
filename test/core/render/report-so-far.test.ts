import { describe, expect, it } from "vitest";
import { reportMarkdown } from "../../../src/core/render/report-markdown.ts";
import { drive } from "../state/driver.ts";

const TASKS = [
  { id: "design/a", agent: "a", phase: "design" },
  { id: "build/b", agent: "b", phase: "build", needs: ["design/a"] },
];

const row = (report: string, metric: string) => report.split("\n").find((l) => l.startsWith(`| ${metric} |`));

describe("the report of an execution still under way", () => {
  it("shows the metrics so far, up to the last task that started or finished", () => {
    const r = drive({ tasks: TASKS, step: 60_000 });
    r.finish("design/a");
    const report = reportMarkdown(r.state);
    expect(report).toContain("## Metrics (so far)");
    // Started at 1 min, design/a ran from 2 to 3 min: two minutes of wall time so far.
    expect(row(report, "wall time")).toBe("| wall time | 2m |");
    expect(row(report, "speedup vs serial")).toBe("| speedup vs serial | 0.50× |");
  });

  it("shows a dash where nothing has run yet, not 0 ms and 0.00×", () => {
    const r = drive({ tasks: TASKS });
    const report = reportMarkdown(r.state);
    expect(row(report, "wall time")).toBe("| wall time | — |");
    expect(row(report, "speedup vs serial")).toBe("| speedup vs serial | — |");
    expect(row(report, "parallel efficiency")).toBe("| parallel efficiency | — of 4 slots |");
  });

  it("an execution that ended shows its final metrics under their plain heading", () => {
    const r = drive({ tasks: TASKS, step: 60_000 });
    r.finish("design/a");
    r.finish("build/b");
    const report = reportMarkdown(r.state);
    expect(r.state.finished_at).toBeDefined();
    expect(report).toContain("## Metrics\n");
    expect(row(report, "wall time")).toBe("| wall time | 4m |");
  });
});
