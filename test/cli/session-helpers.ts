import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { CliIO } from "../../src/cli/io.ts";
import { readPlan } from "../../src/cli/plan-file.ts";
import type { SessionOptions } from "../../src/cli/session.ts";
import type { ExecutionStore } from "../../src/cli/store/execution-store.ts";
import { buildGraph } from "../../src/core/graph/index.ts";
import { factsOf } from "../../src/core/plan/index.ts";
import { parseRequest } from "../../src/core/request/index.ts";
import { startEventOf } from "../../src/core/state/from-plan.ts";
import { type EventInput, EventSchema, type ExecutionEvent } from "../../src/core/state/index.ts";
import { isAlive } from "./cli-helpers.ts";

/**
 * A session of `planText` run in this process on `store` (created here): without a terminal, or
 * at one (`terminal`: keystrokes written to its stdin reach the prompt).
 */
export function sessionOf(dir: string, store: ExecutionStore, planText: string, { terminal = false } = {}) {
  writeFileSync(join(dir, "plan.yml"), planText);
  let shown = "";
  let printed = "";
  const stdin = terminal
    ? Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} })
    : new PassThrough();
  // At a terminal: like process.stderr, it stays open when the prompt lets go of it.
  const stderr: PassThrough = terminal
    ? Object.assign(new PassThrough(), { isTTY: true, columns: 80, end: () => stderr })
    : new PassThrough();
  stderr.on("data", (d: Buffer) => {
    shown += d.toString();
  });
  const stdout = new PassThrough();
  stdout.on("data", (d: Buffer) => {
    printed += d.toString();
  });
  const io = { stdin, stderr, stdout, env: { USER: "dana" }, cwd: dir } as unknown as CliIO;
  const { plan, display, dir: planDir } = readPlan("plan.yml", dir);
  const request = parseRequest({ body: "Project: demo" }, { now: Date.now() });
  const built = buildGraph(plan, factsOf(request, { paths: [], default_branch: "main" } as never));
  if (!built.ok) throw new Error("invalid graph");
  if (!store.exists()) store.create();
  const first = startEventOf(built.graph, plan.policy, {
    execution: store.id,
    seed: 1,
    plan,
    meta: { request, plan, plan_file: display, plan_dir: planDir, cwd: dir } as never,
  });
  const options: SessionOptions = {
    io,
    store,
    plan,
    planDir,
    cwd: dir,
    yes: false,
    approve: [],
    plain: true,
    secrets: [],
    commandPrefix: "",
  };
  return { options, first, stdin, shown: () => shown, printed: () => printed };
}

/** A command's event as the CLI makes it: an id and the time it was given. */
export function commandEvent(
  input: Record<string, unknown>,
  id = `c-${Math.random().toString(36).slice(2)}`,
) {
  return EventSchema.parse({ id, at: Date.now(), ...input } as EventInput) as ExecutionEvent;
}

/** The type of each event in the execution's log. */
export function loggedTypes(store: ExecutionStore): string[] {
  return readFileSync(store.eventsPath, "utf8")
    .trim()
    .split("\n")
    .map((l) => (JSON.parse(l) as { type: string }).type);
}

/** An error as a full disk gives it on a write of `path`. */
export function noSpace(path: string): Error {
  return Object.assign(new Error(`ENOSPC: no space left on device, write`), {
    code: "ENOSPC",
    syscall: "write",
    path,
  });
}

/** Whether `pid` runs (a killed process whose parent is gone may linger as a zombie: not running). */
export function runs(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return true;
  }
}
