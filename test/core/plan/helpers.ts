import { expect } from "vitest";
import { loadPlan } from "../../../src/core/plan/load-plan.ts";
import type { Problem } from "../../../src/core/plan/problem.ts";
import type { Plan } from "../../../src/core/plan/schema.ts";

export const FILE = ".github/orchestrate.yml";

/** Joins lines into a YAML document, so fixtures read with their line numbers. */
export function yaml(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

/** Loads a plan that must be valid. */
export function loadOk(text: string, templates?: Record<string, string>): Plan {
  const result = loadPlan(text, templates ? { file: FILE, templates } : { file: FILE });
  if (!result.ok) expect.fail(`expected a valid plan, got:\n${JSON.stringify(result.problems, null, 2)}`);
  return result.plan;
}

/** Loads a plan that must be invalid and returns its problems. */
export function loadProblems(text: string, templates?: Record<string, string>): Problem[] {
  const result = loadPlan(text, templates ? { file: FILE, templates } : { file: FILE });
  if (result.ok) expect.fail("expected problems, the plan loaded");
  return result.problems;
}

/** The single problem at `path`. */
export function problemAt(problems: Problem[], path: string): Problem {
  const found = problems.filter((problem) => problem.path === path);
  expect(found, `problems at ${path}: ${JSON.stringify(problems, null, 2)}`).toHaveLength(1);
  return found[0]!;
}

/** A minimal valid plan body: one agent `a`, phases added by the caller. */
export const AGENT_A = ["agents:", "  a:", "    run: ./a.sh"];
