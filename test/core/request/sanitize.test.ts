// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow-expression text is fed in as data on purpose
import { describe, expect, it } from "vitest";
import {
  capUtf8,
  cleanText,
  hasHidden,
  MAX_TEXT_BYTES,
  parseRequest,
  stripHidden,
} from "../../../src/core/request/index.ts";

describe("stripHidden", () => {
  it("removes NUL, C0 and C1 controls but keeps tab and newline", () => {
    expect(stripHidden("a\u0000b\u0007c\u001bd\u007fe\u0085f\u009fg\th\ni")).toBe("abcdefg\th\ni");
  });

  it("removes bidi controls and zero-width characters", () => {
    const hidden =
      "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060\ufeff";
    expect(stripHidden(`ad${hidden}min`)).toBe("admin");
  });

  it.each<[string, string]>([
    [
      "Unicode tags (text spelled in invisible tag letters)",
      "\u{E0001}\u{E0049}\u{E0067}\u{E006E}\u{E007F}\u{E0000}",
    ],
    ["variation selectors", "\ufe00\ufe0f\u{E0100}\u{E01EF}"],
    ["invisible operators", "\u2061\u2062\u2063\u2064"],
    ["the combining grapheme joiner and the Mongolian vowel separator", "\u034f\u180e"],
    ["other format characters", "\u00ad\u206a\u206f\ufff9\ufffb\u{1D173}"],
    ["Hangul fillers and other characters drawn as nothing", "\u115f\u1160\u3164\uffa0\u180b\u17b4\u{E0FFF}"],
  ])("removes %s", (_name, hidden) => {
    expect(stripHidden(`ad${hidden}min`)).toBe("admin");
    expect(hasHidden(`ad${hidden}min`)).toBe(true);
  });

  it("removes the zero-width joiner inside emoji too: a joined emoji shows as its parts", () => {
    expect(stripHidden("\u{1F469}\u200d\u{1F4BB} \u2764\ufe0f")).toBe("\u{1F469}\u{1F4BB} \u2764");
  });

  it("turns line and paragraph separators into newlines: the words they separate stay apart", () => {
    expect(stripHidden("line1\u2028line2\u2029line3")).toBe("line1\nline2\nline3");
    expect(hasHidden("a\u2028b")).toBe(true);
  });

  it("normalizes CRLF and drops a lone CR", () => {
    expect(stripHidden("a\r\nb\rc")).toBe("a\nbc");
  });

  it("keeps ordinary text, Korean, emoji and template syntax", () => {
    const text = "회원가입 😀 ${{ secrets.TOKEN }} `x` $(rm -rf /) | & ;";
    expect(stripHidden(text)).toBe(text);
  });
});

describe("caps", () => {
  it("caps text at 64 KiB of UTF-8 without splitting characters", () => {
    expect(cleanText("a".repeat(MAX_TEXT_BYTES + 10)).length).toBe(MAX_TEXT_BYTES);
    const korean = cleanText("가".repeat(MAX_TEXT_BYTES));
    expect(new TextEncoder().encode(korean).length).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(korean.length).toBe(Math.floor(MAX_TEXT_BYTES / 3));
    expect(capUtf8("a😀", 4)).toBe("a");
    expect(capUtf8("a😀", 5)).toBe("a😀");
  });

  it("parseRequest applies both", () => {
    const r = parseRequest({ body: `Project: x\u202e\u0000y\r\n${"z".repeat(200_000)}` }, { now: 0 });
    expect(r.project).toBe("xy");
    expect(r.text.startsWith("Project: xy\nzzz")).toBe(true);
    expect(new TextEncoder().encode(r.text).length).toBe(MAX_TEXT_BYTES);
  });
});
