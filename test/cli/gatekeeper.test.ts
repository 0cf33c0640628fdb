import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { cliGatekeeper } from "../../src/cli/gatekeeper.ts";
import type { CliIO } from "../../src/cli/io.ts";
import type { ExecutionState } from "../../src/core/state/index.ts";
import type { NewEvent } from "../../src/ports/engine-ports.ts";

/** A terminal: keystrokes go in, the prompt's output is collected. */
function terminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
  let shown = "";
  stderr.on("data", (d: Buffer) => {
    shown += d.toString();
  });
  const io = { stdin, stderr, stdout: new PassThrough(), env: {}, cwd: "/" } as unknown as CliIO;
  const type = async (...keys: string[]) => {
    for (const key of keys) {
      await new Promise((r) => setTimeout(r, 30));
      stdin.write(key);
    }
  };
  return { io, type, shown: () => shown };
}

const gate = { type: "open_gate" as const, phase: "spec", approvers: [], revision: 0 };
const state = {} as ExecutionState;

function collect() {
  const events: NewEvent[] = [];
  let resolve!: () => void;
  const sent = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    events,
    sent,
    send: (e: NewEvent) => {
      events.push(e);
      resolve();
    },
  };
}

describe("gates at the terminal", () => {
  it("approves with Enter on the first choice", async () => {
    const t = terminal();
    const c = collect();
    const keeper = cliGatekeeper({
      io: t.io,
      yes: false,
      approve: new Set(),
      interactive: true,
      user: "dana",
    });
    keeper.open(gate, state, c.send);
    await t.type("\r");
    await c.sent;
    expect(c.events).toEqual([{ type: "gate_approved", phase: "spec", by: "dana", via: "prompt" }]);
    expect(t.shown()).toContain("Phase spec is done and waits for approval");
  });

  it("rejects with a reason typed at the prompt", async () => {
    const t = terminal();
    const c = collect();
    const keeper = cliGatekeeper({
      io: t.io,
      yes: false,
      approve: new Set(),
      interactive: true,
      user: "dana",
    });
    keeper.open(gate, state, c.send);
    await t.type("\u001b[B", "\r", "add rate limits", "\r");
    await c.sent;
    expect(c.events).toEqual([
      { type: "gate_rejected", phase: "spec", by: "dana", reason: "add rate limits", via: "prompt" },
    ]);
  });

  it("stops here: the gate stays open and is listed as pending", async () => {
    const t = terminal();
    const c = collect();
    const keeper = cliGatekeeper({
      io: t.io,
      yes: false,
      approve: new Set(),
      interactive: true,
      user: "dana",
    });
    keeper.open(gate, state, c.send);
    await t.type("\u001b[B", "\u001b[B", "\r");
    await new Promise((r) => setTimeout(r, 100));
    expect(c.events).toEqual([]);
    expect([...keeper.pending]).toEqual(["spec"]);
  });

  it("says when a prompt ended, with the gate no longer asked about; an abort closes the prompt", async () => {
    const t = terminal();
    const c = collect();
    const seen: string[] = [];
    const controller = new AbortController();
    const keeper = cliGatekeeper({
      io: t.io,
      yes: false,
      approve: new Set(),
      interactive: true,
      user: "dana",
      signal: controller.signal,
      onPrompt: (active) =>
        seen.push(`${active} asking=${[...keeper.asking]} pending=${[...keeper.pending]}`),
    });
    keeper.open(gate, state, c.send);
    expect([...keeper.asking]).toEqual(["spec"]);
    await t.type("\u0003");
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(["true asking=spec pending=", "false asking= pending=spec"]);
    keeper.open({ ...gate, phase: "build" }, state, c.send);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await new Promise((r) => setTimeout(r, 50));
    expect([...keeper.asking]).toEqual([]);
    expect(seen).toHaveLength(3);
    expect(c.events).toEqual([]);
  });

  it("--yes and --approve answer without asking; no terminal means pending", () => {
    const c = collect();
    const io = terminal().io;
    cliGatekeeper({ io, yes: true, approve: new Set(), interactive: false, user: "ci" }).open(
      gate,
      state,
      c.send,
    );
    cliGatekeeper({ io, yes: false, approve: new Set(["spec"]), interactive: false, user: "ci" }).open(
      gate,
      state,
      c.send,
    );
    const none = cliGatekeeper({ io, yes: false, approve: new Set(), interactive: false, user: "ci" });
    none.open(gate, state, c.send);
    expect(c.events.map((e) => (e as { via?: string }).via)).toEqual(["--yes", "--approve"]);
    expect([...none.pending]).toEqual(["spec"]);
  });
});
