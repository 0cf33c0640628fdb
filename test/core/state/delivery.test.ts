import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import {
  type Effect,
  type EventInput,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
  replay,
} from "../../../src/core/state/index.ts";
import type { DeliverySpec } from "../../../src/core/state/types.ts";

const SPEC: DeliverySpec = {
  pr: "ready",
  merge: "auto",
  merge_method: "squash",
  environments: ["staging", "production"],
  delete_branches: true,
  revise_phase: "testing",
  max_revisions: 1,
};

/** An execution of three phases (the last one `last`), its events applied as they are sent. */
function run(spec: Partial<DeliverySpec> = {}, last = "delivery") {
  let n = 0;
  let state: ExecutionState | undefined;
  const log: ExecutionEvent[] = [];
  const send = (input: Record<string, unknown>): Effect[] => {
    const event = EventSchema.parse({ id: `e${++n}`, at: n * 10, ...input } as EventInput) as ExecutionEvent;
    const out = reduce(state, event);
    state = out.state;
    log.push(event);
    return out.effects;
  };
  send({
    type: "execution_started",
    execution: "x",
    tasks: [
      { id: "build/dev", agent: "dev", phase: "build" },
      { id: "testing/qa", agent: "qa", phase: "testing", needs: ["build/dev"] },
      { id: `${last}/ops`, agent: "ops", phase: last, needs: ["testing/qa"] },
    ],
    phases: ["build", "testing", last].map((id, i, all) => ({
      id,
      name: id,
      needs: i ? [all[i - 1]!] : [],
      tasks: [`${id}/${["dev", "qa", "ops"][i]}`],
      parallel: true,
    })),
    policy: defaultPolicy(),
    delivery: { ...SPEC, ...spec },
  });
  const finish = (id: string) => {
    const attempt = state!.tasks[id]!.attempt;
    send({ type: "task_started", task: id, attempt });
    return send({ type: "task_succeeded", task: id, attempt });
  };
  const finishAll = () => ["build/dev", "testing/qa", `${last}/ops`].map((id) => finish(id)).at(-1)!;
  return {
    send,
    finishAll,
    finish,
    log,
    get state() {
      return state!;
    },
  };
}

const rejected = (effects: Effect[]) => effects.find((e) => e.type === "rejected");

describe("delivery", () => {
  it("green path: PR, checks, merge, staging then production, then complete", () => {
    const r = run();
    expect(r.finishAll()).toContainEqual({ type: "deliver", step: "open_pr" });
    expect(r.state.status).toBe("delivering");
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    expect(r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" })).toContainEqual({
      type: "deliver",
      step: "merge",
    });
    expect(r.send({ type: "pr_merged", sha: "m".repeat(40) })).toContainEqual({
      type: "deliver",
      step: "deploy",
      environment: "staging",
    });
    r.send({ type: "deployment_created", environment: "staging", deployment: 1 });
    expect(r.send({ type: "deployment_status", environment: "staging", state: "success" })).toContainEqual({
      type: "deliver",
      step: "deploy",
      environment: "production",
    });
    const done = r.send({ type: "deployment_status", environment: "production", state: "success" });
    expect(done).toContainEqual({ type: "complete", status: "succeeded" });
    expect(r.state.delivery).toMatchObject({ status: "done", pr: 12, merged_sha: "m".repeat(40) });
  });

  it("a deployment is recorded once, for the environment under way", () => {
    const r = run();
    r.finishAll();
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" });
    r.send({ type: "pr_merged", sha: "m".repeat(40) });
    expect(
      rejected(r.send({ type: "deployment_created", environment: "production", deployment: 5 }))?.reason,
    ).toBe("the deployment under way is to staging, not production");
    r.send({ type: "deployment_created", environment: "staging", deployment: 1 });
    r.send({ type: "deployment_status", environment: "staging", deployment: 1, state: "in_progress" });
    // The same deployment read again (a retried step, the tick): what its statuses said is kept.
    expect(
      rejected(r.send({ type: "deployment_created", environment: "staging", deployment: 1 }))?.reason,
    ).toBe("deployment 1 is recorded already");
    expect(r.state.delivery!.deployments.staging).toMatchObject({ id: 1, state: "in_progress" });
  });

  it("red CI re-runs the testing phase and what follows with the failing checks as feedback, then passes", () => {
    const r = run();
    r.finishAll();
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    const red = r.send({
      type: "checks_completed",
      sha: "a".repeat(40),
      conclusion: "failure",
      failing: [{ name: "unit", summary: "2 fai\u200bled\u202e\u{e0041}" }],
    });
    const dispatch = red.find((e) => e.type === "dispatch");
    expect(dispatch).toEqual({
      type: "dispatch",
      tasks: [
        {
          id: "testing/qa",
          agent: "qa",
          phase: "testing",
          attempt: 2,
          feedback: "The pull request's checks failed: unit.\n- unit: 2 failed",
        },
      ],
    });
    expect(r.state.status).toBe("running");
    expect(r.state.tasks["build/dev"]!.status).toBe("succeeded");
    expect(r.state.tasks["delivery/ops"]!.status).toBe("pending");
    r.finish("testing/qa");
    expect(r.finish("delivery/ops")).toContainEqual({ type: "deliver", step: "open_pr" });
    r.send({ type: "pr_opened", number: 12, sha: "b".repeat(40) });
    expect(
      rejected(r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" }))?.reason,
    ).toMatch(/do not count/);
    expect(r.send({ type: "checks_completed", sha: "b".repeat(40), conclusion: "success" })).toContainEqual({
      type: "deliver",
      step: "merge",
    });
  });

  it("fails past max_revisions, naming the checks", () => {
    const r = run({ max_revisions: 0 });
    r.finishAll();
    r.send({ type: "pr_opened", number: 1, sha: "a".repeat(40) });
    const out = r.send({
      type: "checks_completed",
      sha: "a".repeat(40),
      conclusion: "failure",
      failing: [{ name: "lint", summary: "" }],
    });
    expect(out).toContainEqual({
      type: "complete",
      status: "failed",
      reason: "CI failed (lint) after 0 revision(s)",
    });
  });

  it("a deployment's status counts only for the deployment under way to its environment", () => {
    const r = run({ environments: ["staging"] });
    r.finishAll();
    r.send({ type: "pr_opened", number: 1, sha: "a".repeat(40) });
    r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" });
    r.send({ type: "pr_merged", sha: "m".repeat(40) });
    expect(
      rejected(r.send({ type: "deployment_status", environment: "staging", deployment: 7, state: "success" }))
        ?.reason,
    ).toBe("deployment 7 is not the one under way to staging (none yet)");
    r.send({ type: "deployment_created", environment: "staging", deployment: 8 });
    expect(
      rejected(r.send({ type: "deployment_status", environment: "staging", deployment: 7, state: "failure" }))
        ?.reason,
    ).toBe("deployment 7 is not the one under way to staging (8)");
    expect(r.state.status).toBe("delivering");
    expect(
      r.send({ type: "deployment_status", environment: "staging", deployment: 8, state: "success" }),
    ).toContainEqual({ type: "complete", status: "succeeded" });
  });

  it("required checks that never reported, and a deployment with no status, are said for the head and deployment under way", () => {
    const r = run({ environments: ["staging"] });
    r.finishAll();
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    expect(rejected(r.send({ type: "checks_missing", sha: "b".repeat(40), checks: ["unit"] }))?.reason).toBe(
      "bbbbbbb is not the head waiting for its checks",
    );
    const missing = r.send({ type: "checks_missing", sha: "a".repeat(40), checks: ["unit", "@team lint"] });
    expect(missing.find((e) => e.type === "notify")).toMatchObject({ level: "warning" });
    const said = (missing.find((e) => e.type === "notify") as { message: string }).message;
    expect(said).toMatch(
      /^#12 still waits for required checks that have not reported at all on aaaaaaa after \d+ minutes: "unit", "@\u200bteam lint"\./,
    );
    expect(rejected(r.send({ type: "checks_missing", sha: "a".repeat(40), checks: [] }))?.reason).toBe(
      "no check is missing or queued",
    );
    const queued = r.send({ type: "checks_missing", sha: "a".repeat(40), checks: [], queued: ["e2e"] });
    expect((queued.find((e) => e.type === "notify") as { message: string }).message).toMatch(
      /^#12 still waits: checks on aaaaaaa are still queued after \d+ minutes: "e2e"\. No runner took their jobs/,
    );
    const both = r.send({ type: "checks_missing", sha: "a".repeat(40), checks: ["unit"], queued: ["e2e"] });
    expect((both.find((e) => e.type === "notify") as { message: string }).message).toMatch(
      /have not reported at all on aaaaaaa after \d+ minutes: "unit"\..* Checks on aaaaaaa are still queued after \d+ minutes: "e2e"\..* Delivery goes on once they pass/,
    );
    r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" });
    r.send({ type: "pr_merged", sha: "m".repeat(40) });
    r.send({ type: "deployment_created", environment: "staging", deployment: 8 });
    expect(r.state.delivery?.deployments.staging).toMatchObject({ id: 8, state: "created" });
    expect(
      rejected(r.send({ type: "deployment_silent", environment: "staging", deployment: 7 }))?.reason,
    ).toBe("deployment 7 is not waiting for its first status");
    expect(r.send({ type: "deployment_silent", environment: "staging", deployment: 8 })).toContainEqual(
      expect.objectContaining({
        type: "notify",
        message: expect.stringContaining("Deployment 8 to staging"),
      }),
    );
    r.send({ type: "deployment_status", environment: "staging", deployment: 8, state: "in_progress" });
    expect(
      rejected(r.send({ type: "deployment_silent", environment: "staging", deployment: 8 }))?.reason,
    ).toBe("deployment 8 is not waiting for its first status");
  });

  it("a failed staging deployment stops production", () => {
    const r = run();
    r.finishAll();
    r.send({ type: "pr_opened", number: 1, sha: "a".repeat(40) });
    r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" });
    r.send({ type: "pr_merged", sha: "m".repeat(40) });
    const out = r.send({
      type: "deployment_status",
      environment: "staging",
      state: "failure",
      description: "smoke test",
    });
    expect(out).toContainEqual({
      type: "complete",
      status: "failed",
      reason: "deployment to staging failed: smoke test",
    });
    expect(out.some((e) => e.type === "deliver")).toBe(false);
    expect(
      rejected(r.send({ type: "deployment_status", environment: "production", state: "success" }))?.reason,
    ).toBe("no deployment to production is under way");
  });

  it("a merge conflict waits for new checks; a merge-queue eviction is not a failure; cancel ends delivery", () => {
    const r = run({ merge: "auto", environments: [] });
    r.finishAll();
    r.send({ type: "pr_opened", number: 1, sha: "a".repeat(40) });
    r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" });
    const evicted = r.send({ type: "pr_not_mergeable", reason: "removed from the merge queue" });
    expect(evicted.find((e) => e.type === "notify")).toMatchObject({ level: "info" });
    expect(r.state.status).toBe("delivering");
    const conflict = r.send({ type: "pr_not_mergeable", reason: "conflict in app.py", conflict: true });
    expect(conflict.find((e) => e.type === "notify")).toMatchObject({ level: "error" });
    expect(r.send({ type: "checks_completed", sha: "c".repeat(40), conclusion: "success" })).toContainEqual({
      type: "deliver",
      step: "merge",
    });
    const cancelled = r.send({ type: "cancel_requested", by: "alice" });
    expect(cancelled).toContainEqual({ type: "complete", status: "cancelled", reason: "cancelled by alice" });
  });

  it("while auto-merge waits: turned off is said once; a moved head's green checks count, its red ones revise", () => {
    const r = run({ environments: [] });
    r.finishAll();
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" });
    r.send({ type: "auto_merge_enabled", sha: "a".repeat(40) });
    expect(r.state.delivery).toMatchObject({ status: "merging", auto_merge: "on" });
    expect(
      rejected(r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" }))?.reason,
    ).toBe("the checks of aaaaaaa passed already");
    const off = r.send({ type: "auto_merge_disabled", sha: "a".repeat(40) });
    expect(off.find((e) => e.type === "notify")).toMatchObject({
      level: "warning",
      message: expect.stringContaining("Auto-merge of #12 was turned off on GitHub"),
    });
    expect(r.state.delivery?.auto_merge).toBe("off");
    expect(rejected(r.send({ type: "auto_merge_disabled", sha: "a".repeat(40) }))?.reason).toBe(
      "auto-merge is not on",
    );
    // Someone pushed: green checks of the new head make it the one that passed.
    r.send({ type: "checks_completed", sha: "b".repeat(40), conclusion: "success" });
    expect(r.state.delivery).toMatchObject({ status: "merging", sha: "b".repeat(40) });
    // Pushed again, red: back as red CI before the merge.
    const red = r.send({
      type: "checks_completed",
      sha: "c".repeat(40),
      conclusion: "failure",
      failing: [{ name: "unit", summary: "1 failed" }],
    });
    expect(red.find((e) => e.type === "dispatch")).toMatchObject({
      tasks: [expect.objectContaining({ id: "testing/qa", attempt: 2 })],
    });
    expect(r.state.status).toBe("running");
    expect(r.state.delivery?.status).toBe("revising");
    expect(r.state.delivery?.auto_merge).toBeUndefined();
  });

  it("manual merge waits for a person; merge off goes straight to deployments", () => {
    const manual = run({ merge: "manual", environments: [] });
    manual.finishAll();
    manual.send({ type: "pr_opened", number: 1, sha: "a".repeat(40) });
    const ready = manual.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" });
    expect(ready.some((e) => e.type === "deliver")).toBe(false);
    expect(manual.send({ type: "pr_merged", sha: "m".repeat(40), by: "bob" })).toContainEqual({
      type: "complete",
      status: "succeeded",
    });
    const off = run({ merge: "off", environments: ["staging"] });
    off.finishAll();
    off.send({ type: "pr_opened", number: 1, sha: "a".repeat(40) });
    expect(off.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" })).toContainEqual(
      {
        type: "deliver",
        step: "deploy",
        environment: "staging",
      },
    );
  });
});

describe("a retry of a delivery that stopped", () => {
  const notice = (effects: Effect[]) =>
    (effects.find((e) => e.type === "notify") as { message: string } | undefined)?.message;

  it("a failed deployment: the environment is deployed again, under a new time limit, and delivery goes on", () => {
    const r = run();
    r.finishAll();
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" });
    r.send({ type: "pr_merged", sha: "m".repeat(40) });
    r.send({ type: "deployment_created", environment: "staging", deployment: 1 });
    r.send({ type: "deployment_status", environment: "staging", deployment: 1, state: "failure" });
    expect(r.state).toMatchObject({ status: "failed", timers: {} });
    const resumed = r.send({ type: "retry_requested", by: "alice" });
    expect(rejected(resumed)).toBeUndefined();
    expect(resumed).toContainEqual({ type: "deliver", step: "deploy", environment: "staging" });
    expect(resumed).toContainEqual(expect.objectContaining({ type: "start_timer", id: "execution" }));
    expect(notice(resumed)).toBe(
      "Delivery resumed by alice (it stopped: deployment to staging failed): staging is deployed again.",
    );
    expect(r.state.status).toBe("delivering");
    expect(r.state.finished_at).toBeUndefined();
    expect(r.state.reason).toBeUndefined();
    expect(r.state.delivery).toMatchObject({ status: "deploying", environment: 0, deployments: {} });
    expect(r.state.audit.at(-1)).toMatchObject({
      by: "alice",
      what: "resumed delivery: staging is deployed again",
    });
    // The failed deployment's late statuses no longer count; the new one's do.
    expect(
      rejected(r.send({ type: "deployment_status", environment: "staging", deployment: 1, state: "success" }))
        ?.reason,
    ).toBe("deployment 1 is not the one under way to staging (none yet)");
    r.send({ type: "deployment_created", environment: "staging", deployment: 2 });
    expect(
      r.send({ type: "deployment_status", environment: "staging", deployment: 2, state: "success" }),
    ).toContainEqual({ type: "deliver", step: "deploy", environment: "production" });
    r.send({ type: "deployment_created", environment: "production", deployment: 3 });
    const done = r.send({
      type: "deployment_status",
      environment: "production",
      deployment: 3,
      state: "success",
    });
    expect(done).toContainEqual({ type: "complete", status: "succeeded" });
    expect(replay(r.log)).toEqual(r.state);
  });

  it("CI red past its revisions: the checks are read again with a new budget of revisions", () => {
    const r = run({ max_revisions: 1, environments: [] });
    r.finishAll();
    const red = (sha: string) =>
      r.send({
        type: "checks_completed",
        sha,
        conclusion: "failure",
        failing: [{ name: "lint", summary: "" }],
      });
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    red("a".repeat(40));
    r.finish("testing/qa");
    r.finish("delivery/ops");
    r.send({ type: "pr_opened", number: 12, sha: "b".repeat(40) });
    expect(red("b".repeat(40))).toContainEqual({
      type: "complete",
      status: "failed",
      reason: "CI failed (lint) after 1 revision(s)",
    });
    const resumed = r.send({ type: "retry_requested", by: "alice" });
    expect(resumed).toContainEqual({ type: "deliver", step: "open_pr" });
    expect(notice(resumed)).toBe(
      "Delivery resumed by alice (it stopped: CI failed (lint) after 1 revision(s)): the checks of #12 are read again on its branch's head, with 1 new revision(s) if they fail again.",
    );
    expect(r.state.delivery).toMatchObject({ status: "opening_pr", revisions: 0, failing: [] });
    // Still red: the testing phase runs again, as on the first red.
    r.send({ type: "pr_opened", number: 12, sha: "b".repeat(40) });
    expect(red("b".repeat(40)).find((e) => e.type === "dispatch")).toMatchObject({
      tasks: [expect.objectContaining({ id: "testing/qa" })],
    });
    expect(r.state.status).toBe("running");
    expect(replay(r.log)).toEqual(r.state);
  });

  it("a cancel while the merge waits: the merge step runs again, auto-merge enabled anew", () => {
    const r = run({ environments: [] });
    r.finishAll();
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    r.send({ type: "checks_completed", sha: "a".repeat(40), conclusion: "success" });
    r.send({ type: "auto_merge_enabled", sha: "a".repeat(40) });
    r.send({ type: "cancel_requested", by: "bob" });
    expect(r.state.status).toBe("cancelled");
    const resumed = r.send({ type: "retry_requested", by: "alice" });
    expect(resumed).toContainEqual({ type: "deliver", step: "merge" });
    expect(notice(resumed)).toBe("Delivery resumed by alice (it stopped: cancelled by bob): #12 is merged.");
    expect(r.state.delivery).toMatchObject({ status: "merging", auto_merge: undefined });
    expect(r.send({ type: "pr_merged", sha: "m".repeat(40) })).toContainEqual({
      type: "complete",
      status: "succeeded",
    });
  });

  it("tasks that can run again are retried as before; `retry delivery` names delivery unless a phase is called so", () => {
    const r = run({ environments: [] }, "ship");
    r.finish("build/dev");
    r.send({ type: "cancel_requested", by: "bob" });
    // Cancelled tasks: a retry runs them again, delivery not started yet.
    expect(rejected(r.send({ type: "retry_requested", target: "delivery" }))?.reason).toBe(
      "nothing to retry: delivery has not started",
    );
    expect(r.send({ type: "retry_requested" }).find((e) => e.type === "dispatch")).toBeDefined();
    r.finish("testing/qa");
    r.finish("ship/ops");
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    expect(rejected(r.send({ type: "retry_requested" }))?.reason).toBe(
      "nothing to retry: no failed, cancelled or blocked task",
    );
    expect(rejected(r.send({ type: "retry_requested", target: "delivery" }))?.reason).toBe(
      "nothing to retry: delivery is under way (awaiting_checks)",
    );
    r.send({ type: "cancel_requested", by: "bob" });
    expect(rejected(r.send({ type: "retry_requested", target: "ship" }))?.reason).toBe(
      "nothing to retry in ship: no failed, cancelled or blocked task",
    );
    expect(r.send({ type: "retry_requested", target: "delivery", by: "alice" })).toContainEqual({
      type: "deliver",
      step: "open_pr",
    });
    expect(r.state.status).toBe("delivering");
    // Where a phase is called `delivery`, `retry delivery` is that phase's: with nothing to run
    // again in it, it resumes a delivery that stopped all the same.
    const named = run({ environments: [] });
    named.finishAll();
    named.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    named.send({ type: "cancel_requested", by: "bob" });
    expect(named.send({ type: "retry_requested", target: "delivery" })).toContainEqual({
      type: "deliver",
      step: "open_pr",
    });
  });
});
