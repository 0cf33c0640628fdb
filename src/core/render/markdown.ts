/** Small pieces shared by every markdown Orchestrate writes (reports, dashboard, pull requests, job summaries). */

/** Escapes text for one markdown table cell: pipes escaped, line breaks flattened. */
export function cell(text: string | number | undefined): string {
  return String(text ?? "")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ");
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
