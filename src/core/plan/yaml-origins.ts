import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type YAMLWarning } from "yaml";
import { formatPath, type Problem } from "./problem.ts";

/** A field path: map keys as strings, sequence indices as numbers. */
export type Key = string | number;

/** A YAML text being loaded, with what is needed to turn offsets into lines and columns. */
export interface SourceText {
  /** File name used in problems. */
  name: string;
  text: string;
  lines: LineCounter;
}

/**
 * Where a value came from: its file and offsets, and the same for its children, keyed like the
 * JavaScript value (map keys as strings, sequence indices as numbers).
 */
export interface Origin {
  source: SourceText;
  /** Offset of the value node (of the key when the value is empty). */
  at: number;
  /**
   * The value's path in the file that wrote it. After `extends`, a phase's place in the merged
   * plan differs from its place in the file, and problems name the place a reader finds in the file.
   */
  path: Key[];
  /** Offset of the key naming this value in its parent map. */
  keyAt?: number;
  /** Offset of the first character of a scalar's text when it reads exactly as its value. */
  textAt?: number;
  /** The text of an unquoted scalar that YAML read as a number or a boolean (`1.10`, `true`). */
  plain?: string;
  children: Map<Key, Origin>;
}

/** A parsed YAML document: its plain data, where each part came from, and its problems. */
export interface ParsedYaml {
  /** The document's value; `undefined` when a syntax error leaves no value to check. */
  data: unknown;
  origin: Origin;
  /**
   * Syntax errors (then `data` is `undefined`), and the places where YAML read the text differently
   * from what it looks like (an unquoted `!` taken as a tag): `data` holds YAML's reading there.
   */
  problems: Problem[];
}

/**
 * Warnings after which the data reads the same as the text looks: a flow collection's closing
 * bracket indented less than its parent, an unknown `%` directive. Every other YAML warning means
 * YAML read part of the text as something else, so it is a problem.
 */
const HARMLESS_WARNINGS: ReadonlySet<string> = new Set(["BAD_INDENT", "BAD_DIRECTIVE"]);

/** Parses YAML text, collecting every syntax error as a problem with its line and column. */
export function parseYaml(text: string, name: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source: SourceText = { name, text, lines };
  const problems: Problem[] = doc.errors.map((error) => ({
    ...position(source, error.pos[0]),
    path: "",
    message: `YAML syntax: ${firstLine(error.message)}`,
  }));
  const tagged: Tagged[] = [];
  const reserved: Reserved[] = [];
  const origin = originOf(doc.contents, source, 0, [], tagged, reserved);
  if (problems.length > 0) return { data: undefined, origin, problems };
  const warnings = doc.warnings.filter((warning) => !HARMLESS_WARNINGS.has(warning.code));
  const data = doc.toJS({ maxAliasCount: 100 });
  return {
    data,
    origin,
    problems: [
      ...warnings.map((warning) => warningProblem(warning, source, tagged)),
      ...reserved.map(({ path, at }) => ({
        ...position(source, at),
        path: formatPath(path),
        message: `a key may not be named "${RESERVED_KEY}"`,
        hint: `JavaScript takes "${RESERVED_KEY}" for an object's prototype, not for a name: rename it`,
      })),
    ],
  };
}

/**
 * The one map key a plan may not use: read into an object, `__proto__` names its prototype, so
 * an agent, output or matrix key of that name is lost or finds what every object inherits.
 */
const RESERVED_KEY = "__proto__";

/** A map key named `RESERVED_KEY`: its path and where the key is written. */
interface Reserved {
  path: Key[];
  at: number;
}

/** The file, line and column of an offset in a source. */
export function position(source: SourceText, offset: number): Pick<Problem, "file" | "line" | "column"> {
  const { line, col } = source.lines.linePos(offset);
  return { file: source.name, line, column: col };
}

/** A value node written with a tag (`!name` or `!!type`): where it is and how it reads. */
interface Tagged {
  path: Key[];
  /** Offset where the value itself starts (after its tag and anchor). */
  start: number;
  /** Offset where the value ends. */
  end: number;
  /** A scalar written without quotes (possibly empty): the tag and its text were meant as one string. */
  plain: boolean;
}

function originOf(
  node: unknown,
  source: SourceText,
  fallback: number,
  path: Key[],
  tagged: Tagged[],
  reserved: Reserved[],
  keyAt?: number,
): Origin {
  const range = hasRange(node) ? node.range : undefined;
  const origin: Origin = { source, at: range ? range[0] : fallback, path, children: new Map() };
  if (keyAt !== undefined) origin.keyAt = keyAt;
  if (range && hasTag(node)) {
    const plain = isScalar(node) && node.type === Scalar.PLAIN;
    tagged.push({ path, start: range[0], end: range[1], plain });
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key;
      if (!isScalar(keyNode)) continue;
      const key = String(keyNode.value);
      const keyStart = keyNode.range?.[0] ?? origin.at;
      if (key === RESERVED_KEY) reserved.push({ path: [...path, key], at: keyStart });
      origin.children.set(
        key,
        originOf(pair.value, source, keyStart, [...path, key], tagged, reserved, keyStart),
      );
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      origin.children.set(index, originOf(item, source, origin.at, [...path, index], tagged, reserved));
    });
  } else if (isScalar(node) && range) {
    if (typeof node.value === "string") {
      const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
      const start = quoted ? range[0] + 1 : range[0];
      if (node.type === Scalar.PLAIN || quoted) {
        if (source.text.slice(start, start + node.value.length) === node.value) origin.textAt = start;
      }
    } else if (
      node.type === Scalar.PLAIN &&
      (typeof node.value === "number" || typeof node.value === "boolean")
    ) {
      origin.plain = source.text.slice(range[0], range[1]);
    }
  }
  return origin;
}

function hasRange(node: unknown): node is { range: [number, number, number] } {
  return typeof node === "object" && node !== null && Array.isArray((node as { range?: unknown }).range);
}

function hasTag(node: unknown): boolean {
  return typeof node === "object" && node !== null && typeof (node as { tag?: unknown }).tag === "string";
}

/** Warnings about a tag: YAML dropped the tag and kept the value after it. */
const TAG_WARNINGS: ReadonlySet<string> = new Set(["TAG_RESOLVE_FAILED", "BAD_COLLECTION_TYPE"]);

/** What may stand between a tag and its value: spaces, line breaks, comments, an anchor. */
const PROPERTIES_ONLY = /^(?:\s|#[^\n]*|&\S*)*$/;

/**
 * A YAML warning as a problem at the text YAML misread. A tag applies to the value written right
 * after it; a tag on a map key has no value node of its own, and is reported without a path.
 */
function warningProblem(warning: YAMLWarning, source: SourceText, tagged: Tagged[]): Problem {
  const [from, to] = warning.pos;
  const at = position(source, from);
  const reason = `YAML: ${firstLine(warning.message)}`;
  if (!TAG_WARNINGS.has(warning.code))
    return { ...at, path: "", message: reason, hint: "quote the value so that YAML reads it as written" };
  const target = tagged
    .filter((entry) => entry.start >= to && PROPERTIES_ONLY.test(source.text.slice(to, entry.start)))
    .reduce<Tagged | undefined>(
      (best, entry) => (best && best.start <= entry.start ? best : entry),
      undefined,
    );
  const path = target ? formatPath(target.path) : "";
  const tag = source.text.slice(from, to);
  // `!name` starting a value is how a negated condition reads: it was meant as text.
  const local = tag.startsWith("!") && !tag.startsWith("!!");
  const message = local ? `YAML read ${tag} as a tag` : reason;
  const hint =
    local && target?.plain
      ? quoteHint(source.text.slice(from, target.end), target.path)
      : "remove the tag: a plan gives tags no meaning";
  return { ...at, path, message, hint };
}

/** How to write a tag and the plain text after it as the one string they were meant to be. */
function quoteHint(written: string, path: Key[]): string {
  const text = written.trim().replace(/\s*\n\s*/g, " ");
  const key = path[path.length - 1];
  const what = key === "when" ? "the condition" : "the value";
  const prefix = typeof key === "string" ? `${key}: ` : "";
  return `quote ${what}: ${prefix}${JSON.stringify(text)}`;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!;
}

/** The origin of the deepest node along `path` that exists. */
export function locate(root: Origin, path: readonly Key[]): Origin {
  let origin = root;
  for (const key of path) {
    const next = origin.children.get(key);
    if (!next) break;
    origin = next;
  }
  return origin;
}

/**
 * Where `path` (a path in the plan being checked, merged over its template or not) is in the file
 * that wrote it: the file's own path of the deepest node along `path` that exists, followed by the
 * rest of `path`.
 */
export function pathInFile(root: Origin, path: readonly Key[]): Key[] {
  let origin = root;
  let depth = 0;
  for (const key of path) {
    const next = origin.children.get(key);
    if (!next) break;
    origin = next;
    depth++;
  }
  return [...origin.path, ...path.slice(depth)];
}
