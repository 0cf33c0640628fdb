import { describe, expect, it } from "vitest";
import { drive } from "./driver.ts";

function run(policy: Record<string, unknown> = {}) {
  return drive({
    tasks: [
      { id: "build/dev", agent: "dev", phase: "build" },
      { id: "testing/a", agent: "qa", phase: "testing", needs: ["build/dev"] },
      { id: "testing/b", agent: "qa", phase: "testing", needs: ["build/dev"] },
    ],
    phase: { testing: { non_retryable: ["x"] } },
    policy,
    delivery: { environments: ["staging"] },
    step: 10,
  });
}

describe("a merge by hand while a phase runs again for red CI", () => {
  it("a task that failed in the dropped revision does not fail the execution: the merge deploys", () => {
    const r = run();
    for (const id of ["build/dev", "testing/a", "testing/b"]) r.finish(id);
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    r.send({
      type: "checks_completed",
      sha: "a".repeat(40),
      conclusion: "failure",
      failing: [{ name: "unit", summary: "" }],
    });
    expect(r.state.delivery!.status).toBe("revising");
    r.start("testing/a");
    r.start("testing/b");
    r.send({
      type: "task_failed",
      task: "testing/a",
      attempt: r.state.tasks["testing/a"]!.attempt,
      error: { kind: "x", message: "boom" },
    });
    expect(r.state.tasks["testing/a"]!.status).toBe("failed");
    expect(r.state.finished_at).toBeUndefined();
    const out = r.send({ type: "pr_merged", sha: "m".repeat(40), by: "octocat" });
    expect(out.some((e) => e.type === "deliver")).toBe(true);
    expect(out.find((e) => e.type === "complete")).toBeUndefined();
  });

  it("a budget stop reached during the revision is dropped with it", () => {
    const r = run({ budget: { usd: 1 } });
    for (const id of ["build/dev", "testing/a", "testing/b"]) r.finish(id);
    r.send({ type: "pr_opened", number: 12, sha: "a".repeat(40) });
    r.send({
      type: "checks_completed",
      sha: "a".repeat(40),
      conclusion: "failure",
      failing: [{ name: "unit", summary: "" }],
    });
    r.start("testing/a");
    r.start("testing/b");
    r.send({
      type: "task_succeeded",
      task: "testing/a",
      attempt: r.state.tasks["testing/a"]!.attempt,
      cost: { usd: 2, tokens: 0 },
    });
    const out = r.send({ type: "pr_merged", sha: "m".repeat(40), by: "octocat" });
    expect(out.find((e) => e.type === "complete")).toBeUndefined();
    expect(r.state.halt).toBeUndefined();
    expect(r.state.status).toBe("delivering");
  });
});
