// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow-expression text is fed in as data on purpose
import { describe, expect, it } from "vitest";
import {
  capUtf8,
  cleanText,
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
