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
export const MAX_PHRASE_WORDS = 4;

const TOKEN = /[a-z0-9][a-z0-9.+#-]*|(?:(?![a-z0-9])[\p{L}\p{N}])+/gu;
const HANGUL = /[\u3131-\u318e\uac00-\ud7a3]/;

/** Tokenizes `text`; ASCII words and words in other scripts are split (`fastapi와` → `fastapi`, `와`). */
export function indexText(text: string): TextIndex {
  const lower = text.toLowerCase();
  const tokens: string[] = [];
  for (const match of lower.matchAll(TOKEN)) {
    let token = match[0];
    let end = token.length;
    while (end > 0 && (token[end - 1] === "." || token[end - 1] === "-")) end--;
    token = token.slice(0, end);
    if (token) tokens.push(token);
  }
  const positions = new Map<string, number[]>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const list = positions.get(token);
    if (list) list.push(i);
    else positions.set(token, [i]);
  }
  return { tokens, positions, lower };
}

/** True when the text holds `phrase`: lower-case words separated by single spaces, in a row. */
export function hasPhrase(index: TextIndex, phrase: string): boolean {
  const words = phrase.split(" ");
  const starts = index.positions.get(words[0]!);
  if (!starts || words.length === 1) return starts !== undefined;
  return starts.some((at) => words.every((word, k) => index.tokens[at + k] === word));
}

/** True when the text names any of `words` (lower-case; Korean words match inside longer words). */
export function mentions(index: TextIndex, words: readonly string[]): boolean {
  return words.some((word) => (HANGUL.test(word) ? index.lower.includes(word) : hasPhrase(index, word)));
}

/**
 * The values of `lookup` whose names the text contains, in order of first appearance, each once.
 * Names are lower-case phrases of up to {@link MAX_PHRASE_WORDS} words; longer phrases win. Korean names
 * match inside longer words and come after the others.
 */
export function findInOrder<T>(index: TextIndex, lookup: ReadonlyMap<string, T>): T[] {
  const found: T[] = [];
  const seen = new Set<T>();
  const firstWords = new Set<string>();
  for (const name of lookup.keys()) firstWords.add(name.split(" ", 1)[0]!);
  const { tokens } = index;
  for (let i = 0; i < tokens.length; i++) {
    if (!firstWords.has(tokens[i]!)) continue;
    for (let n = Math.min(MAX_PHRASE_WORDS, tokens.length - i); n >= 1; n--) {
      const value = lookup.get(n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(" "));
      if (value === undefined) continue;
      if (!seen.has(value)) {
        seen.add(value);
        found.push(value);
      }
      i += n - 1;
      break;
    }
  }
  for (const [name, value] of lookup) {
    if (isHangul(name) && !seen.has(value) && index.lower.includes(name)) {
      seen.add(value);
      found.push(value);
    }
  }
  return found;
}

/** True when `word` holds Hangul, so it is matched as a substring rather than as a token. */
export function isHangul(word: string): boolean {
  return HANGUL.test(word);
}
