import { describe, expect, it } from "vitest";
import { MAX_PHASE_TASKS, MAX_PLAN_TASKS } from "../../../src/core/plan/check-plan.ts";
import { MAX_PLAN_BYTES } from "../../../src/core/plan/load-plan.ts";
import { AGENT_A, FILE, loadOk, loadProblems, problemAt, yaml } from "./helpers.ts";

/** `n` matrix values `v0, v1, …` as a flow list. */
const values = (n: number) => `[${Array.from({ length: n }, (_, i) => `v${i}`).join(", ")}]`;

const TWO_AGENTS = ["agents:", "  a: { run: ./a.sh }", "  b: { run: ./b.sh }"];

describe("loadPlan: how many tasks a plan makes", () => {
  it("refuses a phase whose matrix multiplies past the limit, naming the phase, the count and the fix", () => {
    const problems = loadProblems(
      yaml(
        "version: 1", // 1
        ...TWO_AGENTS, // 2-4
        "phases:", // 5
        "  - id: test", // 6
        "    agents: [a, b]", // 7
        `    matrix: { x: ${values(60)}, y: ${values(60)}, z: ${values(60)} }`, // 8
        "  - { id: ship, needs: [test], agents: [a] }", // 9
      ),
    );
    // The phase only: brought within its limit, the plan would be too.
    expect(problems).toEqual([
      {
        file: FILE,
        line: 8,
        column: 5,
        path: "phases[0].matrix",
        message:
          'phase "test" expands to 432,000 tasks (2 agents × 60 × 60 × 60 matrix values), more than the 256 a phase may have',
        hint: "each task is one job: list fewer matrix values or agents, or split the phase into several phases",
      },
    ]);
  });

  it("takes a phase at the limit, and refuses one past it", () => {
    loadOk(
      yaml(
        "version: 1",
        ...AGENT_A,
        "phases:",
        `  - { id: p, agents: [a], matrix: { x: ${values(MAX_PHASE_TASKS)} } }`,
      ),
    );
    loadOk(
      yaml(
        "version: 1",
        ...TWO_AGENTS,
        "phases:",
        `  - { id: p, agents: [a, b], matrix: { x: ${values(16)}, y: ${values(8)} } }`,
      ),
    );
    const over = loadProblems(
      yaml(
        "version: 1",
        ...AGENT_A,
        "phases:",
        `  - { id: p, agents: [a], matrix: { x: ${values(MAX_PHASE_TASKS + 1)} } }`,
      ),
    );
    expect(over.map((p) => p.message)).toEqual([
      'phase "p" expands to 257 tasks (1 agent × 257 matrix values), more than the 256 a phase may have',
    ]);
  });

  it("refuses a plan whose phases together pass the limit, at its phases", () => {
    const phase = (i: number) => `  - { id: p${i}, agents: [a], matrix: { x: ${values(250)} } }`;
    const at = loadOk(yaml("version: 1", ...AGENT_A, "phases:", ...[0, 1, 2, 3].map(phase)));
    expect(at.phases).toHaveLength(4);
    const problems = loadProblems(yaml("version: 1", ...AGENT_A, "phases:", ...[0, 1, 2, 3, 4].map(phase)));
    expect(problemAt(problems, "phases")).toMatchObject({
      line: 5,
      column: 1,
      message: `the plan expands to 1,250 tasks, more than the ${MAX_PLAN_TASKS.toLocaleString("en-US")} a plan may have`,
      hint: "each task is one job and its results are kept in the execution's state: run fewer agents or matrix values, or split the work into several executions",
    });
    expect(problems).toHaveLength(1);
  });

  it("counts the phases a template brings", () => {
    const template = yaml(
      "version: 1",
      ...AGENT_A,
      "phases:",
      `  - { id: t, agents: [a], matrix: { x: ${values(250)} } }`,
    );
    const own = [0, 1, 2, 3].map((i) => `  - { id: p${i}, agents: [a], matrix: { x: ${values(200)} } }`);
    loadOk(yaml("version: 1", ...AGENT_A, "phases:", ...own));
    const problems = loadProblems(yaml("version: 1", "extends: big", "phases:", ...own), { big: template });
    expect(problems.map((p) => p.message)).toEqual([
      "the plan expands to 1,050 tasks, more than the 1,000 a plan may have",
    ]);
  });
});

describe("loadPlan: the size of a plan file", () => {
  it("does not read a plan past the limit, and says how to make it smaller", () => {
    const long = `version: 1\n# ${"x".repeat(MAX_PLAN_BYTES)}\n`;
    expect(loadProblems(long)).toEqual([
      {
        file: FILE,
        path: "",
        message: "the plan is over 257 KB, more than the 256 KB a plan may be",
        hint: "a plan names agents and phases: keep long prompts in files the agents read, and let a matrix stand for repeated phases",
      },
    ]);
    // Bytes count, not characters.
    const wide = `version: 1\n# ${"é".repeat(MAX_PLAN_BYTES / 2)}\n`;
    expect(wide.length).toBeLessThan(MAX_PLAN_BYTES);
    expect(loadProblems(wide).map((p) => p.message)).toEqual([
      "the plan is 257 KB, more than the 256 KB a plan may be",
    ]);
    loadOk(
      `${yaml("version: 1", ...AGENT_A, "phases:", "  - { id: p, agents: [a] }")}# ${"x".repeat(200_000)}\n`,
    );
  });
});
