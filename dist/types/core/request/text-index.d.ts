/** A text prepared for word and phrase look-ups. */
export interface TextIndex {
    /** Lower-case tokens in order; ASCII words keep `.`, `+`, `#`, `-` inside (`node.js`, `c++`, `sign-up`). */
    tokens: string[];
    /** Where each token occurs, by index into `tokens`. */
    positions: Map<string, number[]>;
    /** The whole text, lower-case, for words in scripts written without spaces between particles (Korean). */
    lower: string;
}
/** Longest name, in words, {@link findInOrder} can match (`create read update delete`). */
export declare const MAX_PHRASE_WORDS = 4;
/** Tokenizes `text`; ASCII words and words in other scripts are split (`fastapi와` → `fastapi`, `와`). */
export declare function indexText(text: string): TextIndex;
/** True when the text holds `phrase`: lower-case words separated by single spaces, in a row. */
export declare function hasPhrase(index: TextIndex, phrase: string): boolean;
/** True when the text names any of `words` (lower-case; Korean words match inside longer words). */
export declare function mentions(index: TextIndex, words: readonly string[]): boolean;
/**
 * The values of `lookup` whose names the text contains, in order of first appearance, each once.
 * Names are lower-case phrases of up to {@link MAX_PHRASE_WORDS} words; longer phrases win. Korean names
 * match inside longer words and come after the others.
 */
export declare function findInOrder<T>(index: TextIndex, lookup: ReadonlyMap<string, T>): T[];
/** True when `word` holds Hangul, so it is matched as a substring rather than as a token. */
export declare function isHangul(word: string): boolean;
