import { type Facts } from "./facts.js";
/** The type of a fact a condition can name. */
export type FactType = "string" | "boolean" | "list" | "number";
/** A parsed, checked `when` condition. Only `source` is public; the syntax tree inside is opaque. */
export interface Condition {
    readonly source: string;
}
/** Outcome of {@link parseCondition}: the condition and the facts it reads, or an error and its offset. */
export type ConditionResult = {
    ok: true;
    condition: Condition;
    identifiers: string[];
} | {
    ok: false;
    error: string;
    offset: number;
};
/** Longest condition source accepted, in characters. */
export declare const MAX_CONDITION_LENGTH = 1000;
/** Deepest nesting of parentheses and negations accepted. */
export declare const MAX_CONDITION_DEPTH = 32;
/**
 * Parses and checks a condition. Unknown identifiers are errors (with a "did you mean" from `known`),
 * and so are operators applied to facts of the wrong type (`contains` on a boolean). Never throws.
 */
export declare function parseCondition(source: string, known?: Record<string, FactType>): ConditionResult;
/** Evaluates a condition against facts. A fact missing from `facts` reads as `null`. */
export declare function evaluateCondition(condition: Condition, facts: Facts): boolean;
/**
 * Explains why a condition evaluated false, e.g. `request.needs_auth is false` — used as a phase's
 * skip reason. For a condition that holds, says so (`<source> is true`).
 */
export declare function explainCondition(condition: Condition, facts: Facts): string;
