import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPlan } from "../../src/cli/plan-file.ts";
import { ExecutionStore } from "../../src/cli/store/execution-store.ts";
import { buildGraph } from "../../src/core/graph/index.ts";
import { factsOf } from "../../src/core/plan/index.ts";
import { parseRequest } from "../../src/core/request/index.ts";
import { startEventOf } from "../../src/core/state/from-plan.ts";
import {
  type EventInput,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
} from "../../src/core/state/index.ts";
import { cli, tempDir } from "./cli-helpers.ts";

const PLAN = `
version: 1
agents:
  a: { run: 'echo hi' }
phases:
  - { id: p, agents: [a] }
delivery: { merge: auto, environments: [prod] }
`;

const NOTE =
  "note: delivery (pull request, merge, deploy) runs on GitHub only; this run ends when its tasks succeed";

function project(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), PLAN);
  return dir;
}

/**
 * An execution stored with its delivery settings, its task done: waiting in `delivering`, as
 * one started on GitHub (or by a version that kept delivery locally) is.
 */
function delivering(dir: string, id: string): ExecutionState {
  const { plan, display, dir: planDir } = readPlan("plan.yml", dir);
  const request = parseRequest({ body: "Project: d" }, { now: Date.now() });
  const built = buildGraph(plan, factsOf(request, { paths: [], default_branch: "main" } as never));
  if (!built.ok) throw new Error("invalid graph");
  const store = new ExecutionStore(join(dir, ".orchestrate"), id);
  store.create();
  let state: ExecutionState | undefined;
  let n = 0;
  const send = (body: Record<string, unknown>) => {
    const event = EventSchema.parse({
      id: `e${++n}`,
      at: Date.now(),
      ...body,
    } as EventInput) as ExecutionEvent;
    state = reduce(state, event).state;
    store.append(event, state);
  };
  send(
    startEventOf(built.graph, plan.policy, {
      execution: id,
      seed: 1,
      plan,
      meta: { request, plan, plan_file: display, plan_dir: planDir, cwd: dir },
    }),
  );
  send({ type: "task_started", task: "p/a", attempt: 1 });
  send({ type: "task_succeeded", task: "p/a", attempt: 1 });
  expect(state!.status).toBe("delivering");
  return state!;
}

describe("a plan with delivery settings, run on this machine", () => {
  it("ends when its tasks succeed, saying once that delivery runs on GitHub only", async () => {
    const dir = project();
    const r = await cli(["run", "plan.yml", "--request", "Project: d", "--id", "d1"], {
      cwd: dir,
      timeoutMs: 15_000,
    });
    expect(r.code).toBe(0);
    expect(r.stderr.split(NOTE)).toHaveLength(2);
    expect(r.stderr).toContain("Execution d1 succeeded");
    expect(r.stdout).toContain("# Orchestrate report: d1");
    const state = JSON.parse(readFileSync(join(dir, ".orchestrate/d1/state.json"), "utf8")) as {
      status: string;
      delivery_spec?: unknown;
      meta: { plan: { delivery?: unknown } };
    };
    expect(state.status).toBe("succeeded");
    expect(state.delivery_spec).toBeUndefined();
    // The plan is kept as it was written.
    expect(state.meta.plan.delivery).toMatchObject({ merge: "auto", environments: ["prod"] });
  });

  it("an execution already waiting in delivering: resume ends at once with its report and how to close it", async () => {
    const dir = project();
    delivering(dir, "w1");
    const log = readFileSync(join(dir, ".orchestrate/w1/events.jsonl"), "utf8");
    for (const args of [
      ["resume", "w1"],
      ["resume", "w1", "--yes"],
    ]) {
      const r = await cli(args, { cwd: dir, timeoutMs: 10_000 });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("# Orchestrate report: w1");
      expect(r.stderr).toContain(
        "Execution w1 finished its tasks and waits for delivery (pull request, merge, deploy), which runs on GitHub only: nothing is left to run here",
      );
      expect(r.stderr).toContain('close it: orchestrate cancel w1 --reason "delivered by hand"');
    }
    // Nothing was recorded: it is left as GitHub would find it.
    expect(readFileSync(join(dir, ".orchestrate/w1/events.jsonl"), "utf8")).toBe(log);
    const status = await cli(["status", "w1"], { cwd: dir });
    expect(status.stdout).toMatch(/^w1 {2}delivering /);
    expect(status.stderr).toContain("which runs on GitHub only");
    const watch = await cli(["status", "w1", "--watch"], { cwd: dir, timeoutMs: 10_000 });
    expect(watch.code).toBe(1);
    expect(watch.stderr).toContain("close it:   orchestrate cancel w1");
    expect((await cli(["cancel", "w1", "--reason", "delivered by hand"], { cwd: dir })).code).toBe(0);
    expect((await cli(["status", "w1", "--json"], { cwd: dir })).stdout).toContain('"status": "cancelled"');
  });
});
