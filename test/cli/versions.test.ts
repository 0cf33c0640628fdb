import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, GATED_PLAN, ROOT, tempDir } from "./cli-helpers.ts";

const PLAN = GATED_PLAN;

const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
  .version;

/** An execution stopped at its gate; its files, and a check that they are as they were. */
async function stoppedAtGate(id: string) {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.yml"), PLAN);
  expect((await cli(["run", "plan.yml", "--request", "x", "--id", id], { cwd: dir })).code).toBe(3);
  const folder = join(dir, ".orchestrate", id);
  return { dir, folder, log: join(folder, "events.jsonl"), statePath: join(folder, "state.json") };
}

describe("which version wrote an execution", () => {
  it("is recorded: in version.json, and in the start event's meta", async () => {
    const { folder, log } = await stoppedAtGate("v0");
    expect(JSON.parse(readFileSync(join(folder, "version.json"), "utf8"))).toEqual({
      orchestrate: PACKAGE_VERSION,
    });
    const start = JSON.parse(readFileSync(log, "utf8").split("\n")[0]!);
    expect(start.meta.orchestrate_version).toBe(PACKAGE_VERSION);
  });

  it("a log a newer version wrote is not called damaged: upgrade, and no overwriting suggested", async () => {
    const { dir, folder, log, statePath } = await stoppedAtGate("v1");
    // A newer version resumed it and recorded an event this one does not know.
    writeFileSync(join(folder, "version.json"), JSON.stringify({ orchestrate: "99.0.0" }));
    appendFileSync(log, `${JSON.stringify({ id: "n1", at: Date.now(), type: "quantum_leap" })}\n`);
    const text = readFileSync(log, "utf8");
    const state = readFileSync(statePath, "utf8");
    for (const args of [
      ["status", "v1"],
      ["replay", "v1"],
      ["replay", "v1", "--write"],
      ["approve", "v1", "one"],
      ["resume", "v1", "--yes"],
    ]) {
      const r = await cli(args, { cwd: dir });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(
        `orchestrate: execution v1 was written by orchestrate 99.0.0, newer than this one (${PACKAGE_VERSION}): upgrade orchestrate to read it`,
      );
      expect(r.stderr).toContain(`what this version cannot read: ${log}:`);
      expect(r.stderr, args.join(" ")).not.toContain("--write");
      expect(r.stderr).not.toContain("repair line");
    }
    expect(readFileSync(log, "utf8")).toBe(text);
    expect(readFileSync(statePath, "utf8")).toBe(state);
    expect((await cli(["status"], { cwd: dir })).stdout).toMatch(/^v1 +newer /);
  });

  it("a state file a newer version wrote (its start event says so) is not called damaged either", async () => {
    const { dir, log, statePath } = await stoppedAtGate("v2");
    const lines = readFileSync(log, "utf8").split("\n");
    const start = JSON.parse(lines[0]!);
    start.meta.orchestrate_version = "99.1.0";
    writeFileSync(log, [JSON.stringify(start), ...lines.slice(1)].join("\n"));
    const state = JSON.parse(readFileSync(statePath, "utf8"));
    state.status = "teleporting";
    writeFileSync(statePath, JSON.stringify(state));
    const r = await cli(["status", "v2"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("execution v2 was written by orchestrate 99.1.0");
    expect(r.stderr).not.toContain("replay");
  });

  it("a state file an older version wrote (phases kept no limits then) replays as matching", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "plan.yml"),
      `${PLAN}\n`.replace(
        /- \{ id: (\w+), agents: \[(\w+)\], gate: \{\} \}/,
        "- { id: $1, agents: [$2], gate: {}, policy: { retry: { max_attempts: 5, non_retryable: [lint] } } }",
      ),
    );
    expect((await cli(["run", "plan.yml", "--request", "x", "--id", "old1"], { cwd: dir })).code).toBe(3);
    const statePath = join(dir, ".orchestrate", "old1", "state.json");
    const state = JSON.parse(readFileSync(statePath, "utf8"));
    expect(state.phases[0]).toMatchObject({ max_attempts: 5, non_retryable: ["lint"] });
    // As the version before phases kept them wrote it.
    for (const phase of state.phases) {
      delete phase.max_attempts;
      delete phase.non_retryable;
    }
    writeFileSync(statePath, JSON.stringify(state));
    const r = await cli(["replay", "old1"], { cwd: dir });
    expect(r.stdout).toContain("events replayed: the state matches");
    expect(r.code).toBe(0);
    // A difference in what both versions keep is still one.
    state.phases[0].name = "renamed";
    writeFileSync(statePath, JSON.stringify(state));
    expect((await cli(["replay", "old1"], { cwd: dir })).stderr).toContain("differing: phases");
  });

  it("a phase with no tasks keeps its limits only in the state: their absence is a difference", async () => {
    const { dir, log, statePath } = await stoppedAtGate("old2");
    // A phase that gets its tasks at run time (the library API, `tasks_added`), with its limits.
    const lines = readFileSync(log, "utf8").trim().split("\n");
    const start = JSON.parse(lines[0]!);
    start.phases.push({ id: "later", name: "later", needs: [], tasks: [], parallel: true, max_attempts: 5 });
    writeFileSync(log, `${[JSON.stringify(start), ...lines.slice(1)].join("\n")}\n`);
    expect((await cli(["replay", "old2", "--write"], { cwd: dir })).code).toBe(0);
    const state = JSON.parse(readFileSync(statePath, "utf8"));
    expect(state.phases.at(-1)).toMatchObject({ id: "later", max_attempts: 5 });
    delete state.phases.at(-1).max_attempts;
    writeFileSync(statePath, JSON.stringify(state));
    const r = await cli(["replay", "old2"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("differing: phases");
  });

  it("a damaged state file of this version: each problem is said once, with the fix", async () => {
    const { dir, statePath } = await stoppedAtGate("v3");
    const state = JSON.parse(readFileSync(statePath, "utf8"));
    state.seq = "many";
    writeFileSync(statePath, JSON.stringify(state));
    const r = await cli(["status", "v3"], { cwd: dir });
    expect(r.code).toBe(2);
    const problem = r.stderr.match(/not a valid execution state: (.*)$/m)![1]!;
    expect(r.stderr.split(problem)).toHaveLength(2);
    expect(r.stderr).toContain("`orchestrate replay v3 --write` rebuilds it from events.jsonl");
  });
});
