import type { z } from "zod";
import { allowedKeys } from "./allowed-keys.ts";
import { didYouMean } from "./did-you-mean.ts";
import { isRecord } from "./merge-template.ts";
import { formatPath, type Problem } from "./problem.ts";
import { ZERO_DURATION_HINTS } from "./schema.ts";
import { type Key, locate, type Origin, pathInFile, position } from "./yaml-origins.ts";

type Issue = z.core.$ZodIssue;

/**
 * Turns zod issues into problems in plain words, each at the line and column of the offending node
 * (of the key for unknown keys, of the enclosing mapping for missing keys), its path as written in
 * that node's file.
 */
export function problemsFromIssues(
  issues: readonly Issue[],
  schema: z.ZodType,
  data: unknown,
  root: Origin,
): Problem[] {
  return issues.flatMap((issue) => describeIssue(issue, [], schema, data, root));
}

function describeIssue(
  issue: Issue,
  prefix: Key[],
  schema: z.ZodType,
  data: unknown,
  root: Origin,
): Problem[] {
  const path = [...prefix, ...(issue.path as Key[])];
  const value = valueAt(data, path);
  const at = (message: string, hint?: string, target: Key[] = path, key = false): Problem => {
    const origin = locate(root, target);
    const offset = key ? (origin.keyAt ?? origin.at) : origin.at;
    const problem: Problem = {
      ...position(origin.source, offset),
      path: formatPath(pathInFile(root, path)),
      message,
    };
    if (hint) problem.hint = hint;
    return problem;
  };
  const name = path[path.length - 1];
  const zero = ZERO_DURATION_HINTS.get(issue.message);
  if (zero !== undefined) return [at(`${issue.message}; got ${show(value)}`, zero)];
  if (
    (issue.code === "invalid_type" || issue.code === "invalid_value") &&
    value === undefined &&
    typeof name === "string"
  ) {
    return [at(`missing required key "${name}"`, undefined, path.slice(0, -1))];
  }
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(schema, path);
      return issue.keys.map((key) => {
        const near = didYouMean(key, allowed);
        const hint = near
          ? `did you mean "${near}"?`
          : allowed.length
            ? `allowed keys: ${allowed.join(", ")}`
            : undefined;
        const problem = at(`unknown key "${key}"`, hint, [...path, key], true);
        problem.path = formatPath(pathInFile(root, [...path, key]));
        return problem;
      });
    }
    case "invalid_type":
      return [at(`expected ${typeName(issue.expected)}, got ${show(value)}`, quoteHint(issue, path, root))];
    case "too_small":
    case "too_big":
      return [at(sizeMessage(issue, value))];
    case "invalid_value": {
      const options = issue.values.map((option) => JSON.stringify(option));
      const near = typeof value === "string" ? didYouMean(value, issue.values.map(String)) : undefined;
      const expected =
        options.length === 1 ? `must be ${options[0]}` : `must be one of ${options.join(", ")}`;
      return [at(`${expected}, got ${show(value)}`, near ? `did you mean "${near}"?` : undefined)];
    }
    case "invalid_format": {
      const message = issue.message.startsWith("Invalid") ? `is not a valid ${issue.format}` : issue.message;
      return [at(`${message}; got ${show(value)}`)];
    }
    case "invalid_key": {
      const reason = issue.issues.map((inner) => inner.message).join("; ");
      return [at(`invalid key "${String(path[path.length - 1])}": ${reason}`, undefined, path, true)];
    }
    case "invalid_union": {
      const matching = issue.errors.filter((branch) =>
        branch.every((inner) => inner.code !== "invalid_type"),
      );
      if (matching.length === 1)
        return matching[0]!.flatMap((inner) => describeIssue(inner, path, schema, data, root));
      const expected = issue.errors.flatMap((branch) =>
        branch.flatMap((inner) => (inner.code === "invalid_type" ? [typeName(inner.expected)] : [])),
      );
      return [at(`expected ${[...new Set(expected)].join(" or ")}, got ${show(value)}`)];
    }
    default:
      return [at(issue.message)];
  }
}

/**
 * For a string expected where YAML read an unquoted `true`, `false` or number: how to quote it, in
 * the text as written (`1.10`, not `1.1`).
 */
function quoteHint(issue: z.core.$ZodIssueInvalidType, path: Key[], root: Origin): string | undefined {
  if (issue.expected !== "string") return undefined;
  const origin = locate(root, path);
  if (origin.plain === undefined || origin.path.length !== path.length) return undefined;
  const key = path[path.length - 1];
  const kind = /^(true|false)$/i.test(origin.plain) ? "a boolean" : "a number";
  const prefix = typeof key === "string" ? `${key}: ` : "";
  return `YAML reads an unquoted ${origin.plain} as ${kind}; quote it: ${prefix}${JSON.stringify(origin.plain)}`;
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, value: unknown): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === "array" || issue.origin === "set") {
    const items = `${limit} item${limit === 1 ? "" : "s"}`;
    return `${small ? "needs at least" : "allows at most"} ${items}`;
  }
  if (issue.origin === "string") {
    if (small && limit === 1) return "must not be empty";
    return `must be ${small ? "at least" : "at most"} ${limit} characters long`;
  }
  const bound = small
    ? issue.inclusive === false
      ? "greater than"
      : "at least"
    : issue.inclusive === false
      ? "less than"
      : "at most";
  return `must be ${bound} ${limit}, got ${show(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

/** A short, readable rendering of a YAML value for messages. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

function valueAt(data: unknown, path: readonly Key[]): unknown {
  let value = data;
  for (const key of path) {
    if (Array.isArray(value) && typeof key === "number") value = value[key];
    else if (isRecord(value) && Object.hasOwn(value, key)) value = value[String(key)];
    else return undefined;
  }
  return value;
}
