import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCommandTask } from "../../src/agents/command-agent.ts";
import { TaskFailure } from "../../src/core/errors.ts";
import { isGone, makeTask, removeTempDirs, waitForFile } from "./helpers.ts";

afterEach(removeTempDirs);

describe("runCommandTask: logs", () => {
  it("writes stdout and stderr to their logs with secrets masked, also when split across writes", async () => {
    const t = makeTask(
      "printf 'hun'; sleep 0.1; printf 'ter2\\n'; echo \"token: hunter2\" >&2; printf 'tail hunter2'",
      { secrets: ["hunter2"] },
    );
    expect((await runCommandTask(t)).ok).toBe(true);
    const stdout = readFileSync(join(t.workDir, "stdout.log"), "utf8");
    const stderr = readFileSync(join(t.workDir, "stderr.log"), "utf8");
    expect(stdout).toBe("***\ntail ***");
    expect(stderr).toBe("token: ***\n");
  });

  it("masks secrets in a failure's stderr tail", async () => {
    const result = await runCommandTask(
      makeTask('echo "auth failed for hunter2" >&2; exit 2', { secrets: ["hunter2"] }),
    );
    expect(result).toMatchObject({
      ok: false,
      kind: "exit",
      message: "exited with code 2\nauth failed for ***",
    });
  });

  it("closes stdin", async () => {
    const t = makeTask('cat > "$ORCHESTRATE_ARTIFACTS/stdin.txt"');
    expect((await runCommandTask(t)).ok).toBe(true);
    expect(readFileSync(join(t.workDir, "artifacts/stdin.txt"), "utf8")).toBe("");
  });
});

describe("runCommandTask: stopping", () => {
  it("kills the whole process group on abort, background children included", async () => {
    const controller = new AbortController();
    const t = makeTask("", { signal: controller.signal, killGraceMs: 300 });
    const pids = join(t.root, "pids");
    t.command = `sleep 30 & echo "$$ $!" > "${pids}"; wait`;
    const running = runCommandTask(t);
    const [shell, child] = (await waitForFile(pids)).trim().split(" ").map(Number);
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ ok: false, kind: "cancelled", message: "cancelled" });
    expect(isGone(shell!)).toBe(true);
    expect(isGone(child!)).toBe(true);
  });

  it.runIf(process.platform === "linux")(
    "stops what an earlier attempt of the task left running (its host was killed) before the next runs",
    async () => {
      const first = makeTask("", { killGraceMs: 300 });
      first.workDir = join(first.root, "tasks", "1");
      const pids = join(first.root, "pids");
      first.command = `sleep 30 & echo "$$ $!" > "${pids}"; wait`;
      const orphan = runCommandTask(first);
      const [shell, child] = (await waitForFile(pids)).trim().split(" ").map(Number);
      // The host never stopped attempt 1; attempt 2 of the same task starts.
      const second = await runCommandTask({
        ...first,
        attempt: 2,
        workDir: join(first.root, "tasks", "2"),
        command: "echo second",
      });
      expect(second).toMatchObject({ ok: true });
      expect(isGone(shell!)).toBe(true);
      expect(isGone(child!)).toBe(true);
      expect(await orphan).toMatchObject({ ok: false, kind: "killed" });
    },
  );

  it.skipIf(process.platform !== "linux")(
    "forgets an attempt's process group once it ended: no record is left to name a pid given again",
    async () => {
      const t = makeTask("", {});
      t.workDir = join(t.root, "tasks", "1");
      t.command = "sleep 0.2 & echo started";
      expect(await runCommandTask(t)).toMatchObject({ ok: true });
      expect(existsSync(join(t.workDir, "process-group.json"))).toBe(false);
    },
  );

  it("sends SIGKILL after the grace period to processes that ignore SIGTERM", async () => {
    const controller = new AbortController();
    const t = makeTask("", { signal: controller.signal, killGraceMs: 200 });
    const pids = join(t.root, "pids");
    t.command = `trap '' TERM; sleep 30 & echo "$!" > "${pids}"; wait; wait`;
    const running = runCommandTask(t);
    const child = Number((await waitForFile(pids)).trim());
    const start = Date.now();
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ ok: false, kind: "cancelled" });
    expect(Date.now() - start).toBeGreaterThanOrEqual(190);
    // Killed with the group; on a loaded machine it may take a moment to be gone.
    await expect.poll(() => isGone(child), { timeout: 2000 }).toBe(true);
  });

  it("reports a timeout when the abort reason is a timeout failure", async () => {
    const controller = new AbortController();
    const t = makeTask("", { signal: controller.signal, killGraceMs: 200 });
    const started = join(t.root, "started");
    t.command = `echo yes > "${started}"; sleep 30`;
    const running = runCommandTask(t);
    await waitForFile(started);
    controller.abort(new TaskFailure("timeout", "task exceeded 1s"));
    expect(await running).toMatchObject({ ok: false, kind: "timeout", message: "task exceeded 1s" });
  });

  it("treats AbortSignal.timeout as a timeout", async () => {
    const result = await runCommandTask(
      makeTask("sleep 30", { signal: AbortSignal.timeout(100), killGraceMs: 200 }),
    );
    expect(result).toMatchObject({ ok: false, kind: "timeout" });
  });

  it("does not start the command when already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("execution cancelled"));
    const t = makeTask('touch "$ORCHESTRATE_ARTIFACTS/ran"', { signal: controller.signal });
    const result = await runCommandTask(t);
    expect(result).toMatchObject({ ok: false, kind: "cancelled", message: "cancelled: execution cancelled" });
    expect(() => readFileSync(join(t.workDir, "artifacts/ran"))).toThrow();
  });

  it("stops processes the command left running when it exits", async () => {
    const t = makeTask("", { killGraceMs: 200 });
    const pids = join(t.root, "pids");
    t.command = `sleep 30 & echo "$!" > "${pids}"; echo done`;
    const start = Date.now();
    const result = await runCommandTask(t);
    expect(result.ok).toBe(true);
    // Not the 30 s of the process left running (a generous bound for a slow machine).
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(isGone(Number(readFileSync(pids, "utf8").trim()))).toBe(true);
    expect(readFileSync(join(t.workDir, "stdout.log"), "utf8")).toBe("done\n");
  });
});
