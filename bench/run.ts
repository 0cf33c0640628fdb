/**
 * The scheduler benchmark: `npm run bench [-- --quick] [-- --json[=file]]`.
 * Our engine (`executeGraph`) against p-queue (FIFO by readiness), p-graph (critical-path
 * priority) and async.auto (control) on the same seeded DAGs. Progress goes to stderr; the table
 * and the PASS/FAIL lines to stdout. Exits 0 whatever the targets say: it is a report.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { SCHEDULERS, type SchedulerKey } from "./adapters.ts";
import { referenceFlow } from "./github/reference-flow.ts";
import { renderGitHub } from "./github/report.ts";
import { webhookAck } from "./github/webhook-ack.ts";
import { runOverhead } from "./overhead.ts";
import { type BenchResults, evaluateTargets, renderTable, renderTargets } from "./report.ts";
import { criticalPathCase, makespanCase, speedupCase, wallClockCase } from "./virtual-cases.ts";

const args = process.argv.slice(2);
if (args.includes("--help")) {
  console.log("usage: npm run bench -- [--quick] [--json[=file]]   (default file: bench-results.json)");
  process.exit(0);
}
const quick = args.includes("--quick");
const jsonArg = args.find((a) => a === "--json" || a.startsWith("--json="));
const jsonFile = jsonArg === undefined ? undefined : jsonArg.slice("--json=".length) || "bench-results.json";

const plan = quick
  ? {
      sizes: [1_000, 3_000],
      warmUps: [3, 1],
      reps: [15, 5],
      budgetMs: 4_000,
      dags: 30,
      wall: 2,
      family: 5,
      wide: 2,
    }
  : {
      sizes: [1_000, 10_000],
      warmUps: [5, 2],
      reps: [60, 9],
      budgetMs: 15_000,
      dags: 200,
      wall: 5,
      family: 20,
      wide: 5,
    };
const CONCURRENCIES = [4, 8];
const progress = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();
const lap = (what: string, since: number) =>
  progress(`  ${what} (${((performance.now() - since) / 1000).toFixed(1)} s)`);

progress(`scheduler benchmark${quick ? " (quick)" : ""}: ${SCHEDULERS.map((s) => s.label).join(", ")}`);
progress("per-task overhead, one child process per case:");
const overhead = await runOverhead(
  { sizes: plan.sizes, concurrency: 8, warmUps: plan.warmUps, reps: plan.reps, budgetMs: plan.budgetMs },
  progress,
);

let t = performance.now();
const makespan = [];
for (const c of CONCURRENCIES) makespan.push(await makespanCase(plan.dags, 200, c));
lap(`makespan ÷ bound over ${plan.dags} DAGs × 2 concurrencies, virtual time`, t);

t = performance.now();
const wallClock = await wallClockCase(plan.wall, 200, 8);
lap(`wall-clock check over ${plan.wall} DAGs with real timers`, t);

t = performance.now();
const criticalPath = [];
for (const c of CONCURRENCIES) criticalPath.push(await criticalPathCase(plan.family, c));
lap(`critical-path family, ${plan.family} DAGs × 2 concurrencies`, t);

t = performance.now();
const speedup = [];
for (const c of CONCURRENCIES) speedup.push(await speedupCase(plan.wide, 4, 250, c));
lap(`speedup on ${plan.wide} wide graphs × 2 concurrencies`, t);

t = performance.now();
const githubFlow = await referenceFlow();
const githubAck = await webhookAck(quick ? 200 : 1000);
const githubAckJournaled = await webhookAck(quick ? 200 : 1000, true);
lap("GitHub reference pipeline and webhook acknowledgement", t);

const partial: Omit<BenchResults, "targets"> = {
  meta: {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: availableParallelism(),
    quick,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  },
  feeding: Object.fromEntries(SCHEDULERS.map((s) => [s.key, s.feeding])) as Record<SchedulerKey, string>,
  overhead,
  makespan,
  wall_clock: wallClock,
  critical_path: criticalPath,
  speedup,
};
const results: BenchResults = { ...partial, targets: evaluateTargets(partial) };

const out: string[] = [];
out.push("");
out.push(
  `Scheduler benchmark — node ${results.meta.node}, ${results.meta.platform}, ${results.meta.cpus} CPUs` +
    `${quick ? ", --quick" : ""}, ${results.meta.seconds} s`,
);
out.push("");
out.push(renderTable(results));
out.push("");
out.push("How each scheduler is fed (every task awaits sleep(duration); no-op for overhead):");
for (const s of SCHEDULERS) out.push(`  ${s.label.padEnd(11)} ${s.feeding}`);
out.push(
  "Overhead: wall time of the whole run (building the scheduler's structures included) inside a fresh",
  `process per case, ${plan.warmUps.join("/")} warm-up then up to ${plan.reps.join("/")} timed runs (by size), ` +
    "median µs per task; " +
    "peak RSS = the child's maxRSS.",
  "Makespans are in virtual time (VirtualClock): deterministic, the same for every run of the benchmark.",
  "bound = max(critical path, total work ÷ c); tighter bound = bounds.ts (head/tail energy), a valid lower bound.",
  "ours/peer: below 1 favours ours, except for speedup (above 1 favours ours).",
);
out.push("");
out.push("Targets:");
out.push(renderTargets(results.targets, process.stdout.isTTY === true));
out.push("");
out.push(...renderGitHub(githubFlow, githubAck, githubAckJournaled, process.stdout.isTTY === true));
process.stdout.write(`${out.join("\n")}\n`);

if (jsonFile) {
  writeFileSync(
    jsonFile,
    `${JSON.stringify({ ...results, github: { flow: githubFlow, webhook_ack: githubAck, webhook_ack_journaled: githubAckJournaled } }, null, 2)}\n`,
  );
  progress(`wrote ${jsonFile}`);
}

// The app servers' queued work (for the webhooks acknowledged above) is not waited for.
process.exit(0);
