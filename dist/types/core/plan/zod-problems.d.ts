import type { z } from "zod";
import { type Problem } from "./problem.js";
import { type Origin } from "./yaml-origins.js";
type Issue = z.core.$ZodIssue;
/**
 * Turns zod issues into problems in plain words, each at the line and column of the offending node
 * (of the key for unknown keys, of the enclosing mapping for missing keys), its path as written in
 * that node's file.
 */
export declare function problemsFromIssues(issues: readonly Issue[], schema: z.ZodType, data: unknown, root: Origin): Problem[];
/** A short, readable rendering of a YAML value for messages. */
export declare function show(value: unknown): string;
export {};
