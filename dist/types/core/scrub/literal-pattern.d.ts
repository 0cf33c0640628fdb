/**
 * One global regular expression matching any of `words` literally, built as a prefix tree so a
 * text is scanned once whatever the number of words. At each position the longest word wins.
 * Returns `undefined` when there is no non-empty word.
 */
export declare function literalPattern(words: Iterable<string>): RegExp | undefined;
