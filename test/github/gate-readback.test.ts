/**
 * The tick reads back the `/orchestrate approve|reject` comments of a waiting gate whose webhooks
 * were lost, and decides them as their webhooks would have been: against the gates waiting when
 * they were written, answered once their outcome is known.
 */
import { describe, expect, it } from "vitest";
import { triggersOf } from "../../src/github/webhook-triggers.ts";
import { gatedApp, TWO_GATES } from "../app/gated-app.ts";
import { useGitHubMock } from "../support/github/index.ts";

const gh = useGitHubMock();

/** One gated phase (`gate`: its settings), then one that needs it. */
const ONE_GATE = (gate = "{}") => `version: 1
agents:
  architect: { run: ./architect.sh }
  dev: { run: ./dev.sh }
phases:
  - { id: design, agents: [architect], gate: ${gate} }
  - { id: build, needs: [design], agents: [dev] }
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
  /** Handles `triggers` for issue 7 in one batch (webhooks that came together, a tick among them). */
  const batch = async (...triggers: Parameters<ReturnType<typeof x.host>["enqueue"]>[2][]) => {
    const h = x.host();
    const installation = h.installations[0]!;
    const ref = { owner: "Codertocat", repo: "Hello-World", issue: 7 };
    const before = x.side.comments.length;
    for (const t of triggers) void h.enqueue(installation, ref, t);
    await h.queue.idle();
    return posted(before);
  };
  return { ...x, unheard, posted, tick, gate, eyes, batch };
}

describe("a gate decision the state refuses, read back by the tick", () => {
  it("a second approval by the same person is answered as refused, once, without 👀", async () => {
    const x = await app(ONE_GATE("{ min_approvals: 2 }"));
    await x.label();
    await x.complete("design/architect", 1);
    x.time.now += 60_000;
    x.unheard(801, "octocat", "/orchestrate approve");
    x.unheard(802, "octocat", "/orchestrate approve design");
    expect(await x.tick()).toEqual(["Not done: octocat already approved phase design."]);
    expect(x.gate("design")).toMatchObject({ status: "open", approvals: [{ by: "octocat" }] });
    expect([x.eyes(801), x.eyes(802)]).toEqual([[{ comment: 801, content: "eyes" }], []]);
    // Recorded as refused under the command's id: no tick (in this process or another) decides
    // or answers it again.
    expect(x.state().applied["cmd:comment-802:0"]).toBe(true);
    expect(await x.tick()).toEqual([]);
    expect(x.side.reactions).toHaveLength(1);
    await x.say("Codertocat", "/orchestrate approve");
    expect(x.gate("design")!.status).toBe("approved");
  });

  it("of an approve and a reject read back together, the one that comes second is told it was not done", async () => {
    const x = await app(ONE_GATE());
    await x.label();
    await x.complete("design/architect", 1);
    x.time.now += 60_000;
    x.unheard(801, "octocat", "/orchestrate approve");
    x.unheard(802, "monalisa", "/orchestrate reject design the API is wrong");
    expect(await x.tick()).toEqual(["Not done: the gate of phase design is approved, not open."]);
    expect(x.gate("design")).toMatchObject({ status: "approved", rejections: [] });
    expect([x.eyes(801), x.eyes(802)]).toEqual([[{ comment: 801, content: "eyes" }], []]);
    expect(x.state().applied["cmd:comment-802:0"]).toBe(true);
    expect(await x.tick()).toEqual([]);
  });

  it("by webhooks that come together, the same: 👀 only for what was applied", async () => {
    const x = await app(ONE_GATE("{ min_approvals: 2 }"));
    await x.label();
    await x.complete("design/architect", 1);
    const said = (commentId: number, body: string) =>
      ({
        kind: "comment",
        delivery: `d-${commentId}`,
        commentId,
        user: "octocat",
        userType: "User",
        body,
      }) as const;
    expect(
      await x.batch(said(801, "/orchestrate approve"), said(802, "/orchestrate approve design")),
    ).toEqual(["Not done: octocat already approved phase design."]);
    expect(x.side.reactions).toEqual([{ comment: 801, content: "eyes" }]);
    expect(x.state().applied["cmd:comment-802:0"]).toBe(true);
    // Redelivered (a new delivery of the same comment), the refused one says nothing more.
    expect(await x.batch({ ...said(802, "/orchestrate approve design"), delivery: "d-802-again" })).toEqual(
      [],
    );
  });
});

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

describe("one comment heard by its webhook and read back by the tick in the same batch", () => {
  /** The trigger of `payload`'s webhook, as the app routes it. */
  const routed = (payload: object, delivery: string) =>
    triggersOf("issue_comment", payload as never, delivery, { label: "orchestrate" })[0]!.trigger;

  it("is answered once when refused", async () => {
    const x = await app(TWO_GATES);
    await x.label();
    await x.complete("a/architect", 1);
    await x.complete("b/dev", 1);
    x.time.now += 60_000;
    const payload = x.comment("Codertocat", "/orchestrate approve", 777);
    x.unheard(777, "Codertocat", "/orchestrate approve");
    expect(await x.batch(routed(payload, "d-1"), { kind: "tick" })).toEqual([
      "@Codertocat several gates are waiting (a, b): name the phase, e.g. `/orchestrate approve a`. Nothing was changed.",
    ]);
    expect(x.state().applied["cmd:comment-777:0"]).toBe(true);
  });

  it("gets one 👀 when applied", async () => {
    const x = await app(TWO_GATES);
    await x.label();
    await x.complete("a/architect", 1);
    x.time.now += 60_000;
    const payload = x.comment("Codertocat", "/orchestrate approve", 777);
    x.unheard(777, "Codertocat", "/orchestrate approve");
    expect(await x.batch({ kind: "tick" }, routed(payload, "d-1"))).toEqual([]);
    expect(x.gate("a")!.approvals.map((a: { by: string }) => a.by)).toEqual(["Codertocat"]);
    expect(x.side.reactions).toEqual([{ comment: 777, content: "eyes" }]);
  });

  it("is decided alike by both: by when it was written, which its webhook says too", async () => {
    const x = await app(TWO_GATES);
    await x.label();
    await x.complete("a/architect", 1);
    x.time.now += 60_000;
    // Written while only `a` waited; `b` opens before either path handles it.
    const payload = x.comment("octocat", "/orchestrate approve b", 777);
    x.unheard(777, "octocat", "/orchestrate approve b");
    x.time.now += 60_000;
    await x.complete("b/dev", 1);
    const opened = new Date(x.gate("b")!.opened_at).toISOString();
    const said = [
      `@octocat the gate of phase \`b\` opened after this was written (${opened}), so it does not decide it: decide it again now. Nothing was changed.`,
    ];
    expect(await x.batch(routed(payload, "d-1"), { kind: "tick" })).toEqual(said);
    expect(x.gate("b")).toMatchObject({ status: "open", approvals: [] });
    expect(x.side.reactions).toEqual([]);
  });
});

describe("a webhook that comes after the tick read its comment back", () => {
  it("answers the comment's other commands, and not the decision again", async () => {
    const x = await app(TWO_GATES);
    await x.label();
    await x.complete("a/architect", 1);
    await x.complete("b/dev", 1);
    x.time.now += 60_000;
    const body = "/orchestrate approve\n/orchestrate help";
    const payload = x.comment("Codertocat", body, 777);
    x.unheard(777, "Codertocat", body);
    const ambiguous =
      "@Codertocat several gates are waiting (a, b): name the phase, e.g. `/orchestrate approve a`. Nothing was changed.";
    expect(await x.tick()).toEqual([ambiguous]);
    const before = x.side.comments.length;
    await x.receive("issue_comment", payload);
    const late = x.posted(before);
    expect(late).toHaveLength(1);
    expect(late[0]).toContain("/orchestrate approve");
    expect(late[0]).not.toContain("several gates are waiting");
  });
});

describe("a webhook handled late", () => {
  it("does not decide a gate that opened after its comment was written", async () => {
    const x = await app(ONE_GATE());
    await x.label();
    // Written while the phase still ran; its webhook is handled once the gate waits.
    const early = x.comment("octocat", "/orchestrate approve", 777);
    x.time.now += 60_000;
    await x.complete("design/architect", 1);
    const before = x.side.comments.length;
    await x.receive("issue_comment", early);
    expect(x.posted(before)).toEqual([
      `@octocat the gate of phase \`design\` opened after this was written (${new Date(x.gate("design")!.opened_at).toISOString()}), so it does not decide it: decide it again now. Nothing was changed.`,
    ]);
    expect(x.gate("design")!.status).toBe("open");
    // Written now, it does.
    await x.say("octocat", "/orchestrate approve");
    expect(x.gate("design")!.status).toBe("approved");
  });
});
