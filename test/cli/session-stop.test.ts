import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.ts";
import { readPlan } from "../../src/cli/plan-file.ts";
import { runSession } from "../../src/cli/session.ts";
import { ExecutionStore } from "../../src/cli/store/execution-store.ts";
import { buildGraph } from "../../src/core/graph/index.ts";
import { factsOf } from "../../src/core/plan/index.ts";
import { parseRequest } from "../../src/core/request/index.ts";
import { startEventOf } from "../../src/core/state/from-plan.ts";
import type { ExecutionEvent, ExecutionState } from "../../src/core/state/index.ts";
import { isAlive, tempDir } from "./cli-helpers.ts";

/** `fast` waits until `slow` runs (its pid written), so it finishes while `slow` is in flight. */
const PLAN = `
version: 1
policy: { retry: { max_attempts: 3, initial_interval: 10ms, jitter: false } }
agents:
  fast:
    run: 'while [ ! -f slow.pid ]; do sleep 0.02; done; echo ok > "$ORCHESTRATE_ARTIFACTS/out.txt"'
  slow:
    run: 'echo $$ > slow.pid; trap "" TERM; sleep 30'
phases:
  - { id: p, agents: [fast, slow] }
`;

/** A store whose disk fills up when the first task result is recorded. */
class FullDisk extends ExecutionStore {
  override append(event: ExecutionEvent, state: ExecutionState): void {
    if (event.type === "task_succeeded") {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write`), {
        code: "ENOSPC",
        syscall: "write",
        path: this.eventsPath,
      });
    }
    super.append(event, state);
  }
}

/** A run without a terminal, in this process, on `store`. */
function start(dir: string, store: ExecutionStore) {
  writeFileSync(join(dir, "plan.yml"), PLAN);
  const stderr = new PassThrough();
  let shown = "";
  stderr.on("data", (d: Buffer) => {
    shown += d.toString();
  });
  const stdout = new PassThrough();
  stdout.resume();
  const stdin = new PassThrough();
  const io = { stdin, stderr, stdout, env: { USER: "dana" }, cwd: dir } as unknown as CliIO;
  const { plan, display, dir: planDir } = readPlan("plan.yml", dir);
  const request = parseRequest({ body: "Project: demo" }, { now: Date.now() });
  const built = buildGraph(plan, factsOf(request, { paths: [], default_branch: "main" } as never));
  if (!built.ok) throw new Error("invalid graph");
  store.create();
  const first = startEventOf(built.graph, plan.policy, {
    execution: store.id,
    seed: 1,
    plan,
    meta: { request, plan, plan_file: display, plan_dir: planDir, cwd: dir } as never,
  });
  const options = {
    io,
    store,
    plan,
    planDir,
    cwd: dir,
    yes: true,
    approve: [],
    plain: true,
    secrets: [],
    commandPrefix: "",
  };
  return { run: runSession(options, first), shown: () => shown };
}

describe("a session that cannot record an event", () => {
  it("stops its running agents before it lets go of the lock, and records nothing more", async () => {
    const dir = tempDir();
    const store = new FullDisk(join(dir, ".orchestrate"), "full1");
    const s = start(dir, store);
    let error: unknown;
    let agentAliveAtEnd = true;
    let lockedAtEnd = true;
    await s.run.then(
      () => undefined,
      (e: unknown) => {
        error = e;
        const pid = Number(readFileSync(join(dir, "slow.pid"), "utf8"));
        agentAliveAtEnd = isAlive(pid) && !isZombie(pid);
        lockedAtEnd = existsSync(store.lockPath);
      },
    );
    expect(String(error)).toContain("ENOSPC");
    expect((error as { details: string[] }).details).toEqual([
      "the run stopped there, its running tasks too; what the log holds is kept",
      "then continue: orchestrate resume full1",
    ]);
    // The agent ignores SIGTERM: it was killed after the grace time, before the lock went.
    expect(agentAliveAtEnd).toBe(false);
    expect(lockedAtEnd).toBe(false);
    const log = readFileSync(store.eventsPath, "utf8");
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(store.eventsPath, "utf8")).toBe(log);
    expect(log).not.toContain("task_succeeded");
    expect(log).not.toContain("task_failed");
  }, 20_000);
});

/** A killed process whose parent is gone may linger as a zombie where nothing reaps orphans. */
function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") === true;
  } catch {
    return false;
  }
}
