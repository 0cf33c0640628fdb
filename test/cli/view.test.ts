import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.ts";
import { createView, liveLines } from "../../src/cli/view.ts";
import type { ExecutionState } from "../../src/core/state/index.ts";
import type { TelemetryEvent } from "../../src/ports/engine-ports.ts";
import { startExecution } from "../github/executions.ts";
import { BIN, cli, tempDir } from "./cli-helpers.ts";

/** `state` with agent `dev`'s circuit open since `at`, after `failures` failures in a row. */
function withOpenCircuit(state: ExecutionState, at: number, failures: number): ExecutionState {
  return { ...state, circuits: { dev: { state: "open", consecutive_failures: failures, opened_at: at } } };
}

/** A view writing plain lines into `lines`, showing `state`. */
function plainView(state: () => ExecutionState, lines: string[]) {
  const stderr = { write: (text: string) => lines.push(text) > 0 };
  const io = { stderr, stdout: stderr, stdin: {}, env: {}, cwd: "/" } as unknown as CliIO;
  return createView(io, state, () => state().created_at, true);
}

describe("the live view", () => {
  it("its first line shows cost against the budget where there is one", () => {
    const x = startExecution(5);
    const spent = { ...x.state, cost: { usd: 3.2, tokens: 41_000 } };
    expect(liveLines(spent, x.state.created_at)[0]).toMatch(/ {2}cost \$3\.20 · 41,000 tokens$/);
    const limited = { ...spent, policy: { ...spent.policy, budget: { usd: 25 } } };
    expect(liveLines(limited, x.state.created_at)[0]).toMatch(
      / {2}cost \$3\.20 of \$25\.00 · 41,000 tokens$/,
    );
  });

  it("names an agent whose circuit is open, until when and after how many failures; not once the execution ended", () => {
    const x = startExecution(7);
    const opened = Date.UTC(2026, 0, 5, 9, 15, 30);
    const open = withOpenCircuit(x.state, opened, 4);
    // The default cooldown is 10 minutes.
    expect(liveLines(open, opened)).toContain(
      "  agent dev: circuit open until 09:25:30 (4 failures in a row)",
    );
    const halfOpen = { ...open, circuits: { dev: { ...open.circuits.dev!, state: "half_open" as const } } };
    expect(liveLines(halfOpen, opened).join("\n")).not.toContain("circuit");
    const ended = { ...open, status: "failed" as const, finished_at: opened + 1000 };
    expect(liveLines(ended, opened).join("\n")).not.toContain("circuit");
  });

  it("shows how many approvals a waiting gate that needs several has", () => {
    const x = startExecution(8);
    const phase = { id: "spec", tasks: ["a"], gate: { min_approvals: 2 } };
    const gate = { status: "open", approvals: [{ by: "ann", at: 1 }], revisions: 0, rejections: [] };
    const waiting = {
      ...x.state,
      phases: [phase],
      phase_state: { spec: { gate } },
    } as unknown as ExecutionState;
    expect(liveLines(waiting, x.state.created_at)[1]).toMatch(/ 0\/1 {2}1 of 2 approvals$/);
    const single = { ...waiting, phases: [{ ...phase, gate: { min_approvals: 1 } }] } as ExecutionState;
    expect(liveLines(single, x.state.created_at)[1]).not.toContain("approvals");
  });

  it("says who approved or rejected a gate, on a plain line", () => {
    const x = startExecution(9);
    const lines: string[] = [];
    const view = plainView(() => x.state, lines);
    const base = { type: "lifecycle" as const, at: x.state.created_at, execution: x.state.id };
    view.telemetry({ ...base, name: "gate_rejected", message: "spec by ann: add the error states" });
    view.telemetry({ ...base, name: "gate_approved", message: "spec by bob" });
    expect(lines.join("")).toMatch(
      / {2}rejected spec by ann: add the error states\n.* {2}approved spec by bob\n/,
    );
  });

  it("leaves out the notice that a circuit opened once the execution has ended, not before", () => {
    const x = startExecution(9);
    const notice: TelemetryEvent = {
      type: "lifecycle",
      name: "notice",
      at: x.state.created_at,
      execution: x.state.id,
      message: "agent dev failed 3 times in a row; its circuit is open for 600s",
      topic: "circuit_open",
    };
    const running: string[] = [];
    plainView(() => x.state, running).telemetry(notice);
    expect(running.join("")).toContain("its circuit is open for 600s");
    const ended = { ...x.state, status: "failed" as const, finished_at: x.state.created_at };
    const after: string[] = [];
    const view = plainView(() => ended, after);
    view.telemetry(notice);
    const { topic: _, ...plain } = notice;
    view.telemetry({ ...plain, message: "the budget of $1.00 is reached; nothing new is dispatched" });
    // A notice is recognised by its topic, not its wording.
    view.telemetry({ ...plain, message: "a note that mentions its circuit is open for 1s" });
    expect(after.join("")).not.toContain("agent dev failed");
    expect(after.join("")).toContain("the budget of $1.00 is reached");
    expect(after.join("")).toContain("a note that mentions its circuit");
  });

  it("run: the failure that opens a circuit and ends the execution prints no circuit notice", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      "version: 1\npolicy: { retry: { max_attempts: 3, initial_interval: 0 } }\nagents:\n  a: { run: 'exit 1' }\nphases: [{ id: build, agents: [a] }]\n",
    );
    const r = await cli(["run", "plan.yml", "--request", "x", "--id", "c1", "--yes", "--plain"], {
      cwd: dir,
      timeoutMs: 20_000,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("failed   build/a (attempt 3)");
    expect(r.stderr).not.toContain("circuit");
  });

  it.each([
    ["reports 0×0", { columns: 0, rows: 0 }],
    ["reports no size", {}],
  ])("draws on a terminal that %s, at 80 columns", (_, size) => {
    const x = startExecution(6);
    let written = "";
    const stderr = {
      isTTY: true,
      ...size,
      write: (text: string) => {
        written += text;
        return true;
      },
    };
    const io = { stderr, stdout: stderr, stdin: {}, env: {}, cwd: "/" } as unknown as CliIO;
    const view = createView(
      io,
      () => x.state,
      () => x.state.created_at,
      false,
    );
    view.update?.(x.state, { type: "update_status", phases: [] });
    view.stop();
    const first = liveLines(x.state, x.state.created_at)[0]!;
    expect(first.length).toBeLessThanOrEqual(80);
    expect(written).toContain(first);
  });

  it.skipIf(!existsSync("/usr/bin/script"))(
    "run under `script` with no terminal size shows the live view",
    () => {
      const dir = tempDir();
      writeFileSync(
        join(dir, "plan.yml"),
        "version: 1\nagents:\n  a: { run: 'sleep 1' }\nphases: [{ id: build, agents: [a] }]\n",
      );
      const command = `${process.execPath} ${BIN} run plan.yml --request x --id t1 --yes`;
      // With its input not a terminal, `script` gives the command a terminal of 0×0.
      const r = spawnSync("script", ["-qfc", command, "/dev/null"], {
        cwd: dir,
        env: { ...process.env, CI: "", NO_COLOR: "1" },
        input: "",
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(r.stdout).toMatch(/t1 {2}running {2}0\/1 tasks/);
      expect(r.stdout).toMatch(/ {2}build +░+ running/);
      expect(r.stdout).toContain("Execution t1 succeeded");
    },
  );
});
