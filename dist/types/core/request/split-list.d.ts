/** Most entries a list keeps; the rest are dropped. */
export declare const MAX_LIST_ENTRIES = 100;
/** Most lines of a value read; the rest are ignored. */
export declare const MAX_LIST_LINES = 1000;
/** Longest entry kept, in characters; longer entries are cut. */
export declare const MAX_ENTRY_LENGTH = 500;
/** How {@link splitList} treats a value written over several lines. */
export interface SplitListOptions {
    /** When the value has two or more non-empty lines, each line is one entry and is not split further. */
    linePerEntry?: boolean;
}
/**
 * Splits a requirement or stack value into entries. Entries are separated by new lines (bullets
 * `- x`, `* x`, `1. x` and task boxes `[ ] x` are dropped), `+`, `,`, `;`, `/` and the words ` and `,
 * ` & `, ` 및 `. A `+` next to another `+` stays (`C++`), a comma between digits stays (`10,000`),
 * a slash inside a URL, a known compound (`CI/CD`) or a run of CRUD verbs
 * (`create/read/update/delete`, `create, read, update and delete`) stays, and nothing inside a
 * `code span` splits.
 * With `linePerEntry`, a value of several lines is split on new lines only. Only the first
 * {@link MAX_LIST_LINES} lines are read. Entries are trimmed, a trailing period is dropped, empty
 * entries are skipped and repeats (ignoring case) are kept once.
 */
export declare function splitList(value: string, options?: SplitListOptions): string[];
