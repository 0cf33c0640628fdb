import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.ts";
import { createView, liveLines } from "../../src/cli/view.ts";
import { startExecution } from "../github/executions.ts";
import { BIN, tempDir } from "./cli-helpers.ts";

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
