import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Condition,
  evaluateCondition,
  explainCondition,
  type FactType,
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_LENGTH,
  parseCondition,
} from "../../../src/core/plan/condition.ts";
import { FACT_TYPES, type Facts, type FactValue } from "../../../src/core/plan/facts.ts";

const FACTS: Facts = {
  "request.project": "Shop",
  "request.title": "Build a shop",
  "request.text": "An online shop with a REST API",
  "request.requirements": ["login", "cart"],
  "request.stack": ["Python", "react"],
  "request.deadline": "",
  "request.needs_auth": true,
  "request.uses_orm": false,
  "request.simple_crud": false,
  "request.has_frontend": true,
  "request.has_backend": true,
  "repo.has_code": false,
  "repo.has_tests": false,
  "repo.languages": [],
  "repo.default_branch": "main",
};

function parse(source: string, known?: Record<string, FactType>): Condition {
  const result = parseCondition(source, known);
  if (!result.ok) throw new Error(`${source}: ${result.error}`);
  return result.condition;
}

const run = (source: string, facts: Facts = FACTS): boolean => evaluateCondition(parse(source), facts);

describe("evaluateCondition", () => {
  it.each([
    // identifiers and truthiness
    ["request.needs_auth", true],
    ["repo.has_code", false],
    ["request.stack", true],
    ["repo.languages", false],
    ["request.deadline", false],
    ["request.project", true],
    ["true", true],
    ["false", false],
    ["null", false],
    ["0", false],
    ["2", true],
    ["''", false],
    ["'x'", true],
    // negation
    ["!repo.has_code", true],
    ["!!repo.has_code", false],
    ["not request.needs_auth", false],
    ["! ! ! repo.has_code", true],
    // and / or, symbols and words
    ["request.needs_auth && !repo.has_code", true],
    ["request.needs_auth && repo.has_code", false],
    ["request.needs_auth and not repo.has_code", true],
    ["repo.has_code || request.has_frontend", true],
    ["repo.has_code or repo.has_tests", false],
    ["repo.has_code || repo.has_tests || request.needs_auth", true],
    ["request.needs_auth AND request.has_backend", true],
    // equality: case-insensitive for strings
    ["request.project == 'shop'", true],
    ['request.project == "SHOP"', true],
    ["request.project != 'shop'", false],
    ["request.project != 'blog'", true],
    ["repo.default_branch == 'main'", true],
    ["request.needs_auth == true", true],
    ["request.uses_orm == false", true],
    ["request.needs_auth != false", true],
    ["request.deadline == ''", true],
    ["request.deadline == null", false],
    ["null == null", true],
    ["1 == 1.0", true],
    ["-1.5 != 1.5", true],
    ["request.stack == request.stack", true],
    ["request.stack == request.requirements", false],
    // contains / in
    ["request.stack contains 'python'", true],
    ["request.stack contains 'PYTHON'", true],
    ["request.stack contains 'pyth'", false],
    ["request.stack contains 'go'", false],
    ["'react' in request.stack", true],
    ["'vue' in request.stack", false],
    ["request.text contains 'rest api'", true],
    ["'online' in request.text", true],
    ["request.text contains 'graphql'", false],
    ["repo.languages contains 'python'", false],
    ["request.project contains 'HO'", true],
    ["'shop' contains 'o'", true],
    // precedence
    ["repo.has_code && repo.has_tests || request.needs_auth", true],
    ["request.needs_auth || repo.has_code && repo.has_tests", true],
    ["(request.needs_auth || repo.has_code) && repo.has_tests", false],
    ["!repo.has_code && request.needs_auth", true],
    ["!(repo.has_code || request.needs_auth)", false],
    ["!request.project == 'blog'", true],
    ["not 'go' in request.stack", true],
    ["(request.needs_auth) == (request.has_backend)", true],
    ["(request.needs_auth && repo.has_code) == false", true],
    // whitespace is free
    ["  request.needs_auth&&!repo.has_code  ", true],
    ["\trequest.project\n==\n'shop'", true],
    ["(((request.needs_auth)))", true],
  ])("%s → %s", (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it("reads string escapes", () => {
    const facts = { ...FACTS, "request.text": `it's a "quoted" back\\slash` };
    expect(run(`request.text contains 'it\\'s'`, facts)).toBe(true);
    expect(run(`request.text contains "\\"quoted\\""`, facts)).toBe(true);
    expect(run(`request.text contains 'back\\\\slash'`, facts)).toBe(true);
    expect(run(`"it's" in request.text`, facts)).toBe(true);
  });

  it("treats a missing fact as null", () => {
    expect(run("request.needs_auth", {})).toBe(false);
    expect(run("request.stack contains 'x'", {})).toBe(false);
    expect(run("request.project == null", {})).toBe(true);
  });

  it("compares numbers and numbers inside strings and lists", () => {
    const known = { ...FACT_TYPES, "repo.size": "number" as const };
    const cond = (source: string) => parse(source, known);
    expect(evaluateCondition(cond("repo.size == 3"), { "repo.size": 3 })).toBe(true);
    expect(evaluateCondition(cond("repo.size != 3"), { "repo.size": 3 })).toBe(false);
    expect(evaluateCondition(cond("repo.size"), { "repo.size": 0 })).toBe(false);
    expect(evaluateCondition(cond("request.stack contains 3"), { "request.stack": ["3"] })).toBe(true);
    expect(evaluateCondition(cond("20 in request.text"), { "request.text": "node 20" })).toBe(true);
  });

  it("evaluates a bare { source } by parsing it again", () => {
    expect(evaluateCondition({ source: "request.needs_auth && !repo.has_code" }, FACTS)).toBe(true);
    expect(() => evaluateCondition({ source: "((" }, FACTS)).toThrow(/invalid condition/);
  });
});

describe("parseCondition", () => {
  it("lists the identifiers read, once each, in order", () => {
    const result = parseCondition("repo.has_code || request.needs_auth && !repo.has_code");
    expect(result.ok && result.identifiers).toEqual(["repo.has_code", "request.needs_auth"]);
    expect(result.ok && result.condition.source).toBe(
      "repo.has_code || request.needs_auth && !repo.has_code",
    );
  });

  it.each([
    ["(request.needs_auth || repo.has_code))", 'unexpected ")" at column 38', 37],
    ["request.needs_auth || repo.has_code)", 'unexpected ")" at column 36', 35],
    ["request.needs_auth &&", 'expected an expression after "&&"', 21],
    ["request.needs_auth && ) ", 'expected an expression after "&&"', 22],
    ["request.needs_auth or", 'expected an expression after "or"', 21],
    ["!", 'expected an expression after "!"', 1],
    ["request.project ==", 'expected an expression after "=="', 18],
    ["()", 'expected an expression after "("', 1],
    ["(request.needs_auth", 'missing ")" to close the "(" at column 1', 19],
    ["'abc", "unterminated string", 0],
    ['request.project == "abc', "unterminated string starting at column 20", 19],
    ["'a\\nb'", 'unknown escape "\\n"', 2],
    ["", "empty condition", 0],
    ["   ", "empty condition", 0],
    ["&& request.needs_auth", 'unexpected "&&" at column 1', 0],
    ["request.needs_auth repo.has_code", 'unexpected "repo.has_code" at column 20', 19],
    ["request.stack adn repo.has_code", 'unexpected "adn" at column 15 (did you mean "and"?)', 14],
    ["request.project = 'x'", 'unexpected "=" at column 17 (did you mean "=="?)', 16],
    ["request.needs_auth & repo.has_code", 'did you mean "&&"?', 19],
    ["request.needs_auth | repo.has_code", 'did you mean "||"?', 19],
    ["request.needs_auth # comment", 'unexpected "#" at column 20', 19],
    ["request.", 'incomplete identifier "request."', 0],
    ["request.project == 'a' == 'b'", "comparisons do not chain", 23],
  ])("%j fails: %s", (source, message, offset) => {
    const result = parseCondition(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(message);
    expect(result.offset).toBe(offset);
  });

  it.each([
    ["request.need_auth", 'unknown identifier "request.need_auth" (did you mean "request.needs_auth"?)', 0],
    [
      "repo.has_code && repo.has_test",
      'unknown identifier "repo.has_test" (did you mean "repo.has_tests"?)',
      17,
    ],
    ["needs_auth", 'unknown identifier "needs_auth" (did you mean "request.needs_auth"?)', 0],
    ["Request.Stack contains 'x'", 'unknown identifier "Request.Stack" (did you mean "request.stack"?)', 0],
    ["request.budget", 'unknown identifier "request.budget"', 0],
  ])("rejects the unknown identifier in %j", (source, message, offset) => {
    expect(parseCondition(source)).toEqual({ ok: false, error: message, offset });
  });

  it("suggests quotes for a bare word", () => {
    const result = parseCondition("request.stack contains python");
    expect(result.ok === false && result.error).toBe(
      'unknown identifier "python" (to mean the text "python", put it in quotes)',
    );
  });

  it("offers no suggestion when nothing is close", () => {
    const result = parseCondition("weather.sunny");
    expect(result.ok === false && result.error).toBe('unknown identifier "weather.sunny"');
  });

  it("checks against the identifiers given", () => {
    expect(parseCondition("team.size == 3", { "team.size": "number" }).ok).toBe(true);
    expect(parseCondition("request.needs_auth", { "team.size": "number" }).ok).toBe(false);
  });

  it.each([
    [
      "request.needs_auth contains 'x'",
      '"contains" needs a list or a string on its left, not request.needs_auth',
    ],
    ["'x' in repo.has_code", '"in" needs a list or a string on its right, not repo.has_code (a boolean)'],
    ["true contains 'x'", '"contains" needs a list or a string'],
    ["request.stack contains request.requirements", "needs a string or a number on its right"],
    ["request.stack contains true", "needs a string or a number on its right, not true (a boolean)"],
    ["request.stack == 'python'", 'use "contains"'],
    ["request.needs_auth == 'yes'", "cannot compare request.needs_auth (a boolean) with 'yes' (a string)"],
    ["request.project != 3", "cannot compare request.project (a string) with 3 (a number)"],
    ["(request.needs_auth && repo.has_code) == 'x'", "cannot compare"],
  ])("type-checks %j", (source, message) => {
    const result = parseCondition(source);
    expect(result.ok === false && result.error).toContain(message);
  });

  it("accepts null on either side of an equality", () => {
    expect(parseCondition("request.deadline == null").ok).toBe(true);
    expect(parseCondition("null != request.stack").ok).toBe(true);
  });

  it("limits length and nesting", () => {
    const long = `request.needs_auth${" ".repeat(MAX_CONDITION_LENGTH)}`;
    const tooLong = parseCondition(long);
    expect(tooLong.ok === false && tooLong.error).toMatch(/too long/);
    expect(tooLong.ok === false && tooLong.offset).toBe(MAX_CONDITION_LENGTH);

    const ok = `${"(".repeat(MAX_CONDITION_DEPTH)}true${")".repeat(MAX_CONDITION_DEPTH)}`;
    expect(parseCondition(ok).ok).toBe(true);
    const deep = `${"(".repeat(MAX_CONDITION_DEPTH + 1)}true${")".repeat(MAX_CONDITION_DEPTH + 1)}`;
    const tooDeep = parseCondition(deep);
    expect(tooDeep.ok === false && tooDeep.error).toMatch(/nests too deeply/);
    expect(tooDeep.ok === false && tooDeep.offset).toBe(MAX_CONDITION_DEPTH);
    expect(parseCondition(`${"!".repeat(MAX_CONDITION_DEPTH + 1)}true`).ok).toBe(false);
    expect(parseCondition("(".repeat(MAX_CONDITION_LENGTH)).ok).toBe(false);
  });

  it("rejects a non-string source without throwing", () => {
    expect(parseCondition(true as unknown as string).ok).toBe(false);
  });
});

describe("explainCondition", () => {
  const explain = (source: string, facts: Facts = FACTS) => explainCondition(parse(source), facts);

  it.each([
    ["request.uses_orm && request.needs_auth", "request.uses_orm is false"],
    ["request.needs_auth && repo.has_code", "repo.has_code is false"],
    ["!request.needs_auth", "request.needs_auth is true"],
    ["repo.has_code || repo.has_tests", "repo.has_code is false and repo.has_tests is false"],
    ["repo.languages", "repo.languages is empty"],
    ["request.deadline", "request.deadline is empty"],
    ["request.project == 'blog'", "request.project does not equal 'blog' (request.project is \"Shop\")"],
    ["request.project != 'shop'", "request.project equals 'shop' (request.project is \"Shop\")"],
    [
      "request.stack contains 'go'",
      'request.stack does not contain \'go\' (request.stack is ["Python","react"])',
    ],
    ["'go' in request.stack", "'go' is not in request.stack (request.stack is"],
    ["!('python' in request.stack)", "'python' is in request.stack"],
    [
      "!(request.needs_auth && request.has_backend)",
      "request.needs_auth is true and request.has_backend is true",
    ],
    ["false", "false is always false"],
  ])("%s → %s", (source, reason) => {
    expect(run(source)).toBe(false);
    expect(explain(source)).toContain(reason);
  });

  it("says when a fact is not set", () => {
    expect(explain("request.needs_auth", {})).toBe("request.needs_auth is not set");
  });

  it("says when the condition holds", () => {
    expect(explain("request.needs_auth")).toBe("request.needs_auth is true");
  });
});

// ---- properties ----

type Ast =
  | { kind: "lit"; value: string | number | boolean | null }
  | { kind: "fact"; name: string }
  | { kind: "not"; operand: Ast }
  | { kind: "and" | "or"; left: Ast; right: Ast }
  | { kind: "cmp"; op: "==" | "!=" | "contains" | "in"; left: Ast; right: Ast };

const KNOWN = { ...FACT_TYPES, "repo.size": "number" } as const satisfies Record<string, FactType>;
const names = (type: FactType) =>
  Object.keys(KNOWN).filter((name) => KNOWN[name as keyof typeof KNOWN] === type);
const WORDS = ["", "python", "Python", "go", "shop", "it's", 'say "hi"', "back\\slash"];

const fact = (type: FactType) => fc.constantFrom(...names(type)).map((name): Ast => ({ kind: "fact", name }));
const lit = <T extends string | number | boolean | null>(arb: fc.Arbitrary<T>) =>
  arb.map((value): Ast => ({ kind: "lit", value }));
const str = fc.oneof(fact("string"), lit(fc.constantFrom(...WORDS)));
const num = fc.oneof(fact("number"), lit(fc.constantFrom(0, 1, 2.5, -3)));
const item = fc.oneof(str, num);

const { any: bool } = fc.letrec<{ any: Ast; typed: Ast }>((tie) => {
  const typed = tie("typed");
  const any = tie("any");
  const pair = <T>(arb: fc.Arbitrary<T>) => fc.tuple(arb, arb);
  const equality = fc
    .tuple(
      fc.constantFrom("==" as const, "!=" as const),
      fc.oneof(
        pair(str),
        pair(num),
        pair(fact("list")),
        pair(typed),
        fc.tuple(fc.oneof(str, num, fact("list"), typed), lit(fc.constant(null))),
      ),
    )
    .map(([op, [left, right]]): Ast => ({ kind: "cmp", op, left, right }));
  const contains = fc
    .tuple(fc.oneof(fact("list"), str), item)
    .map(([left, right]): Ast => ({ kind: "cmp", op: "contains", left, right }));
  const isIn = fc
    .tuple(item, fc.oneof(fact("list"), str))
    .map(([left, right]): Ast => ({ kind: "cmp", op: "in", left, right }));
  const junction = fc
    .tuple(fc.constantFrom("and" as const, "or" as const), any, any)
    .map(([kind, left, right]): Ast => ({ kind, left, right }));
  return {
    // Anything may stand where a truth value is read.
    any: fc.oneof({ depthSize: "small" }, fc.oneof(fact("list"), str, num, lit(fc.constant(null))), typed),
    // Expressions whose static type is boolean.
    typed: fc.oneof(
      { depthSize: "small" },
      fc.oneof(fact("boolean"), lit(fc.boolean())),
      equality,
      contains,
      isIn,
      any.map((operand): Ast => ({ kind: "not", operand })),
      junction,
    ),
  };
});

const fold = (v: string) => v.toLowerCase();
const truthy = (v: FactValue): boolean =>
  Array.isArray(v) || typeof v === "string" ? v.length > 0 : Boolean(v);
function same(a: FactValue, b: FactValue): boolean {
  if (typeof a === "string" && typeof b === "string") return fold(a) === fold(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]!));
  return a === b;
}
function holds(whole: FactValue, part: FactValue): boolean {
  if (typeof part !== "string" && typeof part !== "number") return false;
  if (Array.isArray(whole)) return whole.some((x) => fold(x) === fold(String(part)));
  return typeof whole === "string" && fold(whole).includes(fold(String(part)));
}
function value(ast: Ast, facts: Facts): FactValue {
  if (ast.kind === "lit") return ast.value;
  if (ast.kind === "fact") return facts[ast.name] ?? null;
  return reference(ast, facts);
}
/** The language's semantics, written independently of the implementation. */
function reference(ast: Ast, facts: Facts): boolean {
  switch (ast.kind) {
    case "lit":
    case "fact":
      return truthy(value(ast, facts));
    case "not":
      return !reference(ast.operand, facts);
    case "and":
      return reference(ast.left, facts) && reference(ast.right, facts);
    case "or":
      return reference(ast.left, facts) || reference(ast.right, facts);
    case "cmp": {
      const [l, r] = [value(ast.left, facts), value(ast.right, facts)];
      if (ast.op === "==") return same(l, r);
      if (ast.op === "!=") return !same(l, r);
      return ast.op === "contains" ? holds(l, r) : holds(r, l);
    }
  }
}

const PRECEDENCE = { or: 1, and: 2, not: 3, cmp: 4, lit: 5, fact: 5 } as const;
type Style = { words: boolean; quote: '"' | "'"; space: string; extraParens: boolean };
/** Prints with as few parentheses as precedence allows (or more, if `extraParens`). */
function print(ast: Ast, style: Style, min = 0): string {
  const s = style.space;
  const wrap = (text: string) =>
    PRECEDENCE[ast.kind] < min || (style.extraParens && ast.kind !== "lit") ? `(${s}${text}${s})` : text;
  switch (ast.kind) {
    case "lit":
      if (typeof ast.value !== "string") return String(ast.value);
      return (
        style.quote +
        ast.value.replace(/[\\'"]/g, (c) => (c === style.quote || c === "\\" ? `\\${c}` : c)) +
        style.quote
      );
    case "fact":
      return wrap(ast.name);
    case "not":
      return wrap(`${style.words ? "not " : "!"}${s}${print(ast.operand, style, 3)}`);
    case "and":
    case "or": {
      const op = style.words ? ` ${ast.kind} ` : ast.kind === "and" ? "&&" : "||";
      const p = PRECEDENCE[ast.kind];
      return wrap(`${print(ast.left, style, p)}${s}${op}${s}${print(ast.right, style, p + 1)}`);
    }
    case "cmp":
      return wrap(`${print(ast.left, style, 5)} ${ast.op} ${print(ast.right, style, 5)}`);
  }
}

const style = fc.record({
  words: fc.boolean(),
  quote: fc.constantFrom('"' as const, "'" as const),
  space: fc.constantFrom("", " ", "  ", "\n"),
  extraParens: fc.boolean(),
});
const listOf = fc.subarray(WORDS.filter(Boolean));
const factsArb: fc.Arbitrary<Facts> = fc.record(
  Object.fromEntries(
    Object.entries(KNOWN).map(([name, type]) => {
      const arb: fc.Arbitrary<FactValue> =
        type === "boolean"
          ? fc.boolean()
          : type === "list"
            ? listOf
            : type === "number"
              ? fc.constantFrom(0, 1, 2.5, -3)
              : fc.constantFrom(...WORDS);
      return [name, fc.oneof({ weight: 9, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) })];
    }),
  ),
);

describe("properties", () => {
  const fragments = fc.constantFrom(
    "(",
    ")",
    "&&",
    "||",
    "!",
    "==",
    "!=",
    " contains ",
    " in ",
    " and ",
    " not ",
    "=",
    "&",
    ".",
    " ",
    "request.stack",
    "request.needs_auth",
    "request.nope",
    "'x'",
    '"',
    "'",
    "\\",
    "true",
    "null",
    "-",
    "1",
    "2.5",
  );

  it("parseCondition never throws, and what parses evaluates and explains", () => {
    const source = fc.oneof(
      fc.string({ maxLength: 60, unit: "binary" }),
      fc.array(fragments, { maxLength: 40 }).map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(source, factsArb, (text, facts) => {
        const result = parseCondition(text);
        if (!result.ok) {
          expect(result.error.length).toBeGreaterThan(0);
          expect(result.offset).toBeGreaterThanOrEqual(0);
          expect(result.offset).toBeLessThanOrEqual(text.length);
          return;
        }
        const value = evaluateCondition(result.condition, facts);
        expect(typeof value).toBe("boolean");
        expect(explainCondition(result.condition, facts).length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it("a random well-formed tree, printed and parsed, evaluates as the tree does", () => {
    fc.assert(
      fc.property(bool, style, factsArb, (ast, how, facts) => {
        const source = print(ast, how);
        fc.pre(source.length <= MAX_CONDITION_LENGTH);
        const result = parseCondition(source, KNOWN);
        if (!result.ok && /nests too deeply/.test(result.error)) return;
        expect(result).toMatchObject({ ok: true });
        if (!result.ok) return;
        expect(evaluateCondition(result.condition, facts)).toBe(reference(ast, facts));
        const reason = explainCondition(result.condition, facts);
        expect(reason === `${source.trim()} is true`).toBe(reference(ast, facts));
      }),
      { numRuns: 1000 },
    );
  });
});
