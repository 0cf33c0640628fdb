import { canonicalKey, type KnownKey, normalizeKey } from "./canonical-key.ts";

/** What {@link readFields} finds in a request body. */
export interface ReadFieldsResult {
  /** Fields in the order found; known keys in English, others lower-cased as written. */
  fields: Map<string, string>;
  /** Lines that belong to no field: the free text of the request. */
  loose: string[];
  /** True when at least one heading or `key: value` line was found. */
  structured: boolean;
}

/** The value GitHub renders for an issue-form field left empty. */
export const NO_RESPONSE = "_No response_";

const MAX_KEY_LENGTH = 40;
const MAX_UNKNOWN_KEY_LENGTH = 32;
const MAX_UNKNOWN_KEY_WORDS = 3;
const MAX_HEADING_LENGTH = 64;
const MAX_FIELDS = 200;
const KEY_SHAPE = /^\p{L}[\p{L}\p{N} ._-]*$/u;
const ENDS_WITH_LETTER = /\p{L}$/u;
const APPENDING_KEYS: ReadonlySet<string> = new Set<KnownKey>(["requirements", "stack", "notes"]);

interface KeyLine {
  key: string;
  known: boolean;
  value: string;
}

interface OpenField {
  key: string;
  first: string;
  lines: string[];
  sawBlank: boolean;
}

/**
 * Splits a cleaned request body into fields and free text. Understands issue-form sections
 * (`### Label` followed by the value; `_No response_` is empty), `key: value` lines whose value may
 * continue on following bullet lines (or on any following lines when the key line has no value),
 * and one-line lists where a comma or semicolon followed by a known key starts a new field
 * (`프로젝트: X, 요구: A + B, 스택: C`). Lines inside fenced code blocks are never keys or headings.
 * Unknown keys are accepted when they are short (at most three words) and not bulleted.
 */
export function readFields(text: string): ReadFieldsResult {
  const result: ReadFieldsResult = { fields: new Map(), loose: [], structured: false };
  const preamble: string[] = [];
  let section: { label: string; lines: string[] } | undefined;
  const sections: { label: string; lines: string[] }[] = [];
  let fence = false;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) fence = !fence;
    const label = fence ? undefined : headingOf(line);
    if (label !== undefined && label.length > 0 && label.length <= MAX_HEADING_LENGTH) {
      section = { label, lines: [] };
      sections.push(section);
      continue;
    }
    const content = label !== undefined ? label : line;
    (section ? section.lines : preamble).push(content);
  }
  readLines(preamble, result);
  for (const { label, lines } of sections) {
    result.structured = true;
    const key = canonicalKey(label);
    if (key) {
      setField(result.fields, key, lines.join("\n"));
      continue;
    }
    const inner: ReadFieldsResult = { fields: result.fields, loose: [], structured: false };
    const before = result.fields.size;
    readLines(lines, inner);
    if (!inner.structured && result.fields.size === before)
      setField(result.fields, normalizeKey(label), lines.join("\n"));
    else result.loose.push(...inner.loose);
  }
  return result;
}

function readLines(lines: readonly string[], out: ReadFieldsResult): void {
  let open: OpenField | undefined;
  let fence = false;
  const close = () => {
    if (open) setField(out.fields, open.key, [open.first, ...open.lines].join("\n"));
    open = undefined;
  };
  for (const line of lines) {
    const trimmed = line.trim();
    const fenceLine = trimmed.startsWith("```") || trimmed.startsWith("~~~");
    if (trimmed === "") {
      if (open && (open.first !== "" || open.lines.length > 0)) open.sawBlank = true;
      if (!open) out.loose.push("");
      continue;
    }
    const keyLine = fence || fenceLine ? undefined : parseKeyLine(trimmed, false);
    if (fenceLine) fence = !fence;
    if (keyLine) {
      close();
      out.structured = true;
      const pieces = splitOneLine(keyLine);
      for (const piece of pieces.slice(0, -1)) setField(out.fields, piece.key, piece.value);
      const last = pieces[pieces.length - 1]!;
      open = { key: last.key, first: last.value, lines: [], sawBlank: false };
      continue;
    }
    if (open && !open.sawBlank && (open.first === "" || isBullet(trimmed) || fence || fenceLine)) {
      open.lines.push(line);
      continue;
    }
    close();
    out.loose.push(trimmed);
  }
  close();
}

/** Whether `value[i]` may end one field of a one-line request: `,` `;` `。`, or `.` before a space. */
function isFieldBreak(value: string, i: number): boolean {
  const ch = value[i];
  if (ch === "," || ch === ";" || ch === "。") return true;
  return ch === "." && /\s/.test(value[i + 1] ?? "");
}

/**
 * Splits `a, 요구: b, 스택: c` — or sentences, `Project: a. Requirements: b. Stack: c.` — at each
 * comma, semicolon or full stop that is followed by a known key.
 */
function splitOneLine(first: KeyLine): KeyLine[] {
  if (!/[,;。]|\.\s/.test(first.value)) return [first];
  const pieces: KeyLine[] = [{ ...first, value: "" }];
  let current = pieces[0]!;
  let start = 0;
  const value = first.value;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && !isFieldBreak(value, i)) continue;
    const part = value.slice(start, i);
    const next = start === 0 ? undefined : parseKeyLine(part.trim(), true);
    if (next) {
      current = next;
      pieces.push(current);
    } else {
      current.value = start === 0 ? part : current.value + value[start - 1] + part;
    }
    start = i + 1;
  }
  for (const piece of pieces) piece.value = piece.value.trim();
  return pieces;
}

/** Parses `Key: value`, `- Key: value`, `**Key**: value` and `**Key:** value`. */
function parseKeyLine(line: string, knownOnly: boolean): KeyLine | undefined {
  let s = line;
  const bullet = isBullet(s);
  if (bullet) s = s.slice(2).trimStart();
  let colon = -1;
  const limit = Math.min(s.length, MAX_KEY_LENGTH + 8);
  for (let i = 0; i < limit; i++) {
    if (s[i] === ":" || s[i] === "：") {
      colon = i;
      break;
    }
  }
  if (colon <= 0) return undefined;
  const rawKey = s.slice(0, colon).trim();
  let value = s.slice(colon + 1).trim();
  const emphasis = rawKey.startsWith("**") ? "**" : rawKey.startsWith("__") ? "__" : "";
  if (emphasis && value.startsWith(emphasis)) value = value.slice(2).trim();
  const key = normalizeKey(trimMarks(rawKey));
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !KEY_SHAPE.test(key)) return undefined;
  const known = canonicalKey(key);
  if (known) return { key: known, known: true, value };
  if (knownOnly || bullet || value.startsWith("//")) return undefined;
  if (key.length > MAX_UNKNOWN_KEY_LENGTH || key.split(" ").length > MAX_UNKNOWN_KEY_WORDS) return undefined;
  if (!ENDS_WITH_LETTER.test(key)) return undefined;
  return { key, known: false, value };
}

function trimMarks(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && "*_`".includes(s[start]!)) start++;
  while (end > start && "*_`".includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** True for `- x`, `* x`, `+ x` and `• x`. */
export function isBullet(line: string): boolean {
  const c = line[0];
  return (c === "-" || c === "*" || c === "+" || c === "•") && (line[1] === " " || line[1] === "\t");
}

/**
 * The text of an ATX heading (`### Label`, up to three leading spaces, closing `#`s dropped), or
 * `undefined` when the line is not a heading.
 */
export function headingOf(line: string): string | undefined {
  let i = 0;
  while (i < 3 && line[i] === " ") i++;
  let level = 0;
  while (level < 7 && line[i + level] === "#") level++;
  if (level < 1 || level > 6) return undefined;
  const rest = line.slice(i + level);
  if (rest !== "" && rest[0] !== " " && rest[0] !== "\t") return undefined;
  const content = rest.trim();
  let end = content.length;
  while (end > 0 && content[end - 1] === "#") end--;
  if (end === 0) return "";
  if (end < content.length && (content[end - 1] === " " || content[end - 1] === "\t")) {
    return content.slice(0, end).trim();
  }
  return content;
}

function setField(fields: Map<string, string>, key: string, raw: string): void {
  const value = raw.trim();
  if (value === "" || value === NO_RESPONSE) return;
  const existing = fields.get(key);
  if (existing === undefined) {
    if (fields.size < MAX_FIELDS) fields.set(key, value);
  } else if (APPENDING_KEYS.has(key) || !canonicalKey(key)) {
    fields.set(key, `${existing}\n${value}`);
  }
}
