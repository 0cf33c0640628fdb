import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(root, "node_modules/typescript/bin/tsc");

/** A TypeScript project that depends on the package (linked, as `npm i` of it would). */
function consumer(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-consumer-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules/orchestrate"), "dir");
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        types: [],
        // The package's own dependencies (zod, …) are checked where they are used.
        skipLibCheck: true,
      },
      files: ["main.ts"],
    }),
  );
  writeFileSync(join(dir, "main.ts"), source);
  made.push(dir);
  return dir;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function typecheck(dir: string): { ok: boolean; output: string } {
  try {
    execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" });
    return { ok: true, output: "" };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

describe("the package's type declarations", () => {
  it("type-check a consumer project (NodeNext, strict) that uses the library API", () => {
    const dir =
      consumer(`import { executeGraph, executeParallel, TaskFailure, VirtualClock, type OrchestrationResult } from "orchestrate";
const clock = new VirtualClock();
const result: OrchestrationResult = await executeGraph(
  { tasks: [{ id: "plan", agent: "planner", needs: [], estimate_ms: 1000 }] },
  { max_concurrency: 2, retry: { max_attempts: 2, initial_interval: "1s" } },
  { clock, run: async (task, { attempt }) => { if (attempt < 1) throw new TaskFailure("config", task.id); return { summary: "ok" }; } },
);
const status: string = result.status;
const speedup: number = result.metrics.speedup_vs_serial;
await executeParallel([{ agent: "a", prompt: "x" }], undefined, { run: async () => undefined });
export { status, speedup };
`);
    expect(typecheck(dir)).toEqual({ ok: true, output: "" });
  }, 60_000);

  it("are real types: a misuse is an error", () => {
    const dir = consumer(`import { executeParallel } from "orchestrate";
const result = await executeParallel([{ agent: "a", prompt: "x" }], { max_concurrency: "many" }, { run: async () => undefined });
const wrong: number = result.status;
export { wrong };
`);
    const { ok, output } = typecheck(dir);
    expect(ok).toBe(false);
    expect(output).toMatch(/main\.ts\(2,.*max_concurrency|main\.ts\(2,/);
    expect(output).toMatch(/main\.ts\(3,.*not assignable to type 'number'/);
  }, 60_000);
});
