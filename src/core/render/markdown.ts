/** Small pieces shared by every markdown Orchestrate writes (reports, dashboard, pull requests, job summaries). */

const ZWSP = "\u200b";
/** GitHub's closing keywords: followed by a reference (`#3`, `o/r#3`, an issue URL), merging closes it. */
const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b/gi;
const REFERENCE_AHEAD = /^\s*:?\s*(?:(?:[\w.-]+\/[\w.-]+)?#\d|https?:\/\/\S+\/(?:issues|pull)\/\d)/i;

/**
 * Every line break a reader of Orchestrate's markdown may honour: CommonMark's (`\n`, `\r\n`, a
 * lone `\r`), the command parser's, and Unicode's (NEL, LINE and PARAGRAPH SEPARATOR), with
 * vertical tab and form feed. Text written inside one line is flattened on all of them.
 */
const LINE_BREAKS = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;

/** `text` on one line: every line break (see `LINE_BREAKS`) becomes a space. */
export function oneLine(text: string | number | undefined): string {
  return String(text ?? "").replace(LINE_BREAKS, " ");
}

/** Breaks @-mentions and closing references with a zero-width space; leaves the rest alone. */
function unlinked(text: string): string {
  return text
    .replace(/(^|\W)@(?=[A-Za-z0-9])/g, `$1@${ZWSP}`)
    .replace(CLOSING, (keyword: string, offset: number, whole: string) =>
      REFERENCE_AHEAD.test(whole.slice(offset + keyword.length))
        ? `${keyword[0]}${ZWSP}${keyword.slice(1)}`
        : keyword,
    );
}

/**
 * Characters free text may not use as markdown, and the character references that show them as
 * written: `&` (an entity such as `&#64;` would decode to a mention), `<` (HTML), a backtick (a
 * code span, whose text a mention check skips, or one left open that swallows what follows), `[`
 * (a link or an image whose text hides where it points), and a backslash (which would escape the
 * character after it, one of these references included).
 */
const MARKUP: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  "`": "&#96;",
  "[": "&#91;",
  "\\": "&#92;",
};

/**
 * Makes free text (issue text, reasons, summaries and messages an agent wrote) inert where
 * Orchestrate writes markdown: it cannot open an HTML comment or tag that hides what follows,
 * cannot form a code span, an entity, a link or an image, cannot @-mention people or teams, and
 * cannot add a closing reference ("fixes #3") that merging would act on. It is flattened to one
 * line, so it cannot start a line of its own (a `/orchestrate` command, a heading, a table row).
 * The text reads the same: its markup characters are written as character references, and a
 * zero-width space breaks mentions and closing keywords. What Orchestrate formats itself (code
 * spans from `code`, links) is added around inert text, never passed through it.
 */
export function inert(text: string | number | undefined): string {
  return unlinked(oneLine(text).replace(/[&<`[\\]/g, (c) => MARKUP[c]!));
}

/**
 * Free text where GitHub reads plain text and acts on it (a pull request title, which GitHub puts
 * in the merge or squash commit, where a closing keyword closes the issue it names on the default
 * branch): on one line, with mentions and closing references broken by a zero-width space, and
 * nothing else changed (it is not markdown: `&lt;` would show as written).
 */
export function defused(text: string | number | undefined): string {
  return unlinked(oneLine(text));
}

/** Escapes text for one markdown table cell: made inert (one line), pipes escaped. */
export function cell(text: string | number | undefined): string {
  return inert(text).replace(/\|/g, "\\|");
}

/**
 * `text` as one inline code span, whatever it holds (a file name, an id, a command word): on one
 * line, fenced by a backtick run longer than any inside it and padded with a space where the
 * content starts or ends with a backtick or a space (CommonMark strips one space from each side),
 * so nothing in it can close the span early. Inside, mentions, issue references (`#3`) and
 * closing keywords are broken with a zero-width space too, so the text does not act even where a
 * renderer reads the span otherwise. Empty text gives an empty string.
 */
export function code(text: string | number | undefined): string {
  const flat = unlinked(oneLine(text)).replace(/#(?=\d)/g, `#${ZWSP}`);
  if (flat === "") return "";
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = /^[`\s]|[`\s]$/.test(flat) && flat.trim() !== "" ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** `code(text)` for a table cell: pipes escaped (GitHub splits cells on them even inside a code span). */
export function codeCell(text: string | number | undefined): string {
  return code(text).replace(/\|/g, "\\|");
}

/** One icon per task, phase and execution status. */
export const STATUS_ICON: Readonly<Record<string, string>> = {
  succeeded: "✅",
  failed: "❌",
  cancelled: "⛔",
  skipped: "⏭️",
  running: "🔄",
  waiting: "⏸️",
  blocked: "🚧",
  escalated: "🚨",
  delivering: "🚚",
  pending: "⏳",
  ready: "⏳",
  queued: "📤",
  in_progress: "🔄",
  under_review: "👀",
};

/** A text progress bar of `width` cells, e.g. `▰▰▰▱▱` (`full`/`empty` choose the glyphs). */
export function progressBar(done: number, total: number, width: number, full = "▰", empty = "▱"): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `${full.repeat(filled)}${empty.repeat(width - filled)}`;
}
