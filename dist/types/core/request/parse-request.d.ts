import type { Request } from "./types.js";
/** Longest title kept, in characters. */
export declare const MAX_TITLE_LENGTH = 256;
/** Longest project name kept, in characters. */
export declare const MAX_PROJECT_LENGTH = 200;
/** Longest `deadline_text` kept, in characters. */
export declare const MAX_DEADLINE_TEXT_LENGTH = 200;
/** What a request is parsed from: an issue's title and body, a CLI argument or a file. */
export interface RequestInput {
    title?: string;
    body: string;
}
/** Parsing options. `now` (epoch milliseconds) anchors relative deadlines; the clock is never read. */
export interface ParseRequestOptions {
    now: number;
}
/**
 * Parses a project request into plain data. Never throws.
 *
 * The title and body are cleaned first: hidden characters are stripped (see `stripHidden`) and each
 * is capped at 64 KiB of UTF-8 (`MAX_TEXT_BYTES`). The body may be an issue form (`### Project`
 * sections), `key: value` lines (English or Korean keys, any case: project/프로젝트/name,
 * requirements/요구/features, stack/스택/tech/기술, deadline/마감/due/기한), a one-line list
 * (`프로젝트: X, 요구: A + B, 스택: C + D, 마감: 3일`) or free text.
 *
 * - `project`: the project field, else the title (a leading `[orchestrate]` dropped), else the
 *   first sentence of the free text.
 * - `requirements` / `stack`: the field split into entries (see `splitList`; requirements written
 *   one per line keep each line whole); without the field,
 *   guessed from the title and text: known feature names (`FEATURE_TERMS`) and unambiguous
 *   technology names (`TECH_TERMS`), in order of appearance.
 * - `deadline`: the deadline field read by `parseDeadline`; without the field, a deadline phrase in
 *   the free text (`findDeadline`). Unreadable → `null`, with `deadline_text` keeping the text.
 * - `facts`: see `deriveFacts`.
 *
 * Text such as `${{ secrets.X }}`, backticks or `$(…)` is kept as inert data; nothing evaluates it.
 */
export declare function parseRequest(input: RequestInput, options: ParseRequestOptions): Request;
