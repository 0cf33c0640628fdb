// Concrete security checks of the back-end module, used by the security auditor in the testing phase.
// Each check reads the source (static) or calls the module (behavioural) and returns pass or fail.
import assert from "node:assert/strict";

const RFC_SEED = Buffer.from("12345678901234567890");
const SECRET = "audit-secret";

/** `[id, feature or null, severity, title, check(source, mod)]`; a check throws to fail. */
export const CHECKS = [
  [
    "SEC-01",
    null,
    "high",
    "Secrets and signatures are compared in constant time",
    (src) => {
      assert.match(src, /timingSafeEqual\(/, "timingSafeEqual is never called");
      assert.doesNotMatch(
        src,
        /\b(signature|expected)\s*[!=]==|[!=]==\s*(signature|expected)\b/,
        "a signature is compared with ===",
      );
    },
  ],
  [
    "SEC-02",
    null,
    "high",
    "Randomness comes from node:crypto, not Math.random",
    (src) => {
      assert.doesNotMatch(src, /Math\.random/, "Math.random is used");
    },
  ],
  [
    "SEC-03",
    null,
    "high",
    "No dynamic code evaluation",
    (src) => {
      assert.doesNotMatch(src, /\beval\(|new Function\(/, "eval or new Function is used");
    },
  ],
  [
    "SEC-04",
    null,
    "high",
    "Signed tokens carry an expiry and are refused after it",
    (_src, m) => {
      const token = m.createSignedToken({ sub: "a", exp: 100 }, SECRET);
      assert.equal(
        m.readSignedToken(token, { secret: SECRET, now: 100 }).ok,
        false,
        "a token is accepted at its expiry",
      );
      const forever = m.createSignedToken({ sub: "a" }, SECRET);
      assert.equal(
        m.readSignedToken(forever, { secret: SECRET, now: 1 }).ok,
        false,
        "a token without expiry is accepted",
      );
    },
  ],
  [
    "SEC-05",
    null,
    "high",
    "Tampered tokens are refused",
    (_src, m) => {
      const token = m.createSignedToken({ sub: "a", exp: 100 }, SECRET);
      const [payload, sig] = token.split(".");
      const forged = `${Buffer.from(JSON.stringify({ sub: "admin", exp: 100 })).toString("base64url")}.${sig}`;
      assert.equal(
        m.readSignedToken(forged, { secret: SECRET, now: 1 }).ok,
        false,
        "a changed payload is accepted",
      );
      assert.equal(
        m.readSignedToken(`${payload}.${sig.slice(1)}`, { secret: SECRET, now: 1 }).ok,
        false,
        "a cut signature is accepted",
      );
    },
  ],
  [
    "SEC-06",
    "password",
    "medium",
    "Short and common passwords are refused",
    (_src, m) => {
      assert.equal(m.checkPassword("short1!").ok, false, "a 7-character password is accepted");
      assert.equal(m.checkPassword("password1234").ok, false, "a common password is accepted");
      assert.ok(m.PASSWORD_MIN_LENGTH >= 12, `minimum length is ${m.PASSWORD_MIN_LENGTH}`);
    },
  ],
  [
    "SEC-07",
    "twoFactor",
    "high",
    "TOTP matches RFC 6238 (SHA-1 test vectors)",
    (_src, m) => {
      const secret = m.base32Encode(RFC_SEED);
      assert.equal(m.totp(secret, { time: 59, digits: 8 }), "94287082");
      assert.equal(m.totp(secret, { time: 1111111109, digits: 8 }), "07081804");
    },
  ],
  [
    "SEC-08",
    "twoFactor",
    "high",
    "TOTP accepts at most ±1 step and refuses replays",
    (_src, m) => {
      const secret = m.base32Encode(RFC_SEED);
      const time = 1_700_000_000;
      const code = m.totp(secret, { time });
      assert.equal(
        m.verifyTotp(secret, code, { time: time + 60 }).ok,
        false,
        "a code 2 steps old is accepted",
      );
      const first = m.verifyTotp(secret, code, { time });
      assert.equal(
        m.verifyTotp(secret, code, { time, lastUsedStep: first.step }).ok,
        false,
        "a used code is accepted again",
      );
    },
  ],
  [
    "SEC-09",
    "emailVerification",
    "high",
    "Email tokens expire and cannot stand in for other tokens",
    (_src, m) => {
      const token = m.createEmailToken("a@example.com", { secret: SECRET, now: 0 });
      assert.ok(m.EMAIL_TOKEN_TTL_SECONDS <= 86400, "lifetime over 24 hours");
      assert.equal(
        m.verifyEmailToken(token, { secret: SECRET, now: m.EMAIL_TOKEN_TTL_SECONDS }).ok,
        false,
        "an expired link works",
      );
      const other = m.createSignedToken({ sub: "a@example.com", pur: "reset", exp: 99 }, SECRET);
      assert.equal(
        m.verifyEmailToken(other, { secret: SECRET, now: 1 }).ok,
        false,
        "another purpose's token works",
      );
    },
  ],
  [
    "SEC-10",
    "oauth",
    "high",
    "OAuth uses PKCE S256 (RFC 7636) and a provider-bound state",
    (_src, m) => {
      assert.equal(
        m.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      );
      const state = m.createOAuthState({ secret: SECRET, provider: "google", now: 0 });
      assert.equal(
        m.verifyOAuthState(state, { secret: SECRET, provider: "github", now: 1 }).ok,
        false,
        "state works for another provider",
      );
      assert.equal(
        m.verifyOAuthState(state, { secret: SECRET, provider: "google", now: 3600 }).ok,
        false,
        "state never expires",
      );
    },
  ],
];

/** Runs the checks that apply to `features`: `[{ id, severity, title, status, detail }]`. */
export function runChecks(source, mod, features) {
  return CHECKS.filter(([, feature]) => feature === null || features[feature]).map(
    ([id, , severity, title, check]) => {
      try {
        check(source, mod);
        return { id, severity, title, status: "pass", detail: "" };
      } catch (error) {
        return { id, severity, title, status: "fail", detail: String(error.message).split("\n")[0] };
      }
    },
  );
}
