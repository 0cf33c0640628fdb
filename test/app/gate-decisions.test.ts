import { describe, expect, it } from "vitest";
import { useGitHubMock } from "../support/github/index.ts";
import { gatedApp } from "./gated-app.ts";

const gh = useGitHubMock();

const plan = (design: string, build = "{ id: build, needs: [design], agents: [dev] }") => `version: 1
agents:
  architect: { run: ./architect.sh }
  dev: { run: ./dev.sh }
phases:
  - ${design}
  - ${build}
`;

describe("GitHub App: who passes a gate", () => {
  it("a writer who may not approve a gate may not skip past it either", async () => {
    const app = await gatedApp(gh, plan("{ id: design, agents: [architect], gate: { approvers: [boss] } }"));
    await app.label();
    await app.complete("design/architect", 1);
    expect(app.state().phase_state.design.gate.status).toBe("open");
    expect((await app.say("Codertocat", "/orchestrate approve")).replies).toEqual([
      "@Codertocat only the approvers of phase `design` may approve it: @boss. Nothing was changed.",
    ]);
    expect((await app.say("Codertocat", "/orchestrate skip design/architect")).replies).toEqual([
      "@Codertocat only the approvers of phase `design` may skip its tasks before its gate is approved: @boss. Nothing was changed.",
    ]);
    // An approver is told to decide the gate instead: work under review is not skipped.
    expect((await app.say("boss", "/orchestrate skip design/architect")).replies).toEqual([
      "Not done: task design/architect is under review: the gate of phase design decides it (approve the phase, or reject it with what should change).",
    ]);
    expect(app.state().phase_state.design.gate).toMatchObject({ status: "open", approvals: [] });
    expect(app.state().tasks["build/dev"].status).toBe("pending");
    expect(app.dispatched()).toEqual(["design/architect#1"]);
    await app.say("boss", "/orchestrate approve");
    expect(app.dispatched()).toEqual(["design/architect#1", "build/dev#1"]);
  });
});

describe("GitHub App: gates that take reviews only", () => {
  it("two open at once are decided by commands naming them; the last one by a review", async () => {
    const app = await gatedApp(
      gh,
      plan(
        "{ id: a, agents: [architect], gate: { via: review } }",
        "{ id: b, agents: [dev], gate: { via: review } }",
      ),
    );
    await app.label();
    await app.complete("a/architect", 1);
    await app.complete("b/dev", 1);
    expect([app.state().phase_state.a.gate.status, app.state().phase_state.b.gate.status]).toEqual([
      "open",
      "open",
    ]);
    expect(await app.review("Codertocat", "approved", app.head(), 11)).toEqual([
      "@Codertocat several gates that take reviews are waiting (a, b), and a review cannot say which one it decides: comment `/orchestrate approve a` naming the phase instead. Nothing was changed.",
    ]);
    expect(app.check("a").actions).toEqual(["approve", "reject"]);
    expect((await app.say("Codertocat", "/orchestrate approve a")).replies).toEqual([]);
    expect(app.state().phase_state.a.gate.status).toBe("approved");
    // b is now the only gate a review can be for: its check run drops the buttons, a review decides it.
    expect(app.check("b").actions).toEqual([]);
    expect(await app.button("Codertocat", "approve", "b")).toEqual([
      "@Codertocat phase `b` is decided by pull request review only: review the working branch's pull request at its current head. Nothing was changed.",
    ]);
    await app.review("Codertocat", "approved", app.head(), 12);
    expect(app.state().phase_state.b.gate.status).toBe("approved");
    expect(app.state().status).toBe("succeeded");
  });
});

describe("GitHub App: a gate of an execution that ended", () => {
  it("takes no approval once the execution is cancelled, and says so", async () => {
    const app = await gatedApp(gh, plan("{ id: design, agents: [architect], gate: {} }"));
    await app.label();
    await app.complete("design/architect", 1);
    await app.say("Codertocat", "/orchestrate cancel");
    expect(app.state().phase_state.design.gate.status).toBe("closed");
    const { id, replies } = await app.say("Codertocat", "/orchestrate approve");
    expect(replies).toEqual([
      "@Codertocat this execution has ended (cancelled: cancelled by Codertocat), so no gate waits for a decision; `/orchestrate retry` takes it up again. Nothing was changed.",
    ]);
    expect(app.side.reactions.filter((r) => r.comment === id)).toEqual([]);
    expect(
      app
        .state()
        .audit.map((a: { what: string }) => a.what)
        .at(-1),
    ).toBe("cancelled the execution");
  });

  it("waiting past the execution's time limit keeps its work: a retry waits for the decision again", async () => {
    const app = await gatedApp(gh, plan("{ id: design, agents: [architect], gate: {} }"));
    await app.label();
    app.time.now += 3_600_000;
    await app.complete("design/architect", 1);
    app.time.now += 24 * 3_600_000;
    await app.tick();
    expect(app.state()).toMatchObject({ status: "failed", reason: "the execution exceeded its time limit" });
    expect(app.state().tasks["design/architect"].status).toBe("under_review");
    expect(app.check("design")).toMatchObject({ title: "Stopped while waiting for approval" });
    expect(app.check("design").actions).toEqual([]);
    expect(app.dashboard()).toContain("**design was waiting for approval when the execution ended**");
    expect((await app.say("Codertocat", "/orchestrate approve")).replies).toEqual([
      "@Codertocat this execution has ended (failed: the execution exceeded its time limit), so no gate waits for a decision; `/orchestrate retry` takes it up again. Nothing was changed.",
    ]);
    await app.say("Codertocat", "/orchestrate retry");
    expect(app.state()).toMatchObject({ status: "waiting" });
    expect(app.state().phase_state.design.gate.status).toBe("open");
    expect(app.dispatched()).toEqual(["design/architect#1"]);
    expect(app.check("design")).toMatchObject({
      title: "Waiting for approval",
      actions: ["approve", "reject"],
    });
    await app.say("Codertocat", "/orchestrate approve");
    expect(app.dispatched()).toEqual(["design/architect#1", "build/dev#1"]);
  });
});
