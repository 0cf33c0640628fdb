import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodedForms } from "../../../src/core/scrub/encoded-forms.ts";

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

describe("encodedForms", () => {
  it("includes base64 with and without padding, and base64url", () => {
    const forms = encodedForms("s3cr3t?>value");
    expect(forms).toContain(base64("s3cr3t?>value"));
    expect(forms).toContain(base64("s3cr3t?>value").replace(/=+$/, ""));
    expect(forms).toContain(base64url("s3cr3t?>value"));
  });

  it("encodes UTF-8 as Buffer does, lone surrogates included", () => {
    for (const text of ["pässwörd", "비밀번호-키", "emoji-🔑-key", "bad-\ud800-surrogate"]) {
      expect(encodedForms(text)).toContain(base64(text));
    }
  });

  it("includes URL encodings and JSON escaping", () => {
    const forms = encodedForms('p@ss w"rd/é');
    expect(forms).toContain(encodeURIComponent('p@ss w"rd/é'));
    expect(forms).toContain(encodeURIComponent('p@ss w"rd/é').toLowerCase().replace("p%40ss", "p%40ss"));
    expect(forms).toContain("p%40ss+w%22rd%2F%C3%A9");
    expect(forms).toContain('p@ss w\\"rd/é');
  });

  it("leaves out the value itself and forms shorter than four characters", () => {
    const forms = encodedForms("abcd");
    expect(forms).not.toContain("abcd");
    expect(forms.every((form) => form.length >= 4)).toBe(true);
  });

  it("finds every line of a long secret's base64 wrapped at 76 (base64) or 64 (PEM) columns", async () => {
    const { createScrubber } = await import("../../../src/core/scrub/index.ts");
    const secret = `sk-live-${"Abc123xyz".repeat(10)}`; // 98 characters
    const scrub = createScrubber([secret]);
    for (const width of [64, 76]) {
      const wrapped = (base64(secret).match(new RegExp(`.{1,${width}}`, "g")) ?? []).join("\n");
      const masked = scrub(wrapped);
      for (const line of wrapped.split("\n"))
        if (line.replace(/=+$/, "").length >= 8) expect(masked).not.toContain(line);
    }
  });

  it("finds the secret in a base64 stream at any alignment", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 7, maxLength: 40 }),
        fc.string(),
        fc.string(),
        (secret, before, after) => {
          const forms = encodedForms(secret);
          for (const encode of [base64, base64url]) {
            const stream = encode(before + secret + after);
            expect(forms.some((form) => stream.includes(form))).toBe(true);
          }
        },
      ),
    );
  });
});
