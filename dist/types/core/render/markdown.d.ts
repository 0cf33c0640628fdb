/** Small pieces shared by every markdown Orchestrate writes (reports, dashboard, pull requests, job summaries). */
/** `text` on one line: every line break (see `LINE_BREAKS`) becomes a space. */
export declare function oneLine(text: string | number | undefined): string;
/**
 * Makes free text (issue text, reasons, summaries an agent wrote) inert where Orchestrate writes
 * markdown: it cannot open an HTML comment or tag that hides what follows, cannot @-mention people
 * or teams, and cannot add a closing reference ("fixes #3") that merging would act on. It is
 * flattened to one line, so it cannot start a line of its own (a `/orchestrate` command, a
 * heading, a table row). The text reads the same; a zero-width space breaks mentions and closing
 * keywords.
 */
export declare function inert(text: string | number | undefined): string;
/** Escapes text for one markdown table cell: made inert (one line), pipes escaped. */
export declare function cell(text: string | number | undefined): string;
/**
 * `text` as one inline code span, whatever it holds (a file name, an id, a command word): on one
 * line, fenced by a backtick run longer than any inside it and padded with a space where the
 * content starts or ends with a backtick or a space (CommonMark strips one space from each side),
 * so nothing in it can close the span early. Inside, mentions, issue references (`#3`) and
 * closing keywords are broken with a zero-width space too, so the text does not act even where a
 * renderer reads the span otherwise. Empty text gives an empty string.
 */
export declare function code(text: string | number | undefined): string;
/** `code(text)` for a table cell: pipes escaped (GitHub splits cells on them even inside a code span). */
export declare function codeCell(text: string | number | undefined): string;
/** One icon per task, phase and execution status. */
export declare const STATUS_ICON: Readonly<Record<string, string>>;
/** A text progress bar of `width` cells, e.g. `▰▰▰▱▱` (`full`/`empty` choose the glyphs). */
export declare function progressBar(done: number, total: number, width: number, full?: string, empty?: string): string;
