import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { literalPattern } from "../../../src/core/scrub/literal-pattern.ts";

const matches = (words: string[], text: string) =>
  [...text.matchAll(literalPattern(words)!)].map((m) => m[0]);

describe("literalPattern", () => {
  it("returns undefined without a non-empty word", () => {
    expect(literalPattern([])).toBeUndefined();
    expect(literalPattern([""])).toBeUndefined();
  });

  it("prefers the longest word at a position", () => {
    expect(matches(["ab", "abcd", "abc"], "abcde ab abc")).toEqual(["abcd", "ab", "abc"]);
  });

  it("treats special characters literally", () => {
    const words = ["a.b", "(x)", "[y]", "z|w", "\\q", "$1^", "*+?", "{2}", "/-/"];
    const text = words.join(" ");
    expect(matches(words, `axb ${text}`)).toEqual(words);
  });

  it("finds exactly what indexOf finds, for any words", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 6, unit: "binary" }), { minLength: 1, maxLength: 8 }),
        fc.string({ unit: "binary" }),
        (words, text) => {
          const pattern = literalPattern(words)!;
          for (const match of text.matchAll(pattern)) {
            expect(words).toContain(match[0]);
            const longer = words.filter((w) => w.length > match[0].length && text.startsWith(w, match.index));
            expect(longer).toEqual([]);
          }
          const replaced = text.replace(pattern, "");
          const anyLeft = words.some((w) => text.includes(w))
            ? replaced.length < text.length
            : replaced === text;
          expect(anyLeft).toBe(true);
        },
      ),
    );
  });
});
