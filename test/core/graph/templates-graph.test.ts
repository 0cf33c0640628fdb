import { describe, expect, it } from "vitest";
import { buildGraph } from "../../../src/core/graph/build-graph.ts";
import type { TaskGraph } from "../../../src/core/graph/types.ts";
import { EMPTY_REPO, factsOf, type RepoFacts } from "../../../src/core/plan/facts.ts";
import { loadPlan } from "../../../src/core/plan/load-plan.ts";
import { parseRequest } from "../../../src/core/request/parse-request.ts";

const SIGNUP =
  "프로젝트: 회원가입 시스템, 요구: OAuth + 2FA + Email verification, 스택: FastAPI + React, 마감: 3일";
const NOW = Date.UTC(2026, 0, 1);
const EXISTING: RepoFacts = {
  has_code: true,
  has_tests: true,
  languages: ["python"],
  default_branch: "main",
};

function graphFor(template: string, body: string, repo: RepoFacts): TaskGraph {
  const loaded = loadPlan(`version: 1\nextends: ${template}\n`, { file: ".github/orchestrate.yml" });
  if (!loaded.ok) expect.fail(JSON.stringify(loaded.problems, null, 2));
  const built = buildGraph(loaded.plan, factsOf(parseRequest({ body }, { now: NOW }), repo));
  if (!built.ok) expect.fail(JSON.stringify(built.problems, null, 2));
  return built.graph;
}

const task = (graph: TaskGraph, id: string) => {
  const found = graph.tasks.find((candidate) => candidate.id === id);
  if (!found) expect.fail(`no task ${id} in ${graph.tasks.map((t) => t.id).join(", ")}`);
  return found;
};
const levelOf = (graph: TaskGraph, id: string): number =>
  graph.levels.findIndex((level) => level.includes(id));

describe("full-delivery", () => {
  it("plans the Korean signup request in an empty repository", () => {
    const graph = graphFor("full-delivery", SIGNUP, EMPTY_REPO);
    const analysis = graph.phases.find((phase) => phase.id === "analysis")!;
    expect(analysis).toMatchObject({ skipped: "repo.has_code is false", tasks: [] });
    for (const id of [
      "discovery/documentation",
      "discovery/market-analyst",
      "discovery/business-strategist",
    ]) {
      expect(task(graph, id).needs).toEqual([]);
    }
    const backend = task(graph, "development/dev@backend");
    const frontend = task(graph, "development/dev@frontend");
    expect(backend.matrix).toEqual({ module: "backend" });
    expect(frontend.matrix).toEqual({ module: "frontend" });
    expect(backend.needs).toEqual(frontend.needs);
    expect(backend.needs).not.toContain(frontend.id);
    expect(levelOf(graph, backend.id)).toBe(levelOf(graph, frontend.id));
    expect(levelOf(graph, "development/qa@backend")).toBe(levelOf(graph, backend.id));
    // Auth is needed and no ORM is named: the design phase runs all three agents, one after another.
    const design = graph.phases.find((phase) => phase.id === "design")!;
    expect(design.tasks).toEqual(["design/architect", "design/database", "design/security-auditor"]);
    expect(task(graph, "design/security-auditor").needs).toContain("design/database");
    expect(design.skipped_tasks).toBeUndefined();
    expect(task(graph, "testing/qa").params).toEqual({ coverage_min: 80 });
    expect(graph.critical_path.tasks.at(-1)).toBe("delivery/devops");
    expect(graph.critical_path.tasks).toContain("development/dev@backend");
  });

  it("analyses existing code first", () => {
    const graph = graphFor("full-delivery", SIGNUP, EXISTING);
    const analysis = graph.phases.find((phase) => phase.id === "analysis")!;
    expect(analysis.skipped).toBeUndefined();
    expect(analysis.tasks).toEqual(["analysis/architect", "analysis/security-auditor", "analysis/dev-lead"]);
    expect(task(graph, "discovery/market-analyst").needs).toEqual(analysis.tasks);
    expect(graph.levels[0]).toEqual(analysis.tasks);
  });

  it("skips design for simple CRUD and the database agent when an ORM is used", () => {
    const crud = graphFor(
      "full-delivery",
      "Project: notes\nRequirements: simple CRUD for notes\nStack: Django",
      EXISTING,
    );
    const design = crud.phases.find((phase) => phase.id === "design")!;
    expect(design).toMatchObject({ skipped: "request.simple_crud is true", tasks: [] });
    expect(task(crud, "development/dev@backend").needs).toEqual([
      "specification/business-strategist",
      "specification/architect",
    ]);
    const orm = graphFor(
      "full-delivery",
      "Project: shop\nRequirements: login with OAuth\nStack: Prisma + Next.js",
      EXISTING,
    );
    const ormDesign = orm.phases.find((phase) => phase.id === "design")!;
    expect(ormDesign.tasks).toEqual(["design/architect", "design/security-auditor"]);
    expect(ormDesign.skipped_tasks).toEqual({ "design/database": "request.uses_orm is true" });
  });
});

describe("pipeline and tiers", () => {
  it("pipeline is a chain of four single-agent phases", () => {
    const graph = graphFor("pipeline", SIGNUP, EMPTY_REPO);
    expect(graph.levels).toEqual([
      ["plan/planner"],
      ["build/builder"],
      ["review/reviewer"],
      ["document/doc"],
    ]);
    expect(graph.critical_path.tasks).toEqual([
      "plan/planner",
      "build/builder",
      "review/reviewer",
      "document/doc",
    ]);
    expect(graph.critical_path.duration_ms).toBe((10 + 60 + 15 + 10) * 60_000);
  });

  it("tiers runs orchestration in sequence and implementation in parallel per module", () => {
    const graph = graphFor("tiers", SIGNUP, EMPTY_REPO);
    expect(graph.levels.slice(0, 3)).toEqual([
      ["orchestration/product-owner"],
      ["orchestration/project-manager"],
      ["orchestration/tech-lead"],
    ]);
    expect(graph.phases.find((phase) => phase.id === "architecture")!.skipped).toBeUndefined();
    const implementation = graph.levels[4]!;
    expect(implementation).toEqual([
      "implementation/developer@backend",
      "implementation/developer@frontend",
      "implementation/tester@backend",
      "implementation/tester@frontend",
    ]);
    const crud = graphFor("tiers", "Project: notes\nRequirements: simple CRUD for notes", EMPTY_REPO);
    expect(crud.phases.find((phase) => phase.id === "architecture")!.skipped).toBe(
      "request.simple_crud is true",
    );
    expect(task(crud, "implementation/developer@backend").needs).toEqual([
      "orchestration/product-owner",
      "orchestration/project-manager",
      "orchestration/tech-lead",
    ]);
  });
});
