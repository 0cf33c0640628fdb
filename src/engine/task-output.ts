import { z } from "zod";
import { formatPath } from "../core/plan/problem.ts";
import { COST_LIMIT, CostFields } from "../core/state/events.ts";
import type { Artifact, Cost } from "../core/state/index.ts";

/** A cost report as events take it: amounts from 0 to `COST_LIMIT`, missing ones 0. */
const CostOutput = z.strictObject(CostFields);

/** An artifact as events take it. */
const ArtifactOutput = z.strictObject({
  name: z.string(),
  path: z.string(),
  sha256: z.string().optional(),
  bytes: z.number().nonnegative().optional(),
});
const ArtifactsOutput = z.array(ArtifactOutput);

const COST_HINT = `cost is { usd, tokens }, each a number from 0 (usd up to ${COST_LIMIT.usd}, tokens up to ${COST_LIMIT.tokens})`;
const ARTIFACT_HINT = "artifacts is a list of { name, path, sha256?, bytes? }";

/** What a task function returned, checked: the fields a `task_succeeded` event takes, or a problem. */
export type CheckedOutput =
  | { ok: true; artifacts?: Artifact[]; cost?: Cost; summary?: string; context?: Record<string, unknown> }
  | { ok: false; message: string };

const NOTHING: CheckedOutput = { ok: true };

/**
 * Checks a task function's return value field by field, and only the fields it has: most tasks
 * return nothing or a summary, and this runs once per attempt. A wrong field is named with what
 * was expected, so the attempt fails with a message that says what to return instead.
 */
export function checkOutput(out: unknown): CheckedOutput {
  if (out === undefined || out === null) return NOTHING;
  if (typeof out !== "object" || Array.isArray(out))
    return invalid(
      "",
      `the task function returned ${describe(out)}`,
      "return an object { summary?, artifacts?, cost?, context? } or nothing",
    );
  const { artifacts, cost, summary, context } = out as Record<string, unknown>;
  const checked: CheckedOutput & { ok: true } = { ok: true };
  if (artifacts !== undefined) {
    const parsed = ArtifactsOutput.safeParse(artifacts);
    if (!parsed.success) return fromZod("artifacts", parsed.error, ARTIFACT_HINT);
    checked.artifacts = parsed.data;
  }
  if (cost !== undefined) {
    const parsed = CostOutput.safeParse(cost);
    if (!parsed.success) return fromZod("cost", parsed.error, COST_HINT);
    checked.cost = parsed.data;
  }
  if (summary !== undefined) {
    if (typeof summary !== "string") return invalid("summary", `expected a string, got ${describe(summary)}`);
    checked.summary = summary;
  }
  if (context !== undefined) {
    if (!isPlainObject(context))
      return invalid(
        "context",
        `expected an object of keys to values, got ${describe(context)}`,
        "return the keys to merge into the shared context as a plain object",
      );
    checked.context = context;
  }
  return checked;
}

function fromZod(field: string, error: z.ZodError, hint: string): CheckedOutput {
  const issue = error.issues[0]!;
  return invalid(formatPath([field, ...issue.path]), issue.message, hint);
}

function invalid(field: string, problem: string, hint?: string): CheckedOutput {
  const where = field === "" ? "invalid task output" : `invalid task output: ${field}`;
  return { ok: false, message: `${where}: ${problem}${hint ? ` (${hint})` : ""}` };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A value's kind for a message. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "object") return `an object of class ${value.constructor?.name ?? "unknown"}`;
  return `a ${typeof value}`;
}
