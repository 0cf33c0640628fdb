import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../src/core/plan/schema.ts";
import {
  type ExecutionEvent,
  type ExecutionState,
  ExecutionStateSchema,
  reduce,
  replay,
} from "../../../src/core/state/index.ts";
import { drive } from "./driver.ts";

const GATE = { approvers: [], min_approvals: 1, via: "both", max_revisions: 2, allow_requester: true };

const run = () =>
  drive({
    tasks: [
      { id: "build/a", agent: "dev", phase: "build" },
      { id: "build/b", agent: "dev", phase: "build" },
      { id: "test/qa", agent: "qa", phase: "test", needs: ["build/a", "build/b"] },
    ],
    policy: { max_concurrency: 1, retry: { ...defaultPolicy().retry, non_retryable: ["auth"] } },
    phase: {
      build: { max_attempts: 5, task_timeout_ms: 42_000, non_retryable: ["lint"], gate: GATE },
    },
  });

const rejection = (effects: { type: string }[]) =>
  (effects.find((e) => e.type === "rejected") as { reason: string } | undefined)?.reason;

describe("tasks_added", () => {
  it("adds tasks that wait for their needs and run in priority order", () => {
    const r = run();
    const effects = r.send({
      type: "tasks_added",
      tasks: [{ id: "docs", agent: "writer", needs: ["test/qa"] }],
    });
    expect(rejection(effects)).toBeUndefined();
    expect(r.state.tasks.docs!.status).toBe("pending");
    expect(r.state.specs.docs).toMatchObject({ max_attempts: defaultPolicy().retry.max_attempts });
    // The added task lengthens test/qa's path: the queue is re-sorted, nothing is lost.
    expect(r.state.specs["test/qa"]!.priority).toBeGreaterThan(0);
    expect(
      r.state.ready.length + Object.values(r.state.tasks).filter((t) => t.status === "queued").length,
    ).toBe(2);
  });

  it("gives a task that joins a phase that phase's limits and makes it part of the phase", () => {
    const r = run();
    const effects = r.send({
      type: "tasks_added",
      tasks: [{ id: "build/c", agent: "dev", phase: "build", needs: [] }],
    });
    expect(rejection(effects)).toBeUndefined();
    expect(r.state.specs["build/c"]).toMatchObject({
      max_attempts: 5,
      timeout_ms: 42_000,
      non_retryable: ["auth", "lint"],
      phase: "build",
    });
    expect(r.state.phases.find((p) => p.id === "build")!.tasks).toEqual(["build/a", "build/b", "build/c"]);
    // The phase's gate waits for the added task too.
    r.finish("build/a");
    r.finish("build/b");
    expect(r.state.phase_state.build?.gate).toBeUndefined();
    r.finish("build/c");
    expect(r.state.phase_state.build?.gate?.status).toBe("open");
    // Replaying the log gives the same state.
    expect(replay(r.events)).toEqual(r.state);
  });

  it("refuses tasks naming an unknown phase or a phase at its gate, changing nothing", () => {
    const r = run();
    const unknown = r.send({
      type: "tasks_added",
      tasks: [{ id: "x", agent: "dev", phase: "nope", needs: [] }],
    });
    expect(rejection(unknown)).toBe("task x names unknown phase nope");
    r.finish("build/a");
    r.finish("build/b");
    const before = r.state;
    const late = r.send({
      type: "tasks_added",
      tasks: [{ id: "build/late", agent: "dev", phase: "build", needs: [] }],
    });
    expect(rejection(late)).toBe(
      "task build/late cannot join phase build: it has finished or waits at its gate",
    );
    expect(r.state.specs["build/late"]).toBeUndefined();
    expect(r.state.phases).toBe(before.phases);
  });

  it("gives a task that joins a phase with no tasks that phase's limits, also after a reload", () => {
    const r = drive({
      tasks: [{ id: "plan/p", agent: "architect", phase: "plan" }],
      emptyPhases: ["build"],
      policy: { retry: { ...defaultPolicy().retry, non_retryable: ["auth"] } },
      phase: { build: { max_attempts: 6, task_timeout_ms: 7_000, non_retryable: ["lint"] } },
    });
    // What a host loads back: the saved state, read through the state schema.
    const saved = ExecutionStateSchema.parse(JSON.parse(JSON.stringify(r.state))) as ExecutionState;
    const out = reduce(saved, {
      id: "add",
      at: 5_000,
      type: "tasks_added",
      tasks: [{ id: "build/api", agent: "dev", phase: "build", needs: ["plan/p"] }],
    } as ExecutionEvent);
    expect(rejection(out.effects)).toBeUndefined();
    expect(out.state.specs["build/api"]).toMatchObject({
      max_attempts: 6,
      timeout_ms: 7_000,
      non_retryable: ["auth", "lint"],
    });
  });

  it("refuses tasks for a phase without a gate once its tasks are done or what needs it started", () => {
    const ungated = () =>
      drive({
        tasks: [
          { id: "build/a", agent: "dev", phase: "build" },
          { id: "build/b", agent: "dev", phase: "build" },
          { id: "test/qa", agent: "qa", phase: "test", needs: ["build/a"] },
        ],
        policy: { max_concurrency: 4 },
      });
    const join = (r: ReturnType<typeof ungated>, phase: string) =>
      rejection(
        r.send({ type: "tasks_added", tasks: [{ id: `${phase}/late`, agent: "dev", phase, needs: [] }] }),
      );
    const over = (phase: string) =>
      `task ${phase}/late cannot join phase ${phase}: it has finished or waits at its gate`;
    // Every task of build done.
    const done = ungated();
    done.finish("build/a");
    done.finish("build/b");
    expect(join(done, "build")).toBe(over("build"));
    expect(done.state.specs["build/late"]).toBeUndefined();
    // build/b still runs, but test — which needs build — has started without what would join.
    const started = ungated();
    started.finish("build/a");
    expect(started.state.tasks["test/qa"]!.status).not.toMatch(/pending|ready/);
    expect(join(started, "build")).toBe(over("build"));
    // What needs it was skipped, not started: build/b still runs, so build takes it.
    const skipped = ungated();
    skipped.send({ type: "skip_requested", task: "test/qa", by: "dana", reason: "not now" });
    expect(skipped.state.tasks["test/qa"]!.status).toBe("skipped");
    expect(join(skipped, "build")).toBeUndefined();
    // Before that, the phase takes it; so does a phase with no dependents whose task waits.
    const open = ungated();
    expect(join(open, "build")).toBeUndefined();
    expect(join(open, "test")).toBeUndefined();
  });

  it("refuses a repeated id and an unknown need", () => {
    const r = run();
    expect(
      rejection(r.send({ type: "tasks_added", tasks: [{ id: "build/a", agent: "dev", needs: [] }] })),
    ).toBe("task build/a already exists");
    expect(
      rejection(r.send({ type: "tasks_added", tasks: [{ id: "y", agent: "dev", needs: ["zz"] }] })),
    ).toBe("task y needs unknown task zz");
  });
});
