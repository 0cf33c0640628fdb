import { didYouMean } from "./did-you-mean.ts";
import { FACT_TYPES, type Facts, type FactValue } from "./facts.ts";

/** The type of a fact a condition can name. */
export type FactType = "string" | "boolean" | "list" | "number";

/** A parsed, checked `when` condition. Only `source` is public; the syntax tree inside is opaque. */
export interface Condition {
  readonly source: string;
}

/** Outcome of {@link parseCondition}: the condition and the facts it reads, or an error and its offset. */
export type ConditionResult =
  | { ok: true; condition: Condition; identifiers: string[] }
  | { ok: false; error: string; offset: number };

/** Longest condition source accepted, in characters. */
export const MAX_CONDITION_LENGTH = 1000;
/** Deepest nesting of parentheses and negations accepted. */
export const MAX_CONDITION_DEPTH = 32;

type Op = "==" | "!=" | "contains" | "in";
type Span = { start: number; end: number };
type Node = Span &
  (
    | { kind: "literal"; value: string | number | boolean | null }
    | { kind: "fact"; name: string }
    | { kind: "not"; operand: Node }
    | { kind: "and" | "or"; operands: Node[] }
    | { kind: "compare"; op: Op; left: Node; right: Node }
  );
interface ParsedCondition extends Condition {
  readonly ast: Node;
}

type Literal = "string" | "number" | "true" | "false" | "null";
type Kind = "(" | ")" | "&&" | "||" | "!" | Op | Literal | "name" | "end";
interface Token extends Span {
  kind: Kind;
  text: string;
  value?: string | number;
}

const WORDS: Record<string, Kind> = { and: "&&", or: "||", not: "!", contains: "contains", in: "in" };
for (const word of ["true", "false", "null"] as const) WORDS[word] = word;
/** Longest first, so `!=` is not read as `!`. */
const SYMBOLS = ["&&", "||", "==", "!=", "!", "(", ")"] as const;
const STARTS_EXPRESSION = new Set<Kind>(["(", "!", "name", "string", "number", "true", "false", "null"]);
const ESCAPES = new Set(['"', "'", "\\"]);

class ConditionError {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

const at = (offset: number): string => `at column ${offset + 1}`;

/**
 * Parses and checks a condition. Unknown identifiers are errors (with a "did you mean" from `known`),
 * and so are operators applied to facts of the wrong type (`contains` on a boolean). Never throws.
 */
export function parseCondition(
  source: string,
  known: Record<string, FactType> = FACT_TYPES,
): ConditionResult {
  if (typeof source !== "string") return { ok: false, error: "a condition must be a string", offset: 0 };
  if (source.length > MAX_CONDITION_LENGTH) {
    const error = `condition is too long (${source.length} characters; at most ${MAX_CONDITION_LENGTH})`;
    return { ok: false, error, offset: MAX_CONDITION_LENGTH };
  }
  try {
    const parser = new Parser(source, tokenize(source), known);
    const condition: ParsedCondition = { source, ast: parser.parseAll() };
    return { ok: true, condition, identifiers: parser.identifiers };
  } catch (error) {
    if (error instanceof ConditionError) return { ok: false, error: error.message, offset: error.offset };
    throw error;
  }
}

/** Evaluates a condition against facts. A fact missing from `facts` reads as `null`. */
export function evaluateCondition(condition: Condition, facts: Facts): boolean {
  return test(astOf(condition), facts);
}

/**
 * Explains why a condition evaluated false, e.g. `request.needs_auth is false` — used as a phase's
 * skip reason. For a condition that holds, says so (`<source> is true`).
 */
export function explainCondition(condition: Condition, facts: Facts): string {
  const ast = astOf(condition);
  if (test(ast, facts)) return `${condition.source.trim()} is true`;
  return because(ast, facts, condition.source);
}

function astOf(condition: Condition): Node {
  const ast = (condition as Partial<ParsedCondition>).ast;
  if (ast) return ast;
  // A bare `{ source }` (e.g. read back from storage): parse it again, without the identifier check.
  try {
    return new Parser(condition.source, tokenize(condition.source), undefined).parseAll();
  } catch (error) {
    const reason = error instanceof ConditionError ? error.message : String(error);
    throw new Error(`invalid condition "${condition.source}": ${reason}`);
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    const symbol = SYMBOLS.find((text) => source.startsWith(text, i));
    if (symbol) {
      i += symbol.length;
      tokens.push({ kind: symbol, text: symbol, start, end: i });
    } else if (ch === '"' || ch === "'") {
      let value = "";
      for (i++; source[i] !== ch; i++) {
        if (i >= source.length) throw new ConditionError(`unterminated string starting ${at(start)}`, start);
        if (source[i] === "\\") {
          const escaped = source[i + 1];
          if (escaped === undefined || !ESCAPES.has(escaped)) {
            throw new ConditionError(`unknown escape "\\${escaped ?? ""}" in string ${at(i)}`, i);
          }
          i++;
        }
        value += source[i];
      }
      i++;
      tokens.push({ kind: "string", text: source.slice(start, i), value, start, end: i });
    } else if (/[0-9]/.test(ch) || (ch === "-" && /[0-9]/.test(source[i + 1] ?? ""))) {
      const text = /^-?[0-9]+(?:\.[0-9]+)?/.exec(source.slice(i))![0];
      i += text.length;
      tokens.push({ kind: "number", text, value: Number(text), start, end: i });
    } else if (/[A-Za-z_]/.test(ch)) {
      const text = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]*)*/.exec(source.slice(i))![0];
      if (/\.(?![A-Za-z_])|\.$/.test(text)) {
        throw new ConditionError(`incomplete identifier "${text}" ${at(start)}`, start);
      }
      i += text.length;
      const word = text.toLowerCase();
      const kind = Object.hasOwn(WORDS, word) ? WORDS[word]! : "name";
      tokens.push({ kind, text, start, end: i });
    } else {
      const hint = "=&|".includes(ch) ? ` (did you mean "${ch === "=" ? "==" : ch + ch}"?)` : "";
      throw new ConditionError(`unexpected "${ch}" ${at(i)}${hint}`, i);
    }
  }
  tokens.push({ kind: "end", text: "", start: source.length, end: source.length });
  return tokens;
}

class Parser {
  /** Facts named, in order of first appearance. */
  readonly identifiers: string[] = [];
  private pos = 0;
  private depth = 0;

  /** Without `known`, identifiers and types go unchecked. */
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly known: Record<string, FactType> | undefined,
  ) {}

  parseAll(): Node {
    if (this.peek().kind === "end") throw new ConditionError("empty condition", 0);
    const node = this.parseOr();
    if (this.peek().kind !== "end") throw this.unexpected(this.peek());
    return node;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private unexpected(token: Token, hint = ""): ConditionError {
    if (token.kind === "end") return new ConditionError("unexpected end of condition", token.start);
    const suggestion =
      token.kind === "name" ? didYouMean(token.text, ["and", "or", "not", "contains", "in"]) : undefined;
    const extra = suggestion ? ` (did you mean "${suggestion}"?)` : hint;
    return new ConditionError(`unexpected "${token.text}" ${at(token.start)}${extra}`, token.start);
  }

  /** Checks that an operand follows `operator`, then parses it. */
  private operand(operator: Token, parse: () => Node): Node {
    const token = this.peek();
    if (!STARTS_EXPRESSION.has(token.kind)) {
      throw new ConditionError(
        `expected an expression after "${operator.text}" ${at(token.start)}`,
        token.start,
      );
    }
    return parse();
  }

  private nest(token: Token): void {
    if (++this.depth > MAX_CONDITION_DEPTH) {
      const error = `condition nests too deeply (more than ${MAX_CONDITION_DEPTH} levels) ${at(token.start)}`;
      throw new ConditionError(error, token.start);
    }
  }

  private parseList(kind: "&&" | "||", parse: () => Node): Node {
    const operands = [parse()];
    while (this.peek().kind === kind) operands.push(this.operand(this.next(), parse));
    if (operands.length === 1) return operands[0]!;
    const [first, last] = [operands[0]!, operands.at(-1)!];
    return { kind: kind === "&&" ? "and" : "or", operands, start: first.start, end: last.end };
  }

  private parseOr(): Node {
    return this.parseList("||", () => this.parseAnd());
  }

  private parseAnd(): Node {
    return this.parseList("&&", () => this.parseNot());
  }

  private parseNot(): Node {
    if (this.peek().kind !== "!") return this.parseCompare();
    const bang = this.next();
    this.nest(bang);
    const operand = this.operand(bang, () => this.parseNot());
    this.depth--;
    return { kind: "not", operand, start: bang.start, end: operand.end };
  }

  private parseCompare(): Node {
    const left = this.parsePrimary();
    const kind = this.peek().kind;
    if (kind !== "==" && kind !== "!=" && kind !== "contains" && kind !== "in") return left;
    const opToken = this.next();
    const right = this.operand(opToken, () => this.parsePrimary());
    this.checkTypes(kind, opToken, left, right);
    const after = this.peek();
    if (["==", "!=", "contains", "in"].includes(after.kind)) {
      throw this.unexpected(after, " (comparisons do not chain; use parentheses)");
    }
    return { kind: "compare", op: kind, left, right, start: left.start, end: right.end };
  }

  private parsePrimary(): Node {
    const token = this.next();
    const { start, end } = token;
    switch (token.kind) {
      case "(": {
        this.nest(token);
        const inner = this.operand(token, () => this.parseOr());
        const close = this.next();
        if (close.kind !== ")") {
          if (close.kind === "end") {
            throw new ConditionError(`missing ")" to close the "(" ${at(start)}`, close.start);
          }
          throw this.unexpected(close);
        }
        this.depth--;
        return { ...inner, start, end: close.end };
      }
      case "name":
        this.checkIdentifier(token);
        return { kind: "fact", name: token.text, start, end };
      case "string":
      case "number":
        return { kind: "literal", value: token.value!, start, end };
      case "true":
      case "false":
        return { kind: "literal", value: token.kind === "true", start, end };
      case "null":
        return { kind: "literal", value: null, start, end };
      default:
        throw this.unexpected(token);
    }
  }

  private checkIdentifier(token: Token): void {
    const name = token.text;
    if (this.known && !Object.hasOwn(this.known, name)) {
      const names = Object.keys(this.known);
      const suggestion = didYouMean(name, names) ?? names.find((known) => known.endsWith(`.${name}`));
      const quote = name.includes(".") ? "" : ` (to mean the text "${name}", put it in quotes)`;
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : quote;
      throw new ConditionError(`unknown identifier "${name}"${hint}`, token.start);
    }
    if (!this.identifiers.includes(name)) this.identifiers.push(name);
  }

  private typeOf(node: Node): FactType | "null" | undefined {
    if (node.kind === "fact") return this.known?.[node.name];
    if (node.kind !== "literal") return "boolean";
    return node.value === null ? "null" : (typeof node.value as "string" | "number" | "boolean");
  }

  private checkTypes(op: Op, opToken: Token, left: Node, right: Node): void {
    const where = at(opToken.start);
    const describe = (node: Node, type: string): string => {
      const name = node.kind === "fact" ? node.name : this.source.slice(node.start, node.end);
      return type === "null" ? "null" : `${name} (a ${type})`;
    };
    const fail = (message: string): never => {
      throw new ConditionError(message, opToken.start);
    };
    if (op === "contains" || op === "in") {
      const [subject, item] = op === "in" ? [right, left] : [left, right];
      const [side, itemSide] = op === "in" ? ["right", "left"] : ["left", "right"];
      const subjectType = this.typeOf(subject);
      if (subjectType !== undefined && subjectType !== "list" && subjectType !== "string") {
        fail(
          `"${opToken.text}" needs a list or a string on its ${side}, not ${describe(subject, subjectType)} ${where}`,
        );
      }
      const itemType = this.typeOf(item);
      if (itemType !== undefined && itemType !== "string" && itemType !== "number") {
        fail(
          `"${opToken.text}" needs a string or a number on its ${itemSide}, not ${describe(item, itemType)} ${where}`,
        );
      }
      return;
    }
    const [a, b] = [this.typeOf(left), this.typeOf(right)];
    if (a && b && a !== "null" && b !== "null" && a !== b) {
      const hint =
        a === "list" || b === "list" ? ' (use "contains" to test whether a list holds a value)' : "";
      fail(
        `cannot compare ${describe(left, a)} with ${describe(right, b)} using "${opToken.text}" ${where}${hint}`,
      );
    }
  }
}

const isList = (value: FactValue | undefined): value is readonly string[] => Array.isArray(value);
const fold = (text: string): string => text.toLowerCase();

function read(node: Node, facts: Facts): FactValue {
  if (node.kind === "literal") return node.value;
  if (node.kind === "fact") return Object.hasOwn(facts, node.name) ? (facts[node.name] ?? null) : null;
  return test(node, facts);
}

function truthy(value: FactValue): boolean {
  if (value === null) return false;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  if (typeof value === "boolean") return value;
  return value.length > 0;
}

function equal(a: FactValue, b: FactValue): boolean {
  if (typeof a === "string" && typeof b === "string") return fold(a) === fold(b);
  if (isList(a) && isList(b)) return a.length === b.length && a.every((item, i) => equal(item, b[i] ?? null));
  return a === b;
}

function contains(subject: FactValue, item: FactValue): boolean {
  if (typeof item !== "string" && typeof item !== "number") return false;
  const needle = fold(String(item));
  if (isList(subject))
    return subject.some((element) => typeof element === "string" && fold(element) === needle);
  return typeof subject === "string" && fold(subject).includes(needle);
}

function test(node: Node, facts: Facts): boolean {
  switch (node.kind) {
    case "literal":
    case "fact":
      return truthy(read(node, facts));
    case "not":
      return !test(node.operand, facts);
    case "and":
      return node.operands.every((operand) => test(operand, facts));
    case "or":
      return node.operands.some((operand) => test(operand, facts));
    case "compare": {
      const [left, right] = [read(node.left, facts), read(node.right, facts)];
      if (node.op === "==") return equal(left, right);
      if (node.op === "!=") return !equal(left, right);
      return node.op === "contains" ? contains(left, right) : contains(right, left);
    }
  }
}

function show(value: FactValue): string {
  if (typeof value === "string") return value === "" ? "empty" : JSON.stringify(value);
  if (isList(value)) return value.length === 0 ? "empty" : JSON.stringify(value);
  return String(value);
}

const PHRASES: Record<Op, [string, string]> = {
  "==": ["equals", "does not equal"],
  "!=": ["does not equal", "equals"],
  contains: ["contains", "does not contain"],
  in: ["is in", "is not in"],
};

/** Says why `node` has the value it has, naming the facts responsible. */
function because(node: Node, facts: Facts, source: string): string {
  const value = test(node, facts);
  const text = (n: Node): string => (n.kind === "fact" ? n.name : source.slice(n.start, n.end));
  switch (node.kind) {
    case "literal":
      return `${text(node)} is always ${value}`;
    case "fact":
      return Object.hasOwn(facts, node.name)
        ? `${node.name} is ${show(read(node, facts))}`
        : `${node.name} is not set`;
    case "not":
      return because(node.operand, facts, source);
    case "and":
    case "or": {
      // The decisive operand if one settles it, otherwise every operand.
      const decisive = node.operands.find((operand) => test(operand, facts) === (node.kind === "or"));
      const reasons = decisive ? [decisive] : node.operands;
      return reasons.map((operand) => because(operand, facts, source)).join(" and ");
    }
    case "compare": {
      const phrase = `${text(node.left)} ${PHRASES[node.op][value ? 0 : 1]} ${text(node.right)}`;
      const values = [node.left, node.right]
        .filter((n) => n.kind === "fact")
        .map((n) => because(n, facts, source));
      return values.length > 0 ? `${phrase} (${values.join(", ")})` : phrase;
    }
  }
}
