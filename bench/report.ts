import { SCHEDULERS, type SchedulerKey } from "./adapters.ts";
import type { OverheadSample } from "./overhead-case.ts";
import { fmt } from "./stats.ts";
import type {
  CriticalPathResult,
  MakespanResult,
  PerScheduler,
  SpeedupResult,
  WallClockResult,
} from "./virtual-cases.ts";

export interface BenchResults {
  meta: { node: string; platform: string; cpus: number; quick: boolean; seconds: number };
  feeding: Record<SchedulerKey, string>;
  overhead: OverheadSample[];
  makespan: MakespanResult[];
  wall_clock: WallClockResult;
  critical_path: CriticalPathResult[];
  speedup: SpeedupResult[];
  targets: Target[];
}

export interface Target {
  name: string;
  pass: boolean;
  detail: string;
}

type Row = {
  label: string;
  unit: string;
  values?: PerScheduler<number>;
  digits?: number;
};

const PEERS: SchedulerKey[] = ["p-queue", "p-graph", "async"];

function overheadRow(samples: OverheadSample[], tasks: number, pick: (s: OverheadSample) => number) {
  const values = {} as PerScheduler<number>;
  for (const s of samples) if (s.tasks === tasks) values[s.scheduler as SchedulerKey] = pick(s);
  return values;
}

/** The rows of the table, in order. */
function rows(r: BenchResults): Row[] {
  const out: Row[] = [];
  const sizes = [...new Set(r.overhead.map((s) => s.tasks))];
  const c = r.overhead[0]?.concurrency ?? 8;
  for (const n of sizes) {
    const label = `overhead, ${n.toLocaleString("en")} no-op tasks, c=${c}`;
    out.push({ label, unit: "µs/task", values: overheadRow(r.overhead, n, (s) => s.median_us_per_task) });
  }
  for (const n of sizes) {
    const label = `peak RSS, ${n.toLocaleString("en")} tasks`;
    out.push({ label, unit: "MB", values: overheadRow(r.overhead, n, (s) => s.rss_peak_mb), digits: 0 });
    const growth = overheadRow(r.overhead, n, (s) => s.rss_peak_mb - s.rss_start_mb);
    out.push({ label: "  peak − RSS before the first run", unit: "MB", values: growth, digits: 0 });
  }
  for (const m of r.makespan) {
    const what = `makespan ÷ bound, ${m.dags} DAGs × ${m.tasks}, c=${m.concurrency}`;
    out.push({ label: what, unit: "median", values: m.median, digits: 3 });
    out.push({ label: "", unit: "p90", values: m.p90, digits: 3 });
    out.push({
      label: `  ÷ tighter bound (diagnostic), c=${m.concurrency}`,
      unit: "median",
      values: m.tight_median,
      digits: 3,
    });
    out.push({ label: "", unit: "p90", values: m.tight_p90, digits: 3 });
  }
  const w = r.wall_clock;
  out.push({
    label: `real timers ÷ virtual, ${w.dags} DAGs × ${w.tasks}, c=${w.concurrency}`,
    unit: "median",
    values: w.real_over_virtual,
    digits: 3,
  });
  out.push({ label: "  real makespan ÷ bound", unit: "median", values: w.real_ratio, digits: 3 });
  for (const f of r.critical_path) {
    out.push({
      label: `CP family (CP ≈ work ÷ c), ${f.dags} DAGs, c=${f.concurrency}`,
      unit: "ms",
      values: f.makespan,
      digits: 0,
    });
    out.push({ label: "", unit: "÷ bound", values: f.ratio, digits: 3 });
  }
  for (const s of r.speedup) {
    const label = `speedup vs serial, wide ${s.tasks} tasks, c=${s.concurrency}`;
    out.push({ label, unit: "×", values: s.speedup, digits: 2 });
  }
  return out;
}

/** The results table, plain text, columns aligned. */
export function renderTable(r: BenchResults): string {
  const header = ["case", "", ...SCHEDULERS.map((s) => s.label), ...PEERS.map((p) => `ours/${label(p)}`)];
  const body = rows(r).map((row) => {
    const v = row.values;
    const d = row.digits ?? 2;
    const cells = SCHEDULERS.map((s) => fmt(v?.[s.key], d));
    const ratios = PEERS.map((p) => (v ? fmt(v.orchestrate / v[p], 2) : ""));
    return [row.label, row.unit, ...cells, ...ratios];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...body.map(line)].join("\n");
}

function label(key: SchedulerKey): string {
  return SCHEDULERS.find((s) => s.key === key)!.label;
}

/** PASS/FAIL of each target. */
export function evaluateTargets(r: Omit<BenchResults, "targets">): Target[] {
  const targets: Target[] = [];
  const overhead = [...new Set(r.overhead.map((s) => s.tasks))].map((n) => {
    const ours = r.overhead.find((s) => s.tasks === n && s.scheduler === "orchestrate")!;
    const fifo = r.overhead.find((s) => s.tasks === n && s.scheduler === "p-queue")!;
    return { n, ours: ours.median_us_per_task, peer: fifo.median_us_per_task };
  });
  targets.push({
    name: "overhead ≤ p-queue's (µs/task, median)",
    pass: overhead.every((o) => o.ours <= o.peer),
    detail: overhead
      .map(
        (o) =>
          `${o.n.toLocaleString("en")} tasks: ${fmt(o.ours)} vs ${fmt(o.peer)} (${fmt(o.ours / o.peer)}×)`,
      )
      .join("; "),
  });
  targets.push({
    name: "makespan ≤ 1.01× max(CP, work ÷ c) at the median, ≤ 1.03× at p90",
    pass: r.makespan.every((m) => m.median.orchestrate <= 1.01 && m.p90.orchestrate <= 1.03),
    detail: r.makespan
      .map(
        (m) =>
          `c=${m.concurrency}: ${fmt(m.median.orchestrate, 3)} / ${fmt(m.p90.orchestrate, 3)} ` +
          `(that bound is ${fmt((m.bound_slack - 1) * 100, 1)}% under a provable one at the median; ` +
          `vs that one: ${fmt(m.tight_median.orchestrate, 3)} / ${fmt(m.tight_p90.orchestrate, 3)})`,
      )
      .join("; "),
  });
  targets.push({
    name: "≥ 10% shorter than FIFO (p-queue) on the CP family",
    pass: r.critical_path.every((f) => f.vs_fifo_worst <= 0.9),
    detail: r.critical_path
      .map(
        (f) =>
          `c=${f.concurrency}: ${fmt((1 - f.vs_fifo_median) * 100, 1)}% shorter at the median, ` +
          `${fmt((1 - f.vs_fifo_worst) * 100, 1)}% at worst`,
      )
      .join("; "),
  });
  targets.push({
    name: "speedup vs serial ≥ 0.95 × concurrency (wide graph)",
    pass: r.speedup.every((s) => s.min.orchestrate >= 0.95 * s.concurrency),
    detail: r.speedup
      .map(
        (s) =>
          `c=${s.concurrency}: ${fmt(s.speedup.orchestrate)} (min ${fmt(s.min.orchestrate)}) ≥ ${fmt(0.95 * s.concurrency)}`,
      )
      .join("; "),
  });
  return targets;
}

/** Target lines; FAIL lines stand out (and are red on a terminal). */
export function renderTargets(targets: Target[], color: boolean): string {
  const paint = (text: string, code: number) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return targets
    .map((t) =>
      t.pass
        ? `${paint("PASS", 32)}        ${t.name}\n            ${t.detail}`
        : `${paint("FAIL ✗ ✗ ✗", 31)}  ${t.name}\n            ${t.detail}`,
    )
    .join("\n");
}
