/** What {@link readFields} finds in a request body. */
export interface ReadFieldsResult {
    /** Fields in the order found; known keys in English, others lower-cased as written. */
    fields: Map<string, string>;
    /** Lines that belong to no field: the free text of the request. */
    loose: string[];
    /** True when at least one heading or `key: value` line was found. */
    structured: boolean;
}
/** The value GitHub renders for an issue-form field left empty. */
export declare const NO_RESPONSE = "_No response_";
/**
 * Splits a cleaned request body into fields and free text. Understands issue-form sections
 * (`### Label` followed by the value; `_No response_` is empty), `key: value` lines whose value may
 * continue on following bullet lines (or on any following lines when the key line has no value),
 * and one-line lists where a comma or semicolon followed by a known key starts a new field
 * (`프로젝트: X, 요구: A + B, 스택: C`). Lines inside fenced code blocks are never keys or headings.
 * Unknown keys are accepted when they are short (at most three words) and not bulleted.
 */
export declare function readFields(text: string): ReadFieldsResult;
/** True for `- x`, `* x`, `+ x` and `• x`. */
export declare function isBullet(line: string): boolean;
/**
 * The text of an ATX heading (`### Label`, up to three leading spaces, closing `#`s dropped), or
 * `undefined` when the line is not a heading.
 */
export declare function headingOf(line: string): string | undefined;
