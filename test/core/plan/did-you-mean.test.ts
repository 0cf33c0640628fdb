import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { didYouMean } from "../../../src/core/plan/did-you-mean.ts";

const KEYS = ["needs", "agents", "parallel", "when", "gate", "policy", "timeout_minutes", "max_concurrency"];

describe("didYouMean", () => {
  it.each([
    ["neds", "needs"],
    ["agent", "agents"],
    ["paralel", "parallel"],
    ["wen", "when"],
    ["GATE", "gate"],
    ["timeout_minute", "timeout_minutes"],
    ["max_concurency", "max_concurrency"],
    ["timeoutminutes", "timeout_minutes"],
  ])("%s → %s", (word, expected) => {
    expect(didYouMean(word, KEYS)).toBe(expected);
  });

  it.each(["banana", "x_y_z", "completely_unrelated_key"])("offers nothing close for %s", (word) => {
    expect(didYouMean(word, KEYS)).toBeUndefined();
  });

  it("allows max(2, len/3) edits", () => {
    expect(didYouMean("ab", ["xy"])).toBe("xy"); // 2 edits, floor of 2 applies
    expect(didYouMean("abc", ["xyz"])).toBeUndefined(); // 3 edits > 2
    expect(didYouMean("abcdefghijkl", ["abcdXXXXijkl"])).toBe("abcdXXXXijkl"); // 4 ≤ 12/3
    expect(didYouMean("abcdefghijkl", ["abcdXXXXXjkl"])).toBeUndefined(); // 5 > 4
  });

  it("prefers the closest candidate, then the first listed", () => {
    expect(didYouMean("gates", ["game", "gate"])).toBe("gate");
    expect(didYouMean("cat", ["bat", "hat"])).toBe("bat");
  });

  it("accepts any iterable and an empty one", () => {
    expect(didYouMean("whn", new Set(KEYS))).toBe("when");
    expect(didYouMean("when", [])).toBeUndefined();
  });

  it("never suggests something further than the limit", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }),
        (word, candidates) => {
          const suggestion = didYouMean(word, candidates);
          if (suggestion === undefined) return;
          expect(candidates).toContain(suggestion);
          expect(distance(word.toLowerCase(), suggestion.toLowerCase())).toBeLessThanOrEqual(
            Math.max(2, Math.floor(word.length / 3)),
          );
        },
      ),
    );
  });
});

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length]![b.length]!;
}
