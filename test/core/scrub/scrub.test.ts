import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createScrubber, scrub } from "../../../src/core/scrub/index.ts";
import { SCRUB_TEXTS } from "../../support/hostile-inputs.ts";

/** A random-looking run of `n` characters, built at run time so no token literal sits in the source. */
const noise = (n: number, alphabet = "aB3xY7qZ9mK2"): string =>
  Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join("");
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

describe("known token formats", () => {
  it.each([
    ["GitHub classic PAT", `token=ghp_${noise(36)}`, "token=***"],
    ["GitHub OAuth", `gho_${noise(36)}`, "***"],
    ["GitHub user-to-server", `"ghu_${noise(36)}"`, '"***"'],
    ["GitHub installation", `GITHUB_TOKEN: ghs_${noise(36)}`, "GITHUB_TOKEN: ***"],
    ["GitHub refresh", `ghr_${noise(76)}.`, "***."],
    ["GitHub after an underscore", `MY_ghp_${noise(36)}`, "MY_***"],
    ["GitHub fine-grained PAT", `x github_pat_${noise(22)}_${noise(59)} y`, "x *** y"],
    ["OpenAI legacy", `OPENAI_API_KEY=sk-${noise(48)}`, "OPENAI_API_KEY=***"],
    ["OpenAI project", `key: sk-proj-${noise(74)}T3BlbkFJ${noise(74)}`, "key: ***"],
    ["OpenAI service account", `sk-svcacct-${noise(58)}`, "***"],
    ["Anthropic", `ANTHROPIC_API_KEY='sk-ant-api03-${noise(93)}AA'`, "ANTHROPIC_API_KEY='***'"],
    ["AWS access key id", `id AKIA${noise(16, UPPER)} here`, "id *** here"],
    ["AWS temporary key id", `ASIA${noise(16, UPPER)}`, "***"],
    ["AWS secret, ini", `aws_secret_access_key = ${noise(40)}`, "aws_secret_access_key = ***"],
    ["AWS secret, env", `AWS_SECRET_ACCESS_KEY=${noise(30)}/${noise(9)}`, "AWS_SECRET_ACCESS_KEY=***"],
    ["AWS secret, JSON", `{"SecretAccessKey": "${noise(40)}"}`, '{"SecretAccessKey": "***"}'],
    ["Slack bot", `xoxb-${noise(12, "0123456789")}-${noise(12, "0123456789")}-${noise(24)}`, "***"],
    ["Slack user", `SLACK=xoxp-${noise(40)}`, "SLACK=***"],
    ["Slack workspace", `xoxa-2-${noise(30)}`, "***"],
    ["Slack app-level", `xapp-1-A${noise(10)}-${noise(30)}`, "***"],
    [
      "Slack webhook",
      `https://hooks.slack.com/services/T${noise(8)}/B${noise(8)}/${noise(24)}`,
      "https://hooks.slack.com/services/***",
    ],
    ["npm token", `npm_${noise(36)}`, "***"],
    [
      "npmrc auth token",
      `//registry.npmjs.org/:_authToken=${noise(20)}`,
      "//registry.npmjs.org/:_authToken=***",
    ],
    ["Bearer header", `Authorization: Bearer ${noise(40)}`, "Authorization: Bearer ***"],
    ["token header", `-H "authorization: token ${noise(20)}"`, '-H "authorization: token ***"'],
    ["Basic header", `Authorization: Basic ${noise(24)}==`, "Authorization: Basic ***"],
    ["JSON header", `{"Authorization":"Bearer ${noise(30)}"}`, '{"Authorization":"Bearer ***"}'],
    ["API key header", `X-API-Key: ${noise(32)}`, "X-API-Key: ***"],
    ["bare bearer", `using bearer ${noise(20)}.${noise(30)}`, "using bearer ***"],
    ["URL password", "https://user:hunter2@example.com/x", "https://user:***@example.com/x"],
    [
      "URL token",
      `https://x-access-token:${noise(40)}@github.com/o/r.git`,
      "https://x-access-token:***@github.com/o/r.git",
    ],
    [
      "URL x-oauth-basic",
      `https://${noise(40)}:x-oauth-basic@github.com/`,
      "https://***:x-oauth-basic@github.com/",
    ],
    ["postgres URL", "postgres://app:s3cret-pw@db:5432/app", "postgres://app:***@db:5432/app"],
    [
      "query token",
      "https://example.com/cb?code=1&access_token=abc123def",
      "https://example.com/cb?code=1&access_token=***",
    ],
  ])("%s", (_name, text, expected) => {
    expect(scrub(text)).toBe(expected);
  });

  const pem = (label: string, body: string, nl = "\n") =>
    `-----BEGIN ${label}-----${nl}${body}${nl}-----END ${label}-----`;

  it.each([
    "RSA PRIVATE KEY",
    "PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "EC PRIVATE KEY",
    "OPENSSH PRIVATE KEY",
    "PGP PRIVATE KEY BLOCK",
  ])("masks a whole %s block", (label) => {
    const body = Array.from({ length: 6 }, (_, i) => noise(64, `MIIE${i}aB+/`)).join("\n");
    expect(scrub(`before\n${pem(label, body)}\nafter`)).toBe("before\n***\nafter");
  });

  it("masks a PEM block with escaped newlines inside JSON", () => {
    const json = JSON.stringify({ key: pem("PRIVATE KEY", noise(200)) });
    expect(scrub(json)).toBe('{"key":"***"}');
  });

  it("masks a PEM block cut off before its END line", () => {
    const out = scrub(`-----BEGIN RSA PRIVATE KEY-----\n${noise(64)}\n${noise(40)}`);
    expect(out).toBe("***");
  });

  it("leaves a public key or certificate alone", () => {
    const cert = `-----BEGIN CERTIFICATE-----\n${noise(64)}\n-----END CERTIFICATE-----`;
    expect(scrub(cert)).toBe(cert);
  });

  it.each([
    "sk-learn is a library; sk-learn-docs-2 too",
    "task-1 depends on task-2; risk-assessment-report-generator-v2",
    "commit c0ffee1234567890c0ffee1234567890c0ffee12 (c0ffee1)",
    "run 123e4567-e89b-12d3-a456-426614174000 finished",
    "https://github.com/octo/repo/pull/12#issuecomment-1 and git@github.com:octo/repo.git",
    "mail octocat@example.com at 2024-05-01T10:00:00Z",
    "the bearer of bad news; Authorization header is required",
    "npm_config_cache=/tmp/npm ghp_ xoxb- AKIA sk-",
    "const token = getToken(); // token refresh",
    "-----BEGIN PUBLIC KEY----- and BEGIN PRIVATE KEY without dashes",
    "마감: 2024-12-01, 스택: python",
  ])("leaves ordinary text alone: %s", (text) => {
    expect(scrub(text)).toBe(text);
  });
});

describe("configured secret values", () => {
  const secret = "correct-horse-battery-staple";
  const b64 = (text: string) => Buffer.from(text).toString("base64");

  it.each([
    ["raw", `password is ${secret}!`],
    ["base64", `Basic ${b64(secret)}`],
    ["base64 without padding", b64(secret).replace(/=+$/, "")],
    ["base64url", Buffer.from(`${secret}??>`).toString("base64url")],
    ["URL-encoded", `?p=${encodeURIComponent(`${secret} & more`)}`],
    ["JSON-escaped", JSON.stringify({ v: `say "${secret}"` })],
  ])("masks the %s form", (_form, text) => {
    const secrets = [secret, `${secret} & more`, `${secret}??>`, `say "${secret}"`];
    const out = scrub(text, secrets);
    expect(out).toContain("***");
    for (const value of secrets) expect(out).not.toContain(value);
  });

  it.each([0, 1, 2, 3, 4, 5])(
    "masks its base64 inside a longer base64 stream (prefix %i bytes)",
    (prefix) => {
      const stream = b64(`${"p".repeat(prefix)}${secret}tail`);
      const out = scrub(`data: ${stream}`, [secret]);
      expect(out).toContain("***");
      expect(out.replace("***", "").length).toBeLessThan(stream.length - 20);
    },
  );

  it("masks URL-encoded forms with lower-case hex and + for spaces", () => {
    const value = "p@ss word/with:chars";
    expect(scrub("p%40ss+word%2Fwith%3Achars", [value])).toBe("***");
    expect(scrub("p%40ss%20word%2fwith%3achars", [value])).toBe("***");
  });

  it("ignores values shorter than four characters", () => {
    expect(scrub("abc abc", ["abc", "", "x"])).toBe("abc abc");
    expect(scrub("abcd abc", ["abcd"])).toBe("*** abc");
  });

  it("replaces the longest value first", () => {
    expect(scrub("key=abcdefgh;", ["abcd", "abcdefgh"])).toBe("key=***;");
    expect(scrub("key=abcdefgh;", ["abcdefgh", "abcd"])).toBe("key=***;");
    expect(scrub("abcd", ["abcdefgh", "abcd"])).toBe("***");
  });

  it("masks each line of a multi-line value and a value without surrounding whitespace", () => {
    const multi = "line-one-secret\nline-two-secret\n";
    expect(scrub("got line-two-secret", [multi])).toBe("got ***");
    expect(scrub("got line-one-secret\nline-two-secret\n.", [multi])).toBe("got ***.");
    expect(scrub("v=padded-secret;", ["  padded-secret\n"])).toBe("v=***;");
  });

  it("treats regular-expression characters literally", () => {
    expect(scrub("a.*b(c)[d]|e$ and axxb", ["a.*b(c)[d]|e$"])).toBe("*** and axxb");
  });

  it("never lets a masked value reappear around a mask", () => {
    expect(scrub("a-secret-b", ["-secret-", "a*** b", "a***b"])).toBe("***");
  });

  it("a precompiled scrubber gives the same result as scrub", () => {
    const secrets = ["one-secret", "two-secret"];
    const scrubber = createScrubber(secrets);
    const text = `x one-secret ${b64("two-secret")} ghp_${noise(36)}`;
    expect(scrubber(text)).toBe(scrub(text, secrets));
    expect(scrubber(text)).toBe(scrubber(text));
  });
});

/**
 * A guard against super-linear time (backtracking on these inputs takes minutes), with room for a
 * slow or busy machine; how fast scrubbing is, is measured by bench/input-speed.ts.
 */
const LINEAR_MS = 10_000;

describe("robustness", () => {
  it.each(Object.entries(SCRUB_TEXTS))("stays linear on %s", (_name, text) => {
    const started = performance.now();
    scrub(text, ["some-secret-value", "aaaa"]);
    expect(performance.now() - started).toBeLessThan(LINEAR_MS);
  });

  it("scrubs 1 MB of log with 20 secrets in linear time, masking only the secrets", () => {
    const secrets = Array.from({ length: 20 }, (_, i) => `secret-${i}-${noise(20 + i)}`);
    const line = "2024-01-01T00:00:00Z INFO task-12 ran npm test (exit 0) sha=c0ffee1234567890c0ffee12\n";
    const log = line.repeat(Math.ceil(1_000_000 / line.length));
    const text = `${log}${secrets[7]} ${Buffer.from(secrets[3]!).toString("base64")}`;
    const scrubber = createScrubber(secrets);
    const started = performance.now();
    const out = scrubber(text);
    expect(performance.now() - started).toBeLessThan(LINEAR_MS);
    expect(out === `${log}*** ***`).toBe(true);
  });

  it("never throws, and never leaves a configured value in the output", () => {
    const secret = fc.string({ minLength: 4, maxLength: 24, unit: "binary" });
    const piece = fc.oneof(
      fc.string({ maxLength: 20, unit: "binary" }),
      fc.constantFrom(
        "ghp_",
        "sk-",
        "https://u:",
        "@",
        "***",
        "*",
        "Authorization: Bearer ",
        "\n",
        "-----BEGIN ",
      ),
    );
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 5 }),
        fc.array(piece, { maxLength: 12 }),
        fc.nat(),
        (secrets, pieces, seed) => {
          const parts = [...pieces];
          for (const [i, value] of secrets.entries()) {
            parts.splice((seed + i * 7) % (parts.length + 1), 0, value);
          }
          const out = scrub(parts.join(""), secrets);
          for (const value of secrets) expect(out).not.toContain(value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never throws on arbitrary input and secrets", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.array(fc.string({ unit: "binary" })), (text, secrets) => {
        expect(typeof scrub(text, secrets)).toBe("string");
      }),
    );
  });
});
