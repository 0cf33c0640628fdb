// Blueprint of the back-end module's tests (node:test). The qa agent copies it as auth.test.mjs,
// keeping only the `// @feature <name>` … `// @end` regions the request asks for.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import * as auth from "./auth.mjs";

const SECRET = "test-signing-secret";

test("safeEqual compares equal and unequal strings", () => {
  assert.equal(auth.safeEqual("abc", "abc"), true);
  assert.equal(auth.safeEqual("abc", "abd"), false);
  assert.equal(auth.safeEqual("abc", "abcd"), false);
});

test("a signed token round-trips until it expires", () => {
  const token = auth.createSignedToken({ sub: "x", exp: 100 }, SECRET);
  assert.deepEqual(auth.readSignedToken(token, { secret: SECRET, now: 99 }), {
    ok: true,
    claims: { sub: "x", exp: 100 },
  });
  assert.equal(auth.readSignedToken(token, { secret: SECRET, now: 100 }).reason, "expired");
});

test("a signed token is refused when malformed, forged or without expiry", () => {
  const token = auth.createSignedToken({ sub: "x", exp: 100 }, SECRET);
  assert.equal(auth.readSignedToken("nope", { secret: SECRET, now: 1 }).reason, "malformed");
  assert.equal(auth.readSignedToken(undefined, { secret: SECRET, now: 1 }).reason, "malformed");
  assert.equal(auth.readSignedToken(token, { secret: "other", now: 1 }).reason, "bad-signature");
  const payload = Buffer.from("not json").toString("base64url");
  const signed = `${payload}.${createHmac("sha256", SECRET).update(payload).digest("base64url")}`;
  assert.equal(auth.readSignedToken(signed, { secret: SECRET, now: 1 }).reason, "malformed");
  const noExpiry = auth.createSignedToken({ sub: "x" }, SECRET);
  assert.equal(auth.readSignedToken(noExpiry, { secret: SECRET, now: 1 }).reason, "expired");
  assert.throws(() => auth.createSignedToken({ exp: 1 }, ""), /secret/);
});

// @feature password
test("checkPassword accepts a long, uncommon password", () => {
  assert.deepEqual(auth.checkPassword("correct horse battery staple"), { ok: true, errors: [] });
});

test("checkPassword explains every failed rule", () => {
  assert.deepEqual(auth.checkPassword("short").errors, ["use at least 12 characters"]);
  assert.ok(auth.checkPassword("x".repeat(129)).errors.includes("use at most 128 characters"));
  assert.ok(auth.checkPassword("Password1234").errors.includes("this password is too common"));
  assert.ok(auth.checkPassword("aaaaaaaaaaaa").errors.includes("do not repeat a single character"));
  const withName = auth.checkPassword("minji-loves-tea-2024", { email: "minji@example.com" });
  assert.deepEqual(withName.errors, ["do not include your email name"]);
  assert.equal(auth.checkPassword(42).ok, false);
});
// @end

// @feature twoFactor
// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = auth.base32Encode(Buffer.from("12345678901234567890"));

test("base32 encodes and decodes RFC 4648 vectors", () => {
  assert.equal(auth.base32Encode(Buffer.from("foobar")), "MZXW6YTBOI");
  assert.equal(auth.base32Decode("mzxw 6ytb oi======").toString(), "foobar");
  assert.throws(() => auth.base32Decode("MZ1"), /invalid base32/);
});

test("hotp matches the RFC 4226 test values", () => {
  assert.equal(auth.hotp(RFC_SECRET, 0), "755224");
  assert.equal(auth.hotp(RFC_SECRET, 1), "287082");
});

test("totp matches the RFC 6238 SHA-1 test values", () => {
  assert.equal(auth.totp(RFC_SECRET, { time: 59, digits: 8 }), "94287082");
  assert.equal(auth.totp(RFC_SECRET, { time: 1111111109, digits: 8 }), "07081804");
  assert.equal(auth.totp(RFC_SECRET).length, 6);
});

test("verifyTotp accepts the current and adjacent steps only", () => {
  const time = 1_700_000_000;
  const code = auth.totp(RFC_SECRET, { time });
  assert.deepEqual(auth.verifyTotp(RFC_SECRET, code, { time }), { ok: true, step: Math.floor(time / 30) });
  assert.equal(auth.verifyTotp(RFC_SECRET, code, { time: time + 30 }).ok, true);
  assert.equal(auth.verifyTotp(RFC_SECRET, code, { time: time + 90 }).reason, "mismatch");
  assert.equal(auth.verifyTotp(RFC_SECRET, "12a456", { time }).reason, "format");
  assert.equal(auth.verifyTotp(RFC_SECRET, undefined).reason, "format");
});

test("verifyTotp refuses a replayed code", () => {
  const time = 1_700_000_000;
  const first = auth.verifyTotp(RFC_SECRET, auth.totp(RFC_SECRET, { time }), { time });
  const again = auth.verifyTotp(RFC_SECRET, auth.totp(RFC_SECRET, { time }), {
    time,
    lastUsedStep: first.step,
  });
  assert.equal(again.ok, false);
});

test("generateTotpSecret and otpauthUri give an app-readable setup", () => {
  const secret = auth.generateTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  const uri = auth.otpauthUri(secret, { account: "minji@example.com", issuer: "Example" });
  assert.ok(uri.startsWith("otpauth://totp/Example%3Aminji%40example.com?secret="));
  assert.ok(uri.includes("period=30"));
});
// @end

// @feature emailVerification
test("an email token verifies within its lifetime and names the address", () => {
  const token = auth.createEmailToken("Minji@Example.com", { secret: SECRET, now: 1000 });
  assert.deepEqual(auth.verifyEmailToken(token, { secret: SECRET, now: 1001 }), {
    ok: true,
    email: "minji@example.com",
  });
});

test("an email token expires after its lifetime", () => {
  const token = auth.createEmailToken("a@example.com", { secret: SECRET, now: 1000, ttlSeconds: 60 });
  assert.equal(auth.verifyEmailToken(token, { secret: SECRET, now: 1060 }).reason, "expired");
  assert.equal(auth.verifyEmailToken(`${token}x`, { secret: SECRET, now: 1001 }).reason, "bad-signature");
});

test("a token signed for another purpose is not an email token", () => {
  const other = auth.createSignedToken({ sub: "a@example.com", pur: "reset", exp: 9999 }, SECRET);
  assert.equal(auth.verifyEmailToken(other, { secret: SECRET, now: 1 }).reason, "wrong-purpose");
  assert.ok(
    auth.verifyEmailToken(auth.createEmailToken("a@example.com", { secret: SECRET }), { secret: SECRET }).ok,
  );
});
// @end

// @feature oauth
test("pkceChallenge matches the RFC 7636 appendix B vector", () => {
  const challenge = auth.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  assert.equal(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  const pair = auth.createPkcePair();
  assert.equal(pair.challenge, auth.pkceChallenge(pair.verifier));
  assert.equal(pair.method, "S256");
});

test("an OAuth state is bound to its provider and expires", () => {
  const state = auth.createOAuthState({ secret: SECRET, provider: "google", now: 1000 });
  assert.deepEqual(auth.verifyOAuthState(state, { secret: SECRET, provider: "google", now: 1001 }), {
    ok: true,
  });
  assert.equal(
    auth.verifyOAuthState(state, { secret: SECRET, provider: "github", now: 1001 }).reason,
    "wrong-purpose",
  );
  assert.equal(
    auth.verifyOAuthState(state, { secret: SECRET, provider: "google", now: 1600 }).reason,
    "expired",
  );
  const fresh = auth.createOAuthState({ secret: SECRET, provider: "google" });
  assert.ok(auth.verifyOAuthState(fresh, { secret: SECRET, provider: "google" }).ok);
});

test("authorizationUrl asks for the code flow with an S256 challenge", () => {
  const url = new URL(
    auth.authorizationUrl(
      { authorizeEndpoint: "https://accounts.example.com/authorize" },
      { clientId: "client", redirectUri: "https://app.example.com/cb", state: "s", challenge: "c" },
    ),
  );
  assert.equal(url.searchParams.get("response_type"), "code");
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.equal(url.searchParams.get("scope"), "openid email profile");
});
// @end
