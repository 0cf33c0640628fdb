import { describe, expect, it } from "vitest";
import { TaskFailure } from "../../src/core/errors.ts";
import { executeParallel } from "../../src/engine/execute-graph.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { node, simulate } from "./helpers.ts";

const noRetry = { retry: { max_attempts: 1 } };

describe("executeGraph in virtual time", () => {
  it("runs a diamond in dependency order with exact times", async () => {
    const durations: Record<string, number> = { a: 100, b: 300, c: 200, d: 50 };
    const { result, trace } = await simulate(
      [node("a"), node("b", ["a"]), node("c", ["a"]), node("d", ["b", "c"])],
      { max_concurrency: 2 },
      (id) => ({ ms: durations[id]! }),
    );
    expect(result.status).toBe("succeeded");
    expect(trace.starts.map((s) => [s.id, s.at])).toEqual([
      ["a", 0],
      ["b", 100],
      ["c", 100],
      ["d", 400],
    ]);
    expect(result.metrics.wall_time).toBe(450);
    expect(result.metrics.serial_time).toBe(650);
  });

  it("never runs more than max_concurrency tasks at once", async () => {
    const tasks = Array.from({ length: 10 }, (_, i) => node(`t${i}`));
    const { result, trace } = await simulate(tasks, { max_concurrency: 3 }, () => ({ ms: 100 }));
    expect(trace.maxRunning).toBe(3);
    expect(result.metrics.wall_time).toBe(400);
    expect(result.metrics.speedup_vs_serial).toBe(2.5);
  });

  it("starts the critical path first", async () => {
    // short (10) vs long chain head (10) → tail (1000): with one slot the chain head goes first.
    const tasks = [
      node("short", [], { estimate_ms: 10 }),
      node("head", [], { estimate_ms: 10 }),
      node("tail", ["head"], { estimate_ms: 1000 }),
    ];
    const { trace } = await simulate(tasks, { max_concurrency: 1 }, (id) => ({
      ms: id === "tail" ? 1000 : 10,
    }));
    expect(trace.starts.map((s) => s.id)).toEqual(["head", "tail", "short"]);
  });

  it("alternates between agents of equal priority (round robin) and prefers short tasks (shortest_first)", async () => {
    const tasks = [
      node("a1", [], { agent: "a", estimate_ms: 50 }),
      node("a2", [], { agent: "a", estimate_ms: 50 }),
      node("b1", [], { agent: "b", estimate_ms: 50 }),
      node("b2", [], { agent: "b", estimate_ms: 50 }),
    ];
    const rr = await simulate(tasks, { max_concurrency: 1, fairness: "round_robin" }, () => ({ ms: 10 }));
    expect(rr.trace.starts.map((s) => s.id)).toEqual(["a1", "b1", "a2", "b2"]);
    const sized = [node("long", [], { estimate_ms: 90 }), node("mid", [], { estimate_ms: 90 })];
    sized.push(node("shorter", ["mid"], { estimate_ms: 0 }));
    const sf = await simulate(sized, { max_concurrency: 1, fairness: "shortest_first" }, () => ({ ms: 10 }));
    expect(sf.trace.starts[0]!.id).toBe("long");
  });

  it("retries with fixed backoff at exact times, then succeeds", async () => {
    const { result, trace } = await simulate(
      [node("flaky")],
      { retry: { max_attempts: 3, backoff: "fixed", initial_interval: "1s", jitter: false } },
      (_id, attempt) => ({ ms: 100, ...(attempt < 3 ? { fail: "error" } : {}) }),
    );
    expect(result.status).toBe("succeeded");
    expect(trace.starts.map((s) => [s.attempt, s.at])).toEqual([
      [1, 0],
      [2, 1100],
      [3, 2200],
    ]);
    expect(result.tasks[0]!.attempts).toBe(3);
    expect(result.tasks[0]!.errors.map((e) => e.kind)).toEqual(["error", "error"]);
  });

  it("grows exponential backoff and caps it at max_interval", async () => {
    const { trace } = await simulate(
      [node("x")],
      {
        retry: {
          max_attempts: 5,
          backoff: "exponential",
          initial_interval: "1s",
          max_interval: "3s",
          jitter: false,
          backoff_coefficient: 2,
        },
        circuit_breaker: { failures: 100 },
      },
      () => ({ ms: 0, fail: "error" }),
    );
    const gaps = trace.starts.slice(1).map((s, i) => s.at - trace.starts[i]!.at);
    expect(gaps).toEqual([1000, 2000, 3000, 3000]);
  });

  it("jitters delays into [50%, 100%] deterministically for a seed", async () => {
    const policy = {
      retry: { max_attempts: 4, backoff: "fixed" as const, initial_interval: "10s", jitter: true },
      circuit_breaker: { failures: 100 },
    };
    const run = () => simulate([node("x")], policy, () => ({ ms: 0, fail: "error" }));
    const first = await run();
    const second = await run();
    const gaps = first.trace.starts.slice(1).map((s, i) => s.at - first.trace.starts[i]!.at);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(5000);
      expect(gap).toBeLessThanOrEqual(10000);
    }
    expect(new Set(gaps).size).toBeGreaterThan(1);
    expect(second.trace.starts).toEqual(first.trace.starts);
  });

  it("does not retry non-retryable kinds", async () => {
    const { result, trace } = await simulate(
      [node("x"), node("y", [], { agent: "other" })],
      { retry: { max_attempts: 5, non_retryable: ["fatal"] } },
      (id) => ({ ms: 10, fail: id === "x" ? "fatal" : "config" }),
    );
    expect(trace.starts).toHaveLength(2);
    expect(result.tasks.map((t) => t.status)).toEqual(["failed", "failed"]);
  });

  it("times out an attempt, aborts its signal, and retries it", async () => {
    const aborted: number[] = [];
    const { result, trace } = await simulate(
      [node("slow")],
      { timeout: { task: "2s" }, retry: { max_attempts: 2, initial_interval: "1s", jitter: false } },
      (_id, _attempt, ctx) => {
        ctx.signal.addEventListener("abort", () => aborted.push(ctx.attempt));
        return { ms: 10_000 };
      },
    );
    expect(result.status).toBe("failed");
    expect(trace.starts.map((s) => s.at)).toEqual([0, 3000]);
    expect(aborted).toEqual([1, 2]);
    expect(result.tasks[0]!.errors.map((e) => [e.kind, e.at])).toEqual([
      ["timeout", 2000],
      ["timeout", 5000],
    ]);
    expect(result.metrics.wall_time).toBe(5000);
  });

  it("isolated cancellation skips only the failed task's dependents", async () => {
    const tasks = [
      node("bad"),
      node("after-bad", ["bad"]),
      node("good", [], { agent: "g" }),
      node("after-good", ["good"]),
    ];
    const { result } = await simulate(tasks, { ...noRetry, cancellation: "isolated" }, (id) => ({
      ms: id === "bad" ? 10 : 100,
      ...(id === "bad" ? { fail: "error" } : {}),
    }));
    const status = Object.fromEntries(result.tasks.map((t) => [t.id, t.status]));
    expect(status).toEqual({
      bad: "failed",
      "after-bad": "skipped",
      good: "succeeded",
      "after-good": "succeeded",
    });
    expect(result.status).toBe("failed");
  });

  it("cascading cancellation stops running siblings and fails fast", async () => {
    const aborted: string[] = [];
    const tasks = [node("bad"), node("sibling", [], { agent: "s" }), node("after", ["sibling"])];
    const { result } = await simulate(tasks, { ...noRetry, cancellation: "cascading" }, (id, _a, ctx) => {
      ctx.signal.addEventListener("abort", () => aborted.push(id));
      return { ms: id === "bad" ? 10 : 1000, ...(id === "bad" ? { fail: "error" } : {}) };
    });
    const status = Object.fromEntries(result.tasks.map((t) => [t.id, t.status]));
    expect(status).toEqual({ bad: "failed", sibling: "cancelled", after: "cancelled" });
    expect(aborted).toEqual(["sibling"]);
    expect(result.metrics.wall_time).toBe(10);
    expect(result.reason).toBe("bad failed");
  });

  it("opens an agent's circuit after consecutive failures and waits for the cooldown", async () => {
    const tasks = [node("f1", [], { agent: "flaky" }), node("f2", ["f1"], { agent: "flaky" })];
    tasks.push(node("f3", [], { agent: "flaky" }), node("f4", [], { agent: "flaky" }));
    const { trace } = await simulate(
      tasks,
      { max_concurrency: 1, retry: { max_attempts: 1 }, circuit_breaker: { failures: 2, cooldown: "1m" } },
      (id) => ({ ms: 10, ...(id === "f1" || id === "f3" ? { fail: "error" } : {}) }),
    );
    // f1 and f3 fail back to back (two failures) → open; f4 waits for the 60 s cooldown.
    expect(trace.starts.map((s) => [s.id, s.at])).toEqual([
      ["f1", 0],
      ["f3", 10],
      ["f4", 60_020],
    ]);
  });

  it("fails fast while a circuit is open when on_open is fail", async () => {
    const tasks = [
      node("f1", [], { agent: "x" }),
      node("f2", [], { agent: "x" }),
      node("f3", ["f1"], { agent: "y" }),
    ];
    const { result, trace } = await simulate(
      tasks,
      { max_concurrency: 1, retry: { max_attempts: 1 }, circuit_breaker: { failures: 1, on_open: "fail" } },
      (id) => ({ ms: 10, ...(id === "f1" ? { fail: "error" } : {}) }),
    );
    expect(trace.starts.map((s) => s.id)).toEqual(["f1"]);
    expect(result.tasks.find((t) => t.id === "f2")!.errors[0]!.kind).toBe("circuit_open");
  });

  it("stops at the budget with a clear reason", async () => {
    const tasks = Array.from({ length: 6 }, (_, i) => node(`t${i}`, i > 0 ? [`t${i - 1}`] : []));
    const { result, trace } = await simulate(tasks, { budget: { usd: 2.5 } }, () => ({
      ms: 10,
      out: { cost: { usd: 1 } },
    }));
    expect(trace.starts).toHaveLength(3);
    expect(result.status).toBe("failed");
    expect(result.reason).toBe("budget reached: $3.00 spent of $2.50");
    expect(result.metrics.cost_estimate.usd).toBe(3);
    expect(result.tasks.slice(3).every((t) => t.status === "cancelled")).toBe(true);
    // Amounts keep the decimals they need: a budget of $0.015 is not "$0.01".
    const small = await simulate(tasks, { budget: { usd: 0.015 } }, () => ({
      ms: 10,
      out: { cost: { usd: 0.01 } },
    }));
    expect(small.result.reason).toBe("budget reached: $0.02 spent of $0.015");
  });

  it("shares context between tasks and returns it", async () => {
    const seen: unknown[] = [];
    const { result } = await simulate([node("plan"), node("build", ["plan"])], {}, (id, _a, ctx) => {
      if (id === "plan") ctx.context.set("plan.tasks", ["x", "y"]);
      else seen.push(ctx.context.get("plan.tasks"));
      return { ms: 5, out: id === "build" ? { context: { "build.outputs": ["bin"] } } : {} };
    });
    expect(seen).toEqual([["x", "y"]]);
    expect(result.context).toEqual({ "plan.tasks": ["x", "y"], "build.outputs": ["bin"] });
  });

  it("gives each attempt a context: its number, a signal, a heartbeat that works unbound, nothing else", async () => {
    const seen: { keys: string[]; attempt: number; aborted: boolean; cancel: unknown }[] = [];
    const { result, trace } = await simulate([node("x")], { retry: { max_attempts: 2 } }, (_id, _a, ctx) => {
      const { heartbeat, signal, attempt } = ctx;
      heartbeat(`beat ${attempt}`);
      seen.push({
        keys: Object.keys(ctx).sort(),
        attempt,
        aborted: signal.aborted,
        cancel: (ctx as unknown as Record<string, unknown>).cancel,
      });
      return attempt === 1 ? { ms: 1, fail: "error" } : { ms: 1 };
    });
    expect(result.status).toBe("succeeded");
    expect(seen).toEqual([
      { keys: ["attempt", "context", "heartbeat"], attempt: 1, aborted: false, cancel: undefined },
      { keys: ["attempt", "context", "heartbeat"], attempt: 2, aborted: false, cancel: undefined },
    ]);
    expect(trace.telemetry.filter((e) => e.type === "heartbeat").map((e) => [e.attempt, e.message])).toEqual([
      [1, "beat 1"],
      [2, "beat 2"],
    ]);
  });

  it("scrubs secrets from telemetry: failure messages, heartbeats and the execution's reason", async () => {
    const secret = "hunter2-super-secret";
    const token = `ghp_${"a".repeat(36)}`;
    const { trace } = await simulate(
      [node("x")],
      noRetry,
      (_id, _attempt, ctx) => {
        ctx.heartbeat(`using ${secret}`);
        return { ms: 1, fail: "error", message: `could not log in with ${secret} and ${token}` };
      },
      { secrets: [secret] },
    );
    const failed = trace.telemetry.find((e) => e.name === "task_failed");
    expect(failed!.message).toBe("error: could not log in with *** and ***");
    const beat = trace.telemetry.find((e) => e.type === "heartbeat");
    expect(beat!.message).toBe("using ***");
    const ended = trace.telemetry.find((e) => e.name === "execution_failed");
    expect(ended).toBeDefined();
    expect(JSON.stringify(trace.telemetry)).not.toContain(secret);
    expect(JSON.stringify(trace.telemetry)).not.toContain(token);
  });

  it("cancels everything when the caller aborts", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const started: string[] = [];
    const promise = executeParallel(
      [
        { agent: "a", prompt: "one" },
        { agent: "a", prompt: "two" },
      ],
      { max_concurrency: 1 },
      {
        clock,
        signal: controller.signal,
        run: async (task, ctx) => {
          started.push(task.id);
          queueMicrotask(() => controller.abort());
          await clock.sleep(1000, ctx.signal);
        },
      },
    );
    const result = await promise;
    expect(result.status).toBe("cancelled");
    expect(started).toEqual(["a-1"]);
    expect(result.tasks.map((t) => t.status)).toEqual(["cancelled", "cancelled"]);
  });

  it("rejects an invalid graph or policy with a clear error", async () => {
    const { executeGraph } = await import("../../src/engine/execute-graph.ts");
    const run = async () => undefined;
    await expect(executeGraph({ tasks: [node("a", ["b"])] }, {}, { run })).rejects.toThrow(/unknown|b/);
    await expect(executeGraph({ tasks: [node("a", ["b"]), node("b", ["a"])] }, {}, { run })).rejects.toThrow(
      /a → b → a|b → a → b/,
    );
    await expect(executeGraph({ tasks: [node("a")] }, { max_concurrency: 0 }, { run })).rejects.toThrow(
      /max_concurrency/,
    );
  });

  it("rejects tasks of the wrong shape with the field named, instead of throwing a TypeError or hanging", async () => {
    const { executeGraph } = await import("../../src/engine/execute-graph.ts");
    const run = async () => undefined;
    const cases: [unknown, string][] = [
      [
        { tasks: [{ id: "a", agent: "x" }] },
        "invalid task graph: tasks[0].needs: expected a list of task ids, got nothing",
      ],
      [
        { tasks: [{ agent: "x", needs: [] }] },
        "invalid task graph: tasks[0].id: expected a non-empty string, got nothing",
      ],
      [
        { tasks: [{ id: "a", needs: [] }] },
        "invalid task graph: tasks[0].agent: expected a non-empty string, got nothing",
      ],
      [
        { tasks: [{ id: "__proto__", agent: "x", needs: [] }] },
        'invalid task graph: tasks[0].id: "__proto__" cannot be a task id',
      ],
      [{ tasks: "a" }, "invalid task graph: expected { tasks: [...] }"],
    ];
    for (const [graph, message] of cases) {
      const error = await executeGraph(graph as never, {}, { clock: new VirtualClock(), run }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "graph_invalid" });
      expect((error as Error).message.startsWith(message)).toBe(true);
    }
    const parallel: [unknown, string][] = [
      [[{ agent: "x", prompt: "" }, null], "invalid task graph: tasks[1]: expected a task object, got null"],
      [[{ prompt: "" }], "invalid task graph: tasks[0].agent: expected a non-empty string, got nothing"],
      [{ agent: "x" }, "invalid tasks: expected a list"],
    ];
    for (const [tasks, message] of parallel) {
      const error = await executeParallel(tasks as never, {}, { run }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "graph_invalid" });
      expect((error as Error).message.startsWith(message)).toBe(true);
    }
    const unknown = Array.from({ length: 3000 }, (_, i) => node(`u${i}`, [`nope${i}`]));
    const long = (await executeGraph({ tasks: unknown }, {}, { run }).catch((e: unknown) => e)) as Error;
    expect(long.message.length).toBeLessThan(2000);
    expect(long.message).toMatch(/2980 more problem\(s\) not listed/);
  });

  it("executeParallel reaches the expected speedup", async () => {
    const clock = new VirtualClock();
    const tasks = Array.from({ length: 40 }, (_, i) => ({ agent: "w", prompt: `job ${i}` }));
    const result = await executeParallel(
      tasks,
      { max_concurrency: 8 },
      {
        clock,
        run: async (_t, ctx) => {
          await clock.sleep(100, ctx.signal);
          return { summary: "ok" };
        },
      },
    );
    expect(result.metrics.speedup_vs_serial).toBe(8);
    expect(result.metrics.parallel_efficiency).toBe(1);
    expect(result.tasks).toHaveLength(40);
  });
});

describe("executeGraph: settling and what it returns", () => {
  it("resolves with `blocked` and the reason when a gate is rejected past its revision limit", async () => {
    const { buildGraph } = await import("../../src/core/graph/build-graph.ts");
    const { EMPTY_REPO, factsOf } = await import("../../src/core/plan/facts.ts");
    const { PlanSchema } = await import("../../src/core/plan/schema.ts");
    const { parseRequest } = await import("../../src/core/request/parse-request.ts");
    const { executeGraph } = await import("../../src/engine/execute-graph.ts");
    const plan = PlanSchema.parse({
      version: 1,
      agents: { writer: { run: "x" } },
      phases: [{ id: "spec", agents: ["writer"], gate: { max_revisions: 1 } }],
    });
    const built = buildGraph(plan, factsOf(parseRequest({ body: "Project: x" }, { now: 0 }), EMPTY_REPO));
    if (!built.ok) expect.fail(JSON.stringify(built.problems));
    let runs = 0;
    const result = await executeGraph(
      built.graph,
      {},
      {
        clock: new VirtualClock(),
        run: async () => {
          runs++;
          return { summary: "draft" };
        },
        approve: () => ({ approved: false, by: "reviewer", reason: "not yet" }),
      },
    );
    expect(runs).toBe(2);
    expect(result.status).toBe("blocked");
    expect(result.tasks[0]).toMatchObject({ id: "spec/writer", status: "escalated" });
  });

  it("masks secrets and token formats in the result's errors, summaries and context", async () => {
    const secret = "hunter2-super-secret";
    const token = `ghp_${"a".repeat(36)}`;
    const result = await executeParallel(
      [
        { id: "bad", agent: "a", prompt: "x" },
        { id: "good", agent: "a", prompt: "y" },
      ],
      noRetry,
      {
        clock: new VirtualClock(),
        secrets: [secret],
        run: async (task) => {
          if (task.id === "bad") throw new TaskFailure("error", `could not log in with ${secret}`);
          return { summary: `used ${token}`, context: { "build.outputs": { key: secret } } };
        },
      },
    );
    const text = JSON.stringify(result);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
    expect(result.tasks.find((t) => t.id === "bad")!.errors[0]!.message).toBe("could not log in with ***");
  });

  it("masks secrets in error kinds, context keys and artifact names and paths too", async () => {
    const secret = "S3cr3t-Value-1234";
    const result = await executeParallel(
      [
        { id: "bad", agent: "a", prompt: "" },
        { id: "good", agent: "a", prompt: "" },
      ],
      noRetry,
      {
        clock: new VirtualClock(),
        secrets: [secret],
        run: async (task, ctx) => {
          ctx.context.set(`key-${secret}`, { [`inner-${secret}`]: secret });
          if (task.id === "bad") throw new TaskFailure(`k-${secret}`, "no");
          return { artifacts: [{ name: `report-${secret}`, path: `out/${secret}/report.md` }] };
        },
      },
    );
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(result.tasks[0]!.errors[0]!.kind).toBe("k-***");
    expect(result.tasks[1]!.artifacts).toEqual([{ name: "report-***", path: "out/***/report.md" }]);
    expect(result.context).toEqual({ "key-***": { "inner-***": "***" } });
  });

  it("keeps the process alive while it waits on a retry backoff (engine timers alone do not)", async () => {
    const { execFileSync } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const lib = fileURLToPath(new URL("../../dist/lib/index.js", import.meta.url));
    const script = `
      import { executeParallel } from ${JSON.stringify(lib)};
      let n = 0;
      const r = await executeParallel([{ agent: "a", prompt: "x" }],
        { retry: { max_attempts: 2, initial_interval: "200ms", jitter: false } },
        { run: async () => { if (n++ === 0) throw new Error("flaky"); return { summary: "ok" }; } });
      console.log(r.status, r.tasks[0].attempts);`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(out.trim()).toBe("succeeded 2");
  });
});
