/**
 * Suggests the candidate closest to a misspelt word, for "did you mean" hints in error messages.
 *
 * Compares case-insensitively by Levenshtein distance and accepts a candidate at most
 * `max(2, floor(word.length / 3))` edits away. On a tie the candidate listed first wins.
 * Returns `undefined` when nothing is close enough.
 */
export declare function didYouMean(word: string, candidates: Iterable<string>): string | undefined;
