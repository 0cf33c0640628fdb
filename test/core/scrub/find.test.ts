import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createScrubber, createSecretFinder, MASK, tokenKinds } from "../../../src/core/scrub/index.ts";

/** A random-looking run of `n` characters, built at run time so no token literal sits in the source. */
const noise = (n: number, alphabet = "aB3xY7qZ9mK2"): string =>
  Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join("");

/** With characters URL encoding changes, so its encoded form is not the value itself. */
const SECRET = `mk/${noise(30)}+key=`;
const bytes = (text: string) => Buffer.from(text, "utf8");

describe("createSecretFinder", () => {
  const holds = createSecretFinder([SECRET]);

  it.each([
    ["as written", `key=${SECRET}\n`],
    ["base64", Buffer.from(SECRET).toString("base64")],
    ["base64 inside a longer stream", Buffer.from(`{"key":"${SECRET}"}`).toString("base64")],
    ["base64url", Buffer.from(`xy${SECRET}`).toString("base64url")],
    ["URL-encoded", `https://example.com/?k=${encodeURIComponent(`${SECRET} and more`)}`],
    [
      "URL-encoded with lower-case hex",
      encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    ],
  ])("finds the secret %s", (name, text) => {
    if (name !== "as written") expect(text).not.toContain(SECRET);
    expect(holds(bytes(text))).toBe(true);
  });

  it("finds a value JSON-escaped", () => {
    const secret = `pa"ss\\${noise(20)}`;
    const text = JSON.stringify({ key: secret });
    expect(text).not.toContain(secret);
    expect(createSecretFinder([secret])(bytes(text))).toBe(true);
  });

  it("finds a value configured with surrounding whitespace without it", () => {
    expect(createSecretFinder([`  ${SECRET}\t`])(bytes(`key=${SECRET};`))).toBe(true);
  });

  it("searches binary content byte for byte, wherever the value sits", () => {
    const content = Buffer.concat([randomBytes(1000), Buffer.alloc(10), bytes(SECRET), randomBytes(1000)]);
    expect(holds(content)).toBe(true);
    expect(holds(content.subarray(0, 1010))).toBe(false);
    // A view into a larger buffer is searched within its own bounds only.
    expect(holds(content.subarray(1010 + SECRET.length))).toBe(false);
  });

  it("finds a value that is not ASCII by its UTF-8 bytes", () => {
    const secret = "pässwörd-🔑-schlüssel";
    expect(createSecretFinder([secret])(bytes(`x ${secret} y`))).toBe(true);
    expect(createSecretFinder([secret])(Buffer.from(`x ${secret} y`, "latin1"))).toBe(false);
  });

  it("finds nothing in content without the secret, and nothing at all without secrets", () => {
    expect(holds(bytes(`key=${SECRET.slice(0, -1)}\n`))).toBe(false);
    expect(holds(Buffer.alloc(0))).toBe(false);
    expect(createSecretFinder([])(bytes(SECRET))).toBe(false);
  });

  it("ignores values shorter than four characters, as the scrubber does", () => {
    expect(createSecretFinder(["abc"])(bytes("abc abc"))).toBe(false);
    expect(createSecretFinder(["abcd"])(bytes("xabcdx"))).toBe(true);
  });

  it("finds a line of a multi-line secret, not its ordinary lines", () => {
    const body = [noise(64, "ABCDEFabcdef0123456789+/"), noise(40, "ghijklGHIJKL456789")];
    const pem = ["-----BEGIN PRIVATE KEY-----", ...body, "-----END PRIVATE KEY-----"].join("\n");
    const holdsKey = createSecretFinder([pem]);
    expect(holdsKey(bytes(pem))).toBe(true);
    // Written with other line ends or indented in YAML, each body line still gives it away.
    expect(holdsKey(bytes(`key: |\r\n    ${body[0]}\r\n`))).toBe(true);
    // The header of any key of that type, or a section name of an ini secret, gives nothing away.
    expect(holdsKey(bytes("-----BEGIN PRIVATE KEY-----\n(an example)\n"))).toBe(false);
    expect(createSecretFinder([`[default]\nkey=${noise(20)}`])(bytes("[default]\n"))).toBe(false);
  });

  it("finds whatever the scrubber masks of a one-line secret", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 4, maxLength: 40 }),
        fc.string({ maxLength: 20 }),
        (secret, around) => {
          fc.pre(!/\r|\n/.test(secret) && secret.trim().length >= 4);
          const text = `${around}${secret}${around}`;
          if (createScrubber([secret])(text).includes(MASK) && !createScrubber([])(text).includes(MASK))
            expect(createSecretFinder([secret])(bytes(text))).toBe(true);
        },
      ),
    );
  });
});

describe("tokenKinds", () => {
  it("names each known token format found", () => {
    const text = `const fixture = "ghp_${noise(36)}";\nAWS_KEY=AKIA${noise(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}\n`;
    expect(tokenKinds(text)).toEqual(["GitHub tokens", "AWS credentials"]);
    expect(
      tokenKinds(`-----BEGIN RSA PRIVATE KEY-----\n${noise(64)}\n-----END RSA PRIVATE KEY-----`),
    ).toEqual(["private keys"]);
  });

  it("leaves what the scrubber leaves", () => {
    const lookalike = "pip install sk-learn-docs-2 and sk-learn-tutorial-x";
    expect(createScrubber()(lookalike)).toBe(lookalike);
    expect(tokenKinds(lookalike)).toEqual([]);
    expect(tokenKinds("")).toEqual([]);
  });

  it.each([
    ["an authorization header", 'curl -H "Authorization: Bearer <token>" https://api.example.com'],
    ["URL credentials", "postgres://app:secret@db:5432/app"],
    ["a query credential", "https://api.example.com/items?api_key=placeholder"],
  ])("does not look for formats the scrubber finds only by their context: %s", (_name, text) => {
    expect(createScrubber()(text)).not.toBe(text);
    expect(tokenKinds(text)).toEqual([]);
  });
});
