/**
 * The lines of a comment as GitHub shows them, for telling a command a person can see from text
 * it does not show: fenced and indented code blocks hold examples, HTML comments are not shown at
 * all. A close reading of CommonMark, kept to what decides that; where it is unsure (an indented
 * line inside a list item), it reads code, so that an example is never taken for a command.
 */

/** One line of a comment. */
export interface MarkdownLine {
  /** What is shown of it: the line without its HTML comments (the whole line inside code blocks). */
  text: string;
  /** A command may start it: it is outside code blocks and does not start inside an HTML comment. */
  open: boolean;
  /** Nothing of it is shown: it holds nothing but HTML comment. */
  hidden: boolean;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
/** A setext heading's underline or a thematic break: the line after it is no paragraph text. */
const BREAK = /^ {0,3}(?:=+|-{2,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,})[ \t]*$/;
const COMMENT_OPEN = "<!--";
const COMMENT_CLOSE = "-->";

/** Splits a comment body into its lines (`\r\n`, `\n` or `\r` ends a line). */
export function splitLines(body: string): string[] {
  return body.split(/\r?\n|\r/);
}

/**
 * Reads the lines in order: fenced code (from a fence to a fence of the same character at least as
 * long, or to the end), indented code (4 columns or more, where it cannot continue a paragraph),
 * and HTML comments (from `<!--` outside code to the next `-->`, across lines; one left open hides
 * the rest, as GitHub renders it).
 */
export function readMarkdownLines(lines: readonly string[]): MarkdownLine[] {
  const out: MarkdownLine[] = [];
  let fence: { char: string; length: number } | undefined;
  let inComment = false;
  // Whether the line before is paragraph text, which an indented line continues rather than
  // starting code.
  let paragraph = false;
  // Whether a `-->` comes after each line (a `<!--` within a line opens a comment only then).
  const closedLater: boolean[] = [];
  let seen = false;
  for (let i = lines.length - 1; i >= 0; i--) {
    closedLater[i] = seen;
    seen ||= lines[i]!.includes(COMMENT_CLOSE);
  }
  for (const [index, raw] of lines.entries()) {
    if (fence) {
      const marker = FENCE.exec(raw);
      if (marker?.[1]?.[0] === fence.char && marker[1].length >= fence.length && !marker[2]!.trim())
        fence = undefined;
      out.push({ text: raw, open: false, hidden: false });
      continue;
    }
    if (!inComment) {
      const marker = FENCE.exec(raw);
      if (marker && !(marker[1]![0] === "`" && marker[2]!.includes("`"))) {
        fence = { char: marker[1]![0]!, length: marker[1]!.length };
        paragraph = false;
        out.push({ text: raw, open: false, hidden: false });
        continue;
      }
      if (!paragraph && raw.trim() !== "" && indentation(raw) >= 4) {
        out.push({ text: raw, open: false, hidden: false });
        continue;
      }
    }
    const startsInComment = inComment;
    const shown = outsideComments(raw, inComment, closedLater[index]!);
    inComment = shown.inComment;
    const blank = shown.text.trim() === "";
    out.push({
      text: shown.text,
      open: !startsInComment,
      hidden: blank && (startsInComment || raw.trim() !== ""),
    });
    paragraph = !blank && !HEADING.test(shown.text) && !BREAK.test(shown.text);
  }
  return out;
}

/** The text of `body` without its HTML comments (code blocks and code spans kept as written). */
export function withoutComments(body: string): string {
  return readMarkdownLines(splitLines(body))
    .filter((line) => !line.hidden)
    .map((line) => line.text)
    .join("\n");
}

/** Columns of leading spaces and tabs, a tab reaching the next multiple of 4. */
function indentation(text: string): number {
  let column = 0;
  for (const ch of text) {
    if (ch === " ") column += 1;
    else if (ch === "\t") column += 4 - (column % 4);
    else break;
  }
  return column;
}

/**
 * The part of one line outside HTML comments, given whether it starts inside one, and whether it
 * ends inside one. A `<!--` inside a code span (`` `<!--` ``) opens nothing. `<!-->` and `<!--->`
 * are whole comments, as in CommonMark. A `<!--` that does not start the line, with no `-->`
 * after it (on this line or a later one), is text, as GitHub shows it; one that starts the line
 * opens an HTML block, which an unclosed comment runs to the end of.
 */
function outsideComments(
  text: string,
  inComment: boolean,
  closedLater: boolean,
): { text: string; inComment: boolean } {
  const spans = codeSpans(text);
  let out = "";
  let at = 0;
  let span = 0;
  while (at < text.length) {
    if (inComment) {
      const end = text.indexOf(COMMENT_CLOSE, at);
      if (end < 0) return { text: out, inComment: true };
      at = end + COMMENT_CLOSE.length;
      inComment = false;
      continue;
    }
    const open = text.indexOf(COMMENT_OPEN, at);
    while (span < spans.length && spans[span]!.end <= at) span++;
    const code = spans[span];
    if (open < 0) {
      out += text.slice(at);
      break;
    }
    if (code && code.start <= open) {
      // The `<!--` (if any) inside this code span is text: go on after the span.
      if (open < code.end) {
        out += text.slice(at, code.end);
        at = code.end;
        continue;
      }
    }
    const startsLine = text.slice(0, open).trim() === "" && indentation(text) < 4;
    if (!startsLine && !closedLater && !text.includes(COMMENT_CLOSE, open + 2)) {
      // Never closed and not at the line's start: shown as written.
      out += text.slice(at);
      break;
    }
    out += text.slice(at, open);
    // From the second dash: `<!-->` closes at once.
    at = open + 2;
    inComment = true;
  }
  return { text: out, inComment };
}

/** The code spans of one line (a backtick run to the next run of the same length), as [start, end). */
function codeSpans(text: string): { start: number; end: number }[] {
  if (!text.includes("`")) return [];
  const runs = [...text.matchAll(/`+/g)].map((m) => ({ at: m.index, length: m[0].length }));
  // For each run length, the runs of that length in order, and how far they have been used.
  const byLength = new Map<number, { list: number[]; next: number }>();
  for (const [i, run] of runs.entries()) {
    const entry = byLength.get(run.length) ?? { list: [], next: 0 };
    entry.list.push(i);
    byLength.set(run.length, entry);
  }
  const spans: { start: number; end: number }[] = [];
  let i = 0;
  while (i < runs.length) {
    const run = runs[i]!;
    const same = byLength.get(run.length)!;
    while (same.next < same.list.length && same.list[same.next]! <= i) same.next++;
    const close = same.list[same.next];
    if (close === undefined) {
      i++;
      continue;
    }
    spans.push({ start: run.at, end: runs[close]!.at + run.length });
    i = close + 1;
  }
  return spans;
}
