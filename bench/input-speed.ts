/**
 * How fast hostile issue bodies are parsed and hostile text is scrubbed: the same inputs the unit
 * tests guard against super-linear time (their bound is far above these figures, so a slow
 * machine does not fail them), timed here against the speed goals: each hostile body parsed
 * within 1 s, each hostile text scrubbed within 2 s, and 1 MB of log with 20 secrets scrubbed
 * in well under 2 s (within 1 s).
 *
 * Standalone: `npx tsx bench/input-speed.ts`. Prints the median of five timed runs (after one
 * untimed) per input, and exits 1 when one misses its goal.
 */

import { parseRequest } from "../src/core/request/index.ts";
import { createScrubber, scrub } from "../src/core/scrub/index.ts";
import { REQUEST_BODIES, SCRUB_TEXTS } from "../test/support/hostile-inputs.ts";

const RUNS = 5;

interface Figure {
  what: string;
  medianMs: number;
  goalMs: number;
}

/** The median time of `RUNS` runs of `work`, after one untimed run. */
function median(work: () => unknown): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)]!;
}

/** 1 MB of an ordinary log, with one secret and another's base64 form at its end. */
function logWithSecrets(): { text: string; secrets: string[] } {
  const secrets = Array.from({ length: 20 }, (_, i) => `secret-${i}-${"x7Q".repeat(8 + i)}`);
  const line = "2024-01-01T00:00:00Z INFO task-12 ran npm test (exit 0) sha=c0ffee1234567890c0ffee12\n";
  const log = line.repeat(Math.ceil(1_000_000 / line.length));
  return { text: `${log}${secrets[7]} ${Buffer.from(secrets[3]!).toString("base64")}`, secrets };
}

function inputSpeed(): Figure[] {
  const figures: Figure[] = [];
  for (const [name, body] of Object.entries(REQUEST_BODIES))
    figures.push({
      what: `parse ${name}`,
      medianMs: median(() => parseRequest({ title: body, body }, { now: 1_700_000_000_000 })),
      goalMs: 1000,
    });
  for (const [name, text] of Object.entries(SCRUB_TEXTS))
    figures.push({
      what: `scrub ${name}`,
      medianMs: median(() => scrub(text, ["some-secret-value", "aaaa"])),
      goalMs: 2000,
    });
  const { text, secrets } = logWithSecrets();
  const scrubber = createScrubber(secrets);
  figures.push({
    what: "scrub 1 MB of log, 20 secrets",
    medianMs: median(() => scrubber(text)),
    goalMs: 1000,
  });
  return figures;
}

const figures = inputSpeed();
const width = Math.max(...figures.map((f) => f.what.length));
for (const f of figures)
  console.log(
    `${f.what.padEnd(width)}  ${f.medianMs.toFixed(1).padStart(8)} ms  (goal < ${f.goalMs} ms)${f.medianMs < f.goalMs ? "" : "  MISSED"}`,
  );
const missed = figures.filter((f) => f.medianMs >= f.goalMs);
if (missed.length > 0) {
  console.error(`${missed.length} input(s) missed their speed goal: ${missed.map((f) => f.what).join(", ")}`);
  process.exitCode = 1;
}
