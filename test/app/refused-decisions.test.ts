/**
 * A refused `/orchestrate approve|reject` stays refused: the tick that reads back the comments of a
 * waiting gate (for a lost webhook) never decides it again against a later state.
 */
import { describe, expect, it } from "vitest";
import { useGitHubMock } from "../support/github/index.ts";
import { gatedApp, TWO_GATES } from "./gated-app.ts";

const gh = useGitHubMock();

const ONE_GATE = `version: 1
agents:
  architect: { run: ./architect.sh }
  dev: { run: ./dev.sh }
phases:
  - { id: design, agents: [architect], gate: {} }
  - { id: build, needs: [design], agents: [dev] }
`;

/** The app, with comments kept on GitHub's side as posted (so the tick can read them back). */
async function app(plan: string) {
  const app = await gatedApp(gh, plan);
  /** A comment by `login` on issue 7, answered by its webhook; its reply is returned. */
  const say = async (login: string, body: string) => {
    const said = await app.say(login, body);
    const created_at = new Date(app.time.now).toISOString();
    app.side.comments.push({ id: said.id, body, issue: 7, user: login, created_at });
    app.time.now += 1_000;
    return said.replies;
  };
  /** A tick a minute later; the replies it posted are returned. */
  const tick = async () => {
    app.time.now += 60_000;
    const before = app.side.comments.length;
    await app.tick();
    return app.side.comments.slice(before).filter((c) => !c.body.includes("orchestrate:dashboard"));
  };
  const gate = (phase: string) => app.state().phase_state[phase]?.gate?.status;
  return { ...app, say, tick, gate };
}

describe("a refused gate decision read back by the tick", () => {
  it("an ambiguous approve, refused while two gates waited, does not approve the other once one is decided", async () => {
    const x = await app(TWO_GATES);
    await x.label();
    await x.complete("a/architect", 1);
    await x.complete("b/dev", 1);
    expect([x.gate("a"), x.gate("b")]).toEqual(["open", "open"]);
    expect(await x.say("Codertocat", "/orchestrate approve")).toEqual([
      "@Codertocat several gates are waiting (a, b): name the phase, e.g. `/orchestrate approve a`. Nothing was changed.",
    ]);
    expect(await x.say("Codertocat", "/orchestrate approve a")).toEqual([]);
    expect([x.gate("a"), x.gate("b")]).toEqual(["approved", "open"]);
    expect(await x.tick()).toEqual([]);
    expect(x.gate("b")).toBe("open");
    const decisions = x.state().audit.filter((a: { what: string }) => a.what.includes("phase"));
    expect(decisions.map((a: { what: string }) => a.what)).toEqual(["approved phase a"]);
  });

  it("an approve refused while its phase still ran does not approve the gate once it opens", async () => {
    const x = await app(TWO_GATES);
    await x.label();
    await x.complete("a/architect", 1);
    expect(await x.say("Codertocat", "/orchestrate approve b")).toEqual([
      "@Codertocat the gate of phase `b` is not waiting for a decision (it is closed). Nothing was changed.",
    ]);
    await x.complete("b/dev", 1);
    expect(x.gate("b")).toBe("open");
    expect(await x.tick()).toEqual([]);
    expect(x.gate("b")).toBe("open");
  });

  it("an approve refused because the execution had ended does not approve once a retry takes it up", async () => {
    const x = await app(ONE_GATE);
    await x.label();
    x.time.now += 3_600_000;
    await x.complete("design/architect", 1);
    x.time.now += 24 * 3_600_000;
    await x.tick();
    expect(x.state().status).toBe("failed");
    const [refused] = await x.say("reviewer1", "/orchestrate approve");
    expect(refused).toMatch(/^@reviewer1 this execution has ended \(failed: .*\. Nothing was changed\.$/);
    await x.say("Codertocat", "/orchestrate retry");
    expect([x.state().status, x.gate("design")]).toEqual(["waiting", "open"]);
    expect(await x.tick()).toEqual([]);
    expect(x.gate("design")).toBe("open");
    // Said again now, it decides.
    await x.say("reviewer1", "/orchestrate approve");
    expect(x.gate("design")).toBe("approved");
  });

  it("the refusal is in the execution's log, so a process started afresh does not decide it either", async () => {
    const x = await app(TWO_GATES);
    await x.label();
    await x.complete("a/architect", 1);
    await x.complete("b/dev", 1);
    await x.say("Codertocat", "/orchestrate approve");
    const events = x.repo.git.readFile("orchestrate-state", "executions/7/events.jsonl");
    const refused = events!
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .filter((e) => e.type === "command_refused");
    expect(refused).toEqual([
      {
        id: "cmd:comment-601:0",
        at: expect.any(Number),
        type: "command_refused",
        by: "Codertocat",
        command: "approve",
        reason: "several gates are waiting (a, b): name the phase, e.g. `/orchestrate approve a`.",
      },
    ]);
  });
});
