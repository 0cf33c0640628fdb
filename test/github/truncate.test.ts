import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { truncate, truncateBytes } from "../../src/github/truncate.ts";

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

describe("truncateBytes", () => {
  it("counts UTF-8 bytes, the note within the limit", () => {
    expect(truncateBytes("abc", 3)).toBe("abc");
    expect(truncateBytes("회원가입", 12)).toBe("회원가입");
    // "…" is 3 bytes: 9 bytes leave 6 for the text, two Korean characters.
    expect(truncateBytes("회원가입", 9)).toBe("회원…");
    expect(truncateBytes("회원가입", 8)).toBe("회…");
    expect(truncateBytes("ab😀cde", 8)).toBe("ab…");
    expect(truncateBytes("ab😀cdef", 9)).toBe("ab😀…");
    expect(truncateBytes("abcdef", 5, "[cut]")).toBe("[cut]");
    expect(truncateBytes("abcdef", 3, "[cut]")).toBe("[cu");
  });

  it("is the text, or its longest prefix that fits with the note, whatever the text", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.integer({ min: 4, max: 300 }),
        (text, limit) => {
          const out = truncateBytes(text, limit);
          expect(bytes(out)).toBeLessThanOrEqual(limit);
          if (bytes(text) <= limit) {
            expect(out).toBe(text);
            return;
          }
          const kept = out.slice(0, -1);
          expect(out.endsWith("…")).toBe(true);
          expect(text.startsWith(kept)).toBe(true);
          // Not a pair cut in half, and nothing more would have fitted.
          expect(kept).not.toMatch(/[\ud800-\udbff]$/);
          const next = text.codePointAt(kept.length)!;
          const nextBytes = bytes(String.fromCodePoint(next));
          expect(bytes(kept) + nextBytes + 3).toBeGreaterThan(limit);
        },
      ),
    );
  });
});

describe("truncate", () => {
  it("counts UTF-16 units and does not split a surrogate pair", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("ab😀cd", 4)).toBe("ab…");
    expect(truncate("abc", 3)).toBe("abc");
  });
});
