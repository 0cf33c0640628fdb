import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar } from "yaml";
import type { Problem } from "./problem.ts";

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
  children: Map<Key, Origin>;
}

/** A parsed YAML document: its plain data, where each part came from, and its syntax problems. */
export interface ParsedYaml {
  data: unknown;
  origin: Origin;
  problems: Problem[];
}

/** Parses YAML text, collecting every syntax error as a problem with its line and column. */
export function parseYaml(text: string, name: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source: SourceText = { name, text, lines };
  const problems: Problem[] = doc.errors.map((error) => ({
    ...position(source, error.pos[0]),
    path: "",
    message: `YAML syntax: ${error.message.split("\n")[0]}`,
  }));
  const origin = originOf(doc.contents, source, 0, []);
  if (problems.length > 0) return { data: undefined, origin, problems };
  return { data: doc.toJS({ maxAliasCount: 100 }), origin, problems };
}

/** The file, line and column of an offset in a source. */
export function position(source: SourceText, offset: number): Pick<Problem, "file" | "line" | "column"> {
  const { line, col } = source.lines.linePos(offset);
  return { file: source.name, line, column: col };
}

function originOf(node: unknown, source: SourceText, fallback: number, path: Key[], keyAt?: number): Origin {
  const range = hasRange(node) ? node.range : undefined;
  const origin: Origin = { source, at: range ? range[0] : fallback, path, children: new Map() };
  if (keyAt !== undefined) origin.keyAt = keyAt;
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key;
      if (!isScalar(keyNode)) continue;
      const key = String(keyNode.value);
      const keyStart = keyNode.range?.[0] ?? origin.at;
      origin.children.set(key, originOf(pair.value, source, keyStart, [...path, key], keyStart));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      origin.children.set(index, originOf(item, source, origin.at, [...path, index]));
    });
  } else if (isScalar(node) && typeof node.value === "string" && range) {
    const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
    const start = quoted ? range[0] + 1 : range[0];
    if (node.type === Scalar.PLAIN || quoted) {
      if (source.text.slice(start, start + node.value.length) === node.value) origin.textAt = start;
    }
  }
  return origin;
}

function hasRange(node: unknown): node is { range: [number, number, number] } {
  return typeof node === "object" && node !== null && Array.isArray((node as { range?: unknown }).range);
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
