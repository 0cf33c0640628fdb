import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { TaskFailure } from "../core/errors.ts";
import { COST_LIMIT } from "../core/state/events.ts";
import { isMissing } from "./resolve-inside.ts";

/** Largest result or context file read, in bytes. */
export const MAX_AGENT_FILE_BYTES = 4 * 1024 * 1024;

/** What an agent may report in its result file. */
export interface AgentResult {
  summary?: string;
  cost?: { usd: number; tokens: number };
}

/**
 * Reads the agent's result file (`{ "summary"?: string, "cost"?: { "usd"?: number, "tokens"?: number } }`).
 * Returns `{}` when the agent wrote none; throws `TaskFailure("result_invalid")` when it is not such
 * JSON. Unknown keys are ignored. A missing cost field counts as 0.
 */
export async function readResultFile(path: string): Promise<AgentResult> {
  const value = await readJsonFile(path);
  if (value === undefined) return {};
  if (!isObject(value)) throw invalid(path, "expected a JSON object");
  const result: AgentResult = {};
  if (value.summary !== undefined) {
    if (typeof value.summary !== "string") throw invalid(path, '"summary" must be a string');
    result.summary = value.summary;
  }
  if (value.cost !== undefined) {
    const cost = value.cost;
    if (!isObject(cost)) throw invalid(path, '"cost" must be an object');
    result.cost = { usd: amount(path, cost, "usd"), tokens: amount(path, cost, "tokens") };
  }
  return result;
}

/**
 * Reads the agent's context file: a JSON object whose keys are merged into the shared context.
 * Returns undefined when the agent wrote none; throws `TaskFailure("result_invalid")` otherwise.
 */
export async function readContextOut(path: string): Promise<Record<string, unknown> | undefined> {
  const value = await readJsonFile(path);
  if (value === undefined) return undefined;
  if (!isObject(value)) throw invalid(path, "expected a JSON object");
  return value;
}

function amount(path: string, cost: Record<string, unknown>, key: "usd" | "tokens"): number {
  const value = cost[key];
  if (value === undefined) return 0;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > COST_LIMIT[key]) {
    throw invalid(path, `"cost.${key}" must be a number from 0 to ${COST_LIMIT[key]}`);
  }
  return value;
}

/** Parses a JSON file; undefined when it does not exist. */
async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    // Non-blocking open: a FIFO in place of the file must not hang the run.
    const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await file.stat();
      if (!info.isFile()) throw invalid(path, "not a regular file");
      if (info.size > MAX_AGENT_FILE_BYTES) {
        throw invalid(path, `${info.size} bytes; the limit is ${MAX_AGENT_FILE_BYTES}`);
      }
      text = await file.readFile("utf8");
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof TaskFailure) throw error;
    if (isMissing(error)) return undefined;
    throw invalid(path, (error as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(path, `invalid JSON: ${(error as Error).message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(path: string, reason: string): TaskFailure {
  return new TaskFailure("result_invalid", `${path}: ${reason}`);
}
