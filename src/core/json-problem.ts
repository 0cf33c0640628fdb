import type { z } from "zod";

/**
 * Describes why `text` is not valid JSON, with the place (1-based): `expected "," or "}", found
 * "]" (line 4 column 7)`. With `singleLine`, only the column is given (for one line of a file).
 * Falls back to `error`'s own message if the place cannot be found.
 */
export function jsonProblem(text: string, error: unknown, options: { singleLine?: boolean } = {}): string {
  const found = firstJsonError(text);
  if (!found) return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ");
  const before = text.slice(0, found.at);
  const column = found.at - before.lastIndexOf("\n");
  const place = options.singleLine
    ? `column ${column}`
    : `line ${before.split("\n").length} column ${column}`;
  const what =
    found.at >= text.length ? "the end of the text" : JSON.stringify(text.slice(found.at, found.at + 1));
  return `expected ${found.expected}, found ${what} (${place})`;
}

/** One schema issue as `path.to[0].key: message` (`(top level): message` for the value itself). */
export function issueText(issue: z.core.$ZodIssue): string {
  let path = "";
  for (const key of issue.path) {
    if (typeof key === "number") path += `[${key}]`;
    else path += path === "" ? String(key) : `.${String(key)}`;
  }
  return `${path === "" ? "(top level)" : path}: ${issue.message}`;
}

class Stop {
  constructor(
    readonly at: number,
    readonly expected: string,
  ) {}
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** The offset of the first error in `text` by the JSON grammar, and what was expected there. */
function firstJsonError(text: string): Stop | undefined {
  let i = 0;
  const fail = (expected: string): never => {
    throw new Stop(i, expected);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('a closing "');
      else if (c === '"') {
        i++;
        return;
      } else if (c === "\\") {
        const next = text[i + 1] ?? "";
        if ('"\\/bfnrt'.includes(next) && next !== "") i += 2;
        else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail("a valid escape");
      } else if (c < " ") fail("an escaped control character");
      else i++;
    }
  };
  const list = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === ",") i++;
      else if (text[i] === close) {
        i++;
        return;
      } else fail(`"," or "${close}"`);
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") list("}", member);
    else if (c === "[") list("]", value);
    else if (c === '"') string();
    else i += literalLength();
  };
  const member = () => {
    space();
    if (text[i] !== '"') fail("a property name in double quotes");
    string();
    space();
    if (text[i] !== ":") fail('":"');
    i++;
    value();
  };
  const literalLength = (): number => {
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number) return number[0].length;
    const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
    return word ? word.length : fail("a value");
  };
  try {
    value();
    space();
    if (i < text.length) fail("the end");
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return error;
    return undefined; // nesting too deep to scan
  }
}
