/** Small pieces shared by every markdown Orchestrate writes (reports, dashboard, pull requests, job summaries). */
/** `text` on one line: every line break (see `LINE_BREAKS`) becomes a space. */
export declare function oneLine(text: string | number | undefined): string;
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
export declare function inert(text: string | number | undefined): string;
/**
 * Free text where GitHub reads plain text and acts on it (a pull request title, which GitHub puts
 * in the merge or squash commit, where a closing keyword closes the issue it names on the default
 * branch): on one line, with mentions and closing references broken by a zero-width space, and
 * nothing else changed (it is not markdown: `&lt;` would show as written).
 */
export declare function defused(text: string | number | undefined): string;
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
