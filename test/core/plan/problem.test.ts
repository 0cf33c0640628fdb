import { describe, expect, it } from "vitest";
import { formatPath, formatProblem } from "../../../src/core/plan/problem.ts";

describe("formatProblem", () => {
  it("formats file, line, column, path, message and hint", () => {
    const text = formatProblem({
      file: ".github/orchestrate.yml",
      line: 12,
      column: 7,
      path: "phases[2].needs[0]",
      message: 'unknown phase "desgn"',
      hint: 'did you mean "design"?',
    });
    expect(text).toBe(
      '.github/orchestrate.yml:12:7: phases[2].needs[0]: unknown phase "desgn" (hint: did you mean "design"?)',
    );
  });

  it("leaves out what a problem lacks", () => {
    expect(formatProblem({ file: "plan.yml", path: "", message: "the plan is empty" })).toBe(
      "plan.yml: the plan is empty",
    );
    expect(formatProblem({ file: "plan.yml", line: 3, path: "version", message: "must be 1" })).toBe(
      "plan.yml:3: version: must be 1",
    );
    expect(formatProblem({ file: "", path: "tasks[1]", message: "duplicate" })).toBe("tasks[1]: duplicate");
  });
});

describe("formatPath", () => {
  it("uses dots for keys and brackets for indices and odd keys", () => {
    expect(formatPath(["phases", 2, "needs", 0])).toBe("phases[2].needs[0]");
    expect(formatPath(["agents", "security-auditor", "run"])).toBe("agents.security-auditor.run");
    expect(formatPath(["agents", "bad id"])).toBe('agents["bad id"]');
    expect(formatPath([])).toBe("");
  });
});
