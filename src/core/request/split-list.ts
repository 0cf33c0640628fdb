/** Most entries a list keeps; the rest are dropped. */
export const MAX_LIST_ENTRIES = 100;

/** Most lines of a value read; the rest are ignored. */
export const MAX_LIST_LINES = 1000;

/** Longest entry kept, in characters; longer entries are cut. */
export const MAX_ENTRY_LENGTH = 500;

/** Slash compounds that stay whole (`CI/CD`, `I/O`, `TCP/IP`, `UI/UX`, `A/B`). */
const SLASH_WORDS = /\b(ci|i|tcp|ui|a)\/(cd|o|ip|ux|b)\b/gi;
/**
 * Verbs of record keeping: a run of two or more joined by `/`, `,`, `&` or `and`
 * (`create/read/update/delete notes`, `create, read, update and delete notes`,
 * `add/edit/remove users`, `생성/조회/수정/삭제`) is one requirement, the CRUD of one thing.
 */
const CRUD_VERBS = "create|read|update|delete|list|view|edit|add|remove|생성|조회|수정|삭제|등록";
const CRUD_JOIN =
  "[ \\t]*(?:/|&|,(?:[ \\t]*(?:and|및)(?![\\p{L}\\p{N}_]))?|(?<=[ \\t])(?:and|및)(?=[ \\t]))[ \\t]*";
const CRUD_RUN = new RegExp(
  `(?<![\\p{L}\\p{N}_])(?:${CRUD_VERBS})(?:${CRUD_JOIN}(?:${CRUD_VERBS}))+(?![\\p{L}\\p{N}_])`,
  "giu",
);
/** Characters that split a list, and what stands for them inside a run that stays whole. */
const PROTECTED: Record<string, string> = { "/": "\u0000", ",": "\u0001", "&": "\u0002", " ": "\u0003" };
const UNPROTECT = /[\u0000-\u0003]/g;
const UNPROTECTED: Record<string, string> = Object.fromEntries(
  Object.entries(PROTECTED).map(([k, v]) => [v, k]),
);
const WORD_SEPARATORS = [" and ", " & ", " 및 "];
const BULLET = /^(?:[-*+•]|\d{1,3}[.)])[ \t]+/;
const CHECKBOX = /^\[[ xX]\][ \t]+/;
const PROTECTED_SLASH = PROTECTED["/"]!;

/** How {@link splitList} treats a value written over several lines. */
export interface SplitListOptions {
  /** When the value has two or more non-empty lines, each line is one entry and is not split further. */
  linePerEntry?: boolean;
}

/**
 * Splits a requirement or stack value into entries. Entries are separated by new lines (bullets
 * `- x`, `* x`, `1. x` and task boxes `[ ] x` are dropped), `+`, `,`, `;`, `/` and the words ` and `,
 * ` & `, ` 및 `. A `+` next to another `+` stays (`C++`), a comma between digits stays (`10,000`),
 * a slash inside a URL, a known compound (`CI/CD`) or a run of CRUD verbs
 * (`create/read/update/delete`, `create, read, update and delete`) stays, and nothing inside a
 * `code span` splits.
 * With `linePerEntry`, a value of several lines is split on new lines only. Only the first
 * {@link MAX_LIST_LINES} lines are read. Entries are trimmed, a trailing period is dropped, empty
 * entries are skipped and repeats (ignoring case) are kept once.
 */
export function splitList(value: string, options: SplitListOptions = {}): string[] {
  const entries: string[] = [];
  const seen = new Set<string>();
  const add = (piece: string) => {
    const entry = tidy(piece.replace(UNPROTECT, (c) => UNPROTECTED[c]!));
    const key = entry.toLowerCase();
    if (!entry || seen.has(key) || entries.length >= MAX_LIST_ENTRIES) return;
    seen.add(key);
    entries.push(entry);
  };
  const lines = value.split("\n", MAX_LIST_LINES).map((raw) => raw.replace(/[ \t]+/g, " ").trim());
  const wholeLines = options.linePerEntry === true && lines.filter((line) => line !== "").length > 1;
  for (const raw of lines) {
    if (entries.length >= MAX_LIST_ENTRIES) break;
    let line = raw.replace(BULLET, "").replace(CHECKBOX, "");
    if (wholeLines) {
      add(line);
      continue;
    }
    if (line.includes("://")) line = line.split(" ").map(protectUrl).join(" ");
    line = line.replace(SLASH_WORDS, `$1${PROTECTED_SLASH}$2`);
    line = line.replace(CRUD_RUN, (run) => run.replace(/[/,& ]/g, (c) => PROTECTED[c]!));
    for (const piece of splitSymbols(line)) add(piece);
  }
  return entries;
}

function splitSymbols(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let code = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "`") code = !code;
    if (code) continue;
    if (c === " ") {
      const word = WORD_SEPARATORS.find((w) => text.slice(i, i + w.length).toLowerCase() === w);
      if (word) {
        pieces.push(text.slice(start, i));
        start = i + word.length;
        i = start - 1;
      }
      continue;
    }
    const prev = text[i - 1] ?? "";
    const next = text[i + 1] ?? "";
    const split =
      c === ";" ||
      c === "/" ||
      (c === "," && !(isDigit(prev) && isDigit(next))) ||
      (c === "+" && prev !== "+" && next !== "+");
    if (!split) continue;
    pieces.push(text.slice(start, i));
    start = i + 1;
  }
  pieces.push(text.slice(start));
  return pieces;
}

function protectUrl(word: string): string {
  return word.includes("://") ? word.replaceAll("/", PROTECTED_SLASH) : word;
}

function tidy(piece: string): string {
  let entry = piece.trim();
  if (entry.endsWith(".") && !entry.endsWith("..")) entry = entry.slice(0, -1).trimEnd();
  return entry.length > MAX_ENTRY_LENGTH ? entry.slice(0, MAX_ENTRY_LENGTH).trimEnd() : entry;
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}
