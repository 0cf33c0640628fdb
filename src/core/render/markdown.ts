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

/**
 * Breaks @-mentions and closing references with a zero-width space; leaves the rest alone. Prose
 * keeps `` `@name` `` (a code span shows it as written); `anyMention` breaks that too.
 */
function unlinked(text: string, anyMention = false): string {
  return text
    .replace(anyMention ? /(^|\W)@(?=[A-Za-z0-9])/g : /(^|[^\w`])@(?=[A-Za-z0-9])/g, `$1@${ZWSP}`)
    .replace(CLOSING, (keyword: string, offset: number, whole: string) =>
      REFERENCE_AHEAD.test(whole.slice(offset + keyword.length))
        ? `${keyword[0]}${ZWSP}${keyword.slice(1)}`
        : keyword,
    );
}

/**
 * Makes free text (issue text, reasons, summaries an agent wrote) inert where Orchestrate writes
 * markdown: it cannot open an HTML comment or tag that hides what follows, cannot @-mention people
 * or teams, and cannot add a closing reference ("fixes #3") that merging would act on. It is
 * flattened to one line, so it cannot start a line of its own (a `/orchestrate` command, a
 * heading, a table row). The text reads the same; a zero-width space breaks mentions and closing
 * keywords.
 */
export function inert(text: string | number | undefined): string {
  return unlinked(oneLine(text).replace(/</g, "&lt;"));
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
  const flat = unlinked(oneLine(text), true).replace(/#(?=\d)/g, `#${ZWSP}`);
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
