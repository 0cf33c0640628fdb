import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FREEZING_PLAN, killedAfterEach, processState, startCli, tempDir, waitFor } from "./cli-helpers.ts";

/** Agents and runs of the test: a failing test leaves none running or stopped. */
const { groups, processes: runs } = killedAfterEach();

describe.skipIf(process.platform !== "linux")("orchestrate cancel of a run that is stopping already", () => {
  it("Ctrl-C, then orchestrate cancel: it waits for the run to stop its agents, and does not quit it at once", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.yml"), FREEZING_PLAN);
    const run = startCli(["run", "plan.yml", "--request", "Project: stopping", "--id", "s1", "--plain"], dir);
    const pid = run.child.pid!;
    runs.push(pid);
    await waitFor(() => existsSync(join(dir, "agent.pid")), 15_000, "the agent to start");
    groups.push(Number(readFileSync(join(dir, "agent.pid"), "utf8")));
    run.child.kill("SIGINT");
    await waitFor(() => processState(pid) === "T", 10_000, "the run to be held while it stops its agent");
    const cancel = startCli(["cancel", "s1"], dir);
    await waitFor(
      () => cancel.output().stderr.includes("waiting for it to stop"),
      10_000,
      "the cancel to wait",
    );
    process.kill(pid, "SIGCONT");
    expect(await cancel.exited).toBe(0);
    expect(cancel.output().stderr).toContain(
      `process ${pid} is already cancelling s1; waiting for it to stop…`,
    );
    expect(cancel.output().stdout).toBe("cancelled s1\n");
    // The run stopped as after one Ctrl-C: its cancel recorded once, exit 1 (not 130).
    expect(await run.exited).toBe(1);
    const log = readFileSync(join(dir, ".orchestrate/s1/events.jsonl"), "utf8");
    expect(log.match(/"cancel_requested"/g)).toHaveLength(1);
  }, 40_000);
});
