import { deriveFacts } from "./derive-facts.ts";
import { guessRequirements } from "./guess-requirements.ts";
import { findDeadline, parseDeadline } from "./parse-deadline.ts";
import { headingOf, readFields } from "./read-fields.ts";
import { cleanText } from "./sanitize.ts";
import { splitList } from "./split-list.ts";
import { stackTags } from "./stack-tags.ts";
import { GUESSABLE_TECH } from "./tech-terms.ts";
import { findInOrder, indexText } from "./text-index.ts";
import type { Request } from "./types.ts";

/** Longest title kept, in characters. */
export const MAX_TITLE_LENGTH = 256;

/** Longest project name kept, in characters. */
export const MAX_PROJECT_LENGTH = 200;

/** Longest `deadline_text` kept, in characters. */
export const MAX_DEADLINE_TEXT_LENGTH = 200;

/** What a request is parsed from: an issue's title and body, a CLI argument or a file. */
export interface RequestInput {
  title?: string;
  body: string;
}

/** Parsing options. `now` (epoch milliseconds) anchors relative deadlines; the clock is never read. */
export interface ParseRequestOptions {
  now: number;
}

const ISSUE_TAG = /^\[orchestrate\]\s*/i;

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
export function parseRequest(input: RequestInput, options: ParseRequestOptions): Request {
  try {
    return parse(input, options);
  } catch {
    return emptyRequest(input);
  }
}

function parse(input: RequestInput, options: ParseRequestOptions): Request {
  const now = typeof options?.now === "number" ? options.now : Number.NaN;
  const text = cleanText(input?.body);
  const issueTitle = cap(
    oneLine(cleanText(input?.title, 4 * MAX_TITLE_LENGTH)).replace(ISSUE_TAG, ""),
    MAX_TITLE_LENGTH,
  );
  const { fields, loose } = readFields(text);
  const freeText = loose.join("\n").trim();
  const projectField = firstLine(fields.get("project") ?? "");
  const project = cap(
    projectField || issueTitle || firstSentence(freeText) || firstLine(text),
    MAX_PROJECT_LENGTH,
  );
  const title = cap(issueTitle || projectField || firstLine(text), MAX_TITLE_LENGTH);

  const index = indexText(issueTitle ? `${issueTitle}\n${text}` : text);
  const requirementsField = fields.get("requirements");
  const stackField = fields.get("stack");
  const requirements =
    requirementsField !== undefined
      ? splitList(requirementsField, { linePerEntry: true })
      : guessRequirements(index);
  const stack =
    stackField !== undefined
      ? splitList(stackField)
      : findInOrder(index, GUESSABLE_TECH).map((t) => t.display);

  let deadline: string | null = null;
  let deadline_text: string | null = null;
  const deadlineField = fields.get("deadline");
  if (deadlineField !== undefined) {
    deadline_text = cap(firstLine(deadlineField), MAX_DEADLINE_TEXT_LENGTH) || null;
    deadline = deadline_text === null ? null : parseDeadline(deadline_text, now);
  } else {
    const found = findDeadline(issueTitle ? `${issueTitle}\n${freeText}` : freeText, now);
    if (found) {
      deadline_text = found.text;
      deadline = parseDeadline(found.text, now);
    }
  }

  return {
    title,
    project,
    requirements,
    stack,
    stack_tags: stackTags(stack),
    deadline,
    deadline_text,
    fields: Object.fromEntries(fields),
    text,
    facts: deriveFacts({
      text: index,
      stack: indexText(stack.join("\n")),
      requirementCount: requirements.length,
    }),
  };
}

function emptyRequest(input: RequestInput): Request {
  let title = "";
  try {
    title = cap(oneLine(cleanText(input?.title, 4 * MAX_TITLE_LENGTH)), MAX_TITLE_LENGTH);
  } catch {
    title = "";
  }
  return {
    title,
    project: title,
    requirements: [],
    stack: [],
    stack_tags: [],
    deadline: null,
    deadline_text: null,
    fields: {},
    text: "",
    facts: {
      needs_auth: false,
      uses_orm: false,
      simple_crud: false,
      has_frontend: false,
      has_backend: false,
    },
  };
}

/** Collapses every run of whitespace to one space and trims. */
function oneLine(text: string): string {
  return text.split(/\s+/).join(" ").trim();
}

/** The first non-empty line, without heading marks, bullets or emphasis, on one line. */
function firstLine(text: string): string {
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf("\n", start);
    let s = text.slice(start, end === -1 ? text.length : end).trim();
    start = end === -1 ? text.length : end + 1;
    if (!s) continue;
    s = headingOf(s) ?? s;
    if (/^[-*+•] /.test(s)) s = s.slice(2);
    s = oneLine(s);
    if (s) return s;
  }
  return "";
}

/** The first sentence of the first line: cut at `. `, `! `, `? ` or `。`, closing period dropped. */
function firstSentence(text: string): string {
  const line = firstLine(text);
  let end = line.length;
  for (const stop of [". ", "! ", "? ", "。"]) {
    const at = line.indexOf(stop);
    if (at > 0 && at < end) end = at;
  }
  const sentence = line.slice(0, end).trim();
  return sentence.endsWith(".") ? sentence.slice(0, -1) : sentence;
}

/** Cuts to `max` characters, not splitting a surrogate pair. */
function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max).trimEnd();
}
