/** Small pieces shared by every markdown Orchestrate writes (reports, dashboard, pull requests, job summaries). */

const ZWSP = "\u200b";
/** GitHub's closing keywords: followed by a reference (`#3`, `o/r#3`, an issue URL), merging closes it. */
const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b/gi;
const REFERENCE_AHEAD = /^\s*:?\s*(?:(?:[\w.-]+\/[\w.-]+)?#\d|https?:\/\/\S+\/(?:issues|pull)\/\d)/i;

/**
 * Makes free text (issue text, reasons, summaries an agent wrote) inert where Orchestrate writes
 * markdown: it cannot open an HTML comment or tag that hides what follows, cannot @-mention people
 * or teams, and cannot add a closing reference ("fixes #3") that merging would act on. The text
 * reads the same; a zero-width space breaks mentions and closing keywords.
 */
export function inert(text: string | number | undefined): string {
  return String(text ?? "")
    .replace(/</g, "&lt;")
    .replace(/(^|[^\w`])@(?=[A-Za-z0-9])/g, `$1@${ZWSP}`)
    .replace(CLOSING, (keyword: string, offset: number, whole: string) =>
      REFERENCE_AHEAD.test(whole.slice(offset + keyword.length))
        ? `${keyword[0]}${ZWSP}${keyword.slice(1)}`
        : keyword,
    );
}

/** Escapes text for one markdown table cell: made inert, pipes escaped, line breaks flattened. */
export function cell(text: string | number | undefined): string {
  return inert(text).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
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
