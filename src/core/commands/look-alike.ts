/**
 * Spotting text that looks like a command word but is not plain ASCII. Used only to explain why
 * something did not match: commands themselves are matched on exact ASCII, nothing is folded.
 */

/** Cyrillic and Greek letters that render like Latin ones. */
const CONFUSABLE: Readonly<Record<string, string>> = {
  а: "a",
  в: "b",
  с: "c",
  ԁ: "d",
  е: "e",
  һ: "h",
  і: "i",
  ј: "j",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  ԛ: "q",
  ѕ: "s",
  т: "t",
  ѵ: "v",
  ԝ: "w",
  х: "x",
  у: "y",
  α: "a",
  ε: "e",
  ι: "i",
  κ: "k",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
};

const INVISIBLE = /[\p{Cf}\p{Mn}]/gu;

/** A lower-case ASCII rendering of `text` for comparison only: compatibility forms, look-alikes, hidden characters removed. */
export function skeleton(text: string): string {
  return [...text.normalize("NFKC").replace(INVISIBLE, "").toLowerCase()]
    .map((ch) => CONFUSABLE[ch] ?? ch)
    .join("");
}

/** True when `text` is printable ASCII only. */
export function isPlainAscii(text: string): boolean {
  return /^[\x21-\x7e]*$/.test(text);
}

/** The characters of `text` that are not printable ASCII, as `U+0430`, for messages. */
export function foreignCharacters(text: string): string[] {
  const out = new Set<string>();
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x21 || code > 0x7e) out.add(`U+${code.toString(16).toUpperCase().padStart(4, "0")}`);
  }
  return [...out];
}
