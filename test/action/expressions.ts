/**
 * A reading of GitHub Actions expressions (the `if:` of a job, the body of `${{ … }}`) good enough
 * to evaluate a workflow's conditions against real webhook payloads: literals, property access
 * (`a.b`, `a['b']`, the object filter `a.*.b`), `!`, comparisons, `&&` / `||` (which yield one of
 * their operands), and the functions `contains`, `startsWith`, `endsWith`, `format`, `join`,
 * `fromJSON` and `toJSON`. As on GitHub: a missing property is `null`, strings compare without
 * regard to case, and operands of different types compare as numbers. Anything else throws, so a
 * condition this reading does not know fails its test rather than passing unread.
 */

type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

type Token =
  | { kind: "literal"; value: Value }
  | { kind: "name"; value: string }
  | { kind: "op"; value: string };

const OPERATORS = ["&&", "||", "==", "!=", "<=", ">=", "!", "<", ">", "(", ")", "[", "]", ",", ".", "*"];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest.startsWith("'")) {
      let value = "";
      let j = 1;
      for (;;) {
        if (j >= rest.length) throw new Error(`unterminated string in: ${text}`);
        if (rest[j] === "'" && rest[j + 1] === "'") {
          value += "'";
          j += 2;
        } else if (rest[j] === "'") break;
        else value += rest[j++];
      }
      tokens.push({ kind: "literal", value });
      i += j + 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number) {
      tokens.push({ kind: "literal", value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest);
    if (name) {
      const word = name[0];
      if (word === "true" || word === "false") tokens.push({ kind: "literal", value: word === "true" });
      else if (word === "null") tokens.push({ kind: "literal", value: null });
      else tokens.push({ kind: "name", value: word });
      i += word.length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (!op) throw new Error(`unexpected ${JSON.stringify(rest.slice(0, 10))} in: ${text}`);
    tokens.push({ kind: "op", value: op });
    i += op.length;
  }
  return tokens;
}

function truthy(v: Value): boolean {
  return !(v === null || v === false || v === 0 || v === "" || Number.isNaN(v));
}

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") return v.trim() === "" ? 0 : Number(v);
  return Number.NaN;
}

function toText(v: Value): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new Error("an object or array used as a string");
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (a === null && b === null) return true;
  if (typeof a === "object" || typeof b === "object") return a === b;
  return toNumber(a) === toNumber(b);
}

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  contains: (search, item) =>
    Array.isArray(search)
      ? search.some((e) => equal(e, item))
      : toText(search).toLowerCase().includes(toText(item).toLowerCase()),
  startsWith: (s, v) => toText(s).toLowerCase().startsWith(toText(v).toLowerCase()),
  endsWith: (s, v) => toText(s).toLowerCase().endsWith(toText(v).toLowerCase()),
  format: (f, ...args) => toText(f).replace(/\{(\d+)\}/g, (_, n: string) => toText(args[Number(n)] ?? null)),
  join: (a, sep = ",") => (Array.isArray(a) ? a.map(toText).join(toText(sep)) : toText(a)),
  fromJSON: (s) => JSON.parse(toText(s)) as Value,
  toJSON: (v) => JSON.stringify(v, null, 2),
};

/** Evaluates `expression` (without `${{ }}`) with `contexts` (`github`, `inputs`, …). */
export function evaluate(expression: string, contexts: Record<string, unknown>): Value {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = (value?: string) => {
    const t = tokens[at];
    return t !== undefined && (value === undefined || (t.kind === "op" && t.value === value));
  };
  const expect = (value: string) => {
    if (!peek(value)) throw new Error(`expected ${value} at token ${at} of: ${expression}`);
    at++;
  };

  const or = (): Value => {
    let left = and();
    while (peek("||")) {
      at++;
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const and = (): Value => {
    let left = equality();
    while (peek("&&")) {
      at++;
      const right = equality();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const equality = (): Value => {
    let left = comparison();
    while (peek("==") || peek("!=")) {
      const op = (tokens[at++] as { value: string }).value;
      const right = comparison();
      left = op === "==" ? equal(left, right) : !equal(left, right);
    }
    return left;
  };
  const comparison = (): Value => {
    let left = unary();
    while (peek("<") || peek("<=") || peek(">") || peek(">=")) {
      const op = (tokens[at++] as { value: string }).value;
      const [a, b] = [toNumber(left), toNumber(unary())];
      left = op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
    }
    return left;
  };
  const unary = (): Value => {
    if (peek("!")) {
      at++;
      return !truthy(unary());
    }
    return postfix(primary());
  };
  /** Property access; after an object filter (`*`) it applies to each element. */
  const postfix = (start: Value): Value => {
    let value = start;
    let filtered = false;
    const get = (v: Value, key: string): Value => {
      if (v === null || typeof v !== "object") return null;
      if (Array.isArray(v)) return /^\d+$/.test(key) ? (v[Number(key)] ?? null) : null;
      const found = Object.keys(v).find((k) => k.toLowerCase() === key.toLowerCase());
      return found === undefined ? null : (v[found] ?? null);
    };
    const step = (key: string) => {
      value = filtered && Array.isArray(value) ? value.map((e) => get(e, key)) : get(value, key);
    };
    for (;;) {
      if (peek(".")) {
        at++;
        const t = tokens[at++];
        if (t?.kind === "op" && t.value === "*") {
          value = Array.isArray(value)
            ? value
            : value !== null && typeof value === "object"
              ? Object.values(value)
              : [];
          filtered = true;
        } else if (t?.kind === "name") step(t.value);
        else throw new Error(`expected a property name at token ${at} of: ${expression}`);
      } else if (peek("[")) {
        at++;
        const key = or();
        expect("]");
        step(toText(key));
      } else return value;
    }
  };
  const primary = (): Value => {
    const t = tokens[at++];
    if (!t) throw new Error(`unexpected end of: ${expression}`);
    if (t.kind === "literal") return t.value;
    if (t.kind === "op" && t.value === "(") {
      const value = or();
      expect(")");
      return value;
    }
    if (t.kind === "name") {
      if (peek("(")) {
        const fn = FUNCTIONS[t.value];
        if (!fn) throw new Error(`function ${t.value} is not read here: ${expression}`);
        at++;
        const args: Value[] = [];
        while (!peek(")")) {
          args.push(or());
          if (peek(",")) at++;
        }
        expect(")");
        return fn(...args);
      }
      if (!(t.value in contexts)) throw new Error(`context ${t.value} is not given: ${expression}`);
      return (contexts[t.value] ?? null) as Value;
    }
    throw new Error(`unexpected ${t.value} at token ${at - 1} of: ${expression}`);
  };

  const value = or();
  if (at !== tokens.length) throw new Error(`unexpected ${JSON.stringify(tokens[at])} in: ${expression}`);
  return value;
}

/** A workflow value with `${{ … }}` in it, as the runner expands it (a whole-value expression keeps its type). */
export function expand(template: string, contexts: Record<string, unknown>): Value {
  const whole = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(template);
  if (whole && !whole[1]!.includes("}}")) return evaluate(whole[1]!, contexts);
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) => toText(evaluate(e, contexts)));
}

/** A job's `if:`, which may be written with or without `${{ }}`: whether the job runs. */
export function condition(text: string, contexts: Record<string, unknown>): boolean {
  return truthy(/^\s*\$\{\{/.test(text) ? expand(text, contexts) : evaluate(text, contexts));
}
