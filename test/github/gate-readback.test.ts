/**
 * The tick reads back the `/orchestrate approve|reject` comments of a waiting gate whose webhooks
 * were lost, and decides them as their webhooks would have been: against the gates waiting when
 * they were written, answered once their outcome is known.
 */
import { describe, expect, it } from "vitest";
import { gatedApp } from "../app/gated-app.ts";
import { useGitHubMock } from "../support/github/index.ts";

const gh = useGitHubMock();

/** Two gated phases side by side, then one that needs both. */
const TWO_GATES = `version: 1
agents:
  architect: { run: ./architect.sh }
  dev: { run: ./dev.sh }
  ops: { run: ./ops.sh }
phases:
  - { id: a, agents: [architect], gate: {} }
  - { id: b, agents: [dev], gate: {} }
  - { id: c, needs: [a, b], agents: [ops] }
`;

/** The app, with ways to leave a comment on GitHub whose webhook is lost, and to tick. */
async function app(plan: string) {
  const x = await gatedApp(gh, plan);
  /** A comment by `login` on issue 7 that GitHub keeps, but whose webhook never comes. */
  const unheard = (id: number, login: string, body: string) => {
    x.side.comments.push({ id, body, issue: 7, user: login, created_at: new Date(x.time.now).toISOString() });
    x.time.now += 1_000;
  };
  /** Comments posted since the `before`-th, other than the dashboard. */
  const posted = (before: number) =>
    x.side.comments
      .slice(before)
      .map((c) => c.body)
      .filter((b) => !b.includes("orchestrate:dashboard"))
      .map((b) => b.replace(/^<!-- orchestrate:comment -->\n/, ""));
  /** A tick a minute later; what it posted (other than the dashboard) is returned. */
  const tick = async () => {
    x.time.now += 60_000;
    const before = x.side.comments.length;
    await x.tick();
    return posted(before);
  };
  const gate = (phase: string) => x.state().phase_state[phase]?.gate;
  const eyes = (comment: number) => x.side.reactions.filter((r) => r.comment === comment);
  return { ...x, unheard, posted, tick, gate, eyes };
}

describe("a gate decision read back by the tick, naming no phase", () => {
  it("written while two gates waited, does not approve the one left after the other was decided", async () => {
    const x = await app(TWO_GATES);
    await x.label();
    await x.complete("a/architect", 1);
    await x.complete("b/dev", 1);
    x.time.now += 60_000;
    x.unheard(900, "octocat", "/orchestrate approve");
    expect((await x.say("Codertocat", "/orchestrate approve a")).replies).toEqual([]);
    expect(x.gate("a")!.status).toBe("approved");
    expect(await x.tick()).toEqual([
      "@octocat several gates are waiting (a, b): name the phase, e.g. `/orchestrate approve a`. Nothing was changed.",
    ]);
    expect(x.gate("b")).toMatchObject({ status: "open", approvals: [] });
    expect(x.eyes(900)).toEqual([]);
    expect(x.state().applied["cmd:comment-900:0"]).toBe(true);
    // Decided once: the next tick says nothing, and a later approval of `b` is its own.
    expect(await x.tick()).toEqual([]);
    await x.say("Codertocat", "/orchestrate approve b");
    expect(x.gate("b")!.approvals.map((a: { by: string }) => a.by)).toEqual(["Codertocat"]);
  });
});
