// Blueprint of the back-end sign-up module. The dev agent copies it, keeping only the
// `// @feature <name>` … `// @end` regions the request asks for.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Current time in whole seconds; every function takes `now`/`time` so tests can pin it. */
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Compares two strings in constant time (for their common length). */
export function safeEqual(a, b) {
  const [left, right] = [Buffer.from(String(a)), Buffer.from(String(b))];
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

/** Signs `claims` (a JSON object with `exp`, in seconds) into `<payload>.<HMAC-SHA256>`, base64url. */
export function createSignedToken(claims, secret) {
  if (!secret) throw new Error("a signing secret is required");
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = createHmac("sha256", secret).update(payload).digest("base64url");
  return `${payload}.${signature}`;
}

/** Reads a signed token: `{ ok: true, claims }` or `{ ok: false, reason }` (malformed, bad-signature, expired). */
export function readSignedToken(token, { secret, now = nowSeconds() }) {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") return { ok: false, reason: "malformed" };
  const [payload, signature] = parts;
  const expected = createHmac("sha256", secret).update(payload).digest("base64url");
  if (!safeEqual(signature, expected)) return { ok: false, reason: "bad-signature" };
  let claims;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof claims?.exp !== "number" || now >= claims.exp) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}

// @feature password
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
const COMMON_PASSWORDS = new Set(
  "password1234 123456789012 qwertyuiopas iloveyou1234 letmein12345 welcome12345 administrator".split(" "),
);

/** Checks a password against the policy (NIST SP 800-63B style): `{ ok, errors }`. */
export function checkPassword(password, { email = "" } = {}) {
  if (typeof password !== "string") return { ok: false, errors: ["password must be a string"] };
  const errors = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) errors.push(`use at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) errors.push(`use at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) errors.push("this password is too common");
  if (/^(.)\1*$/u.test(password)) errors.push("do not repeat a single character");
  const name = email.split("@")[0].toLowerCase();
  if (name.length >= 3 && lower.includes(name)) errors.push("do not include your email name");
  return { ok: errors.length === 0, errors };
}
// @end

// @feature twoFactor
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 without padding, the format authenticator apps read. */
export function base32Encode(bytes) {
  const bits = [...bytes].map((byte) => byte.toString(2).padStart(8, "0")).join("");
  return (bits.match(/.{1,5}/g) ?? [])
    .map((chunk) => BASE32[Number.parseInt(chunk.padEnd(5, "0"), 2)])
    .join("");
}

/** Decodes base32 (case-insensitive, spaces and padding ignored); throws on other characters. */
export function base32Decode(text) {
  const out = [];
  let [bits, value] = [0, 0];
  for (const char of String(text).toUpperCase().replace(/[\s=]/g, "")) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`invalid base32 character "${char}"`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits < 8) continue;
    bits -= 8;
    out.push((value >>> bits) & 255);
  }
  return Buffer.from(out);
}

/** A new random TOTP secret (160 bits, as RFC 4226 recommends), base32. */
export const generateTotpSecret = (bytes = 20) => base32Encode(randomBytes(bytes));

/** HOTP (RFC 4226) with HMAC-SHA1: the `digits`-digit code for `counter`; `key` is the decoded secret. */
function hotpWithKey(key, counter, digits) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = mac[mac.length - 1] & 15;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, "0");
}

/** HOTP (RFC 4226): the `digits`-digit code of a base32 secret for `counter`. */
export function hotp(secret, counter, digits = 6) {
  return hotpWithKey(base32Decode(secret), counter, digits);
}

/** TOTP (RFC 6238): the code for `time` (seconds) with a `step`-second period. */
export function totp(secret, { time = nowSeconds(), step = 30, digits = 6 } = {}) {
  return hotp(secret, Math.floor(time / step), digits);
}

/**
 * Verifies a TOTP code within ±`window` steps, the current step first. Codes of steps at or before
 * `lastUsedStep` are refused (replay protection): store the returned `step` after a success.
 */
export function verifyTotp(secret, code, options = {}) {
  const { time = nowSeconds(), step = 30, digits = 6, window = 1, lastUsedStep = -1 } = options;
  const token = String(code ?? "").replace(/\s/g, "");
  if (token.length !== digits || !/^\d+$/.test(token)) return { ok: false, reason: "format" };
  const key = base32Decode(secret);
  const current = Math.floor(time / step);
  for (const offset of [0, ...Array.from({ length: window }, (_, i) => [-(i + 1), i + 1]).flat()]) {
    const counter = current + offset;
    if (counter < 0 || counter <= lastUsedStep) continue;
    if (safeEqual(hotpWithKey(key, counter, digits), token)) return { ok: true, step: counter };
  }
  return { ok: false, reason: "mismatch" };
}

/** The `otpauth://` URI an authenticator app scans as a QR code. */
export function otpauthUri(secret, { account, issuer }) {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const query = new URLSearchParams({ secret, issuer, algorithm: "SHA1", digits: "6", period: "30" });
  return `otpauth://totp/${label}?${query}`;
}
// @end

// @feature emailVerification
export const EMAIL_TOKEN_TTL_SECONDS = 24 * 60 * 60;

/** A signed, expiring email-verification token for `email`. */
export function createEmailToken(email, options) {
  const { secret, now = nowSeconds(), ttlSeconds = EMAIL_TOKEN_TTL_SECONDS } = options;
  const claims = { sub: String(email).toLowerCase(), pur: "verify-email", exp: now + ttlSeconds };
  return createSignedToken(claims, secret);
}

/** Verifies an email-verification token: `{ ok: true, email }` or `{ ok: false, reason }`. */
export function verifyEmailToken(token, { secret, now = nowSeconds() }) {
  const read = readSignedToken(token, { secret, now });
  if (!read.ok) return read;
  if (read.claims.pur !== "verify-email") return { ok: false, reason: "wrong-purpose" };
  return { ok: true, email: read.claims.sub };
}
// @end

// @feature oauth
/** PKCE S256 challenge of a code verifier (RFC 7636). */
export function pkceChallenge(verifier) {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** A fresh PKCE pair: the verifier stays server-side, the challenge goes to the provider. */
export function createPkcePair(verifier = randomBytes(32).toString("base64url")) {
  return { verifier, challenge: pkceChallenge(verifier), method: "S256" };
}

/** A signed, short-lived OAuth `state` bound to the provider (CSRF protection). */
export function createOAuthState({ secret, provider, now = nowSeconds(), ttlSeconds = 600 }) {
  const nonce = randomBytes(16).toString("base64url");
  return createSignedToken({ pur: "oauth-state", prv: provider, non: nonce, exp: now + ttlSeconds }, secret);
}

/** Checks the `state` returned to the OAuth callback. */
export function verifyOAuthState(state, { secret, provider, now = nowSeconds() }) {
  const read = readSignedToken(state, { secret, now });
  if (!read.ok) return read;
  if (read.claims.pur !== "oauth-state" || read.claims.prv !== provider)
    return { ok: false, reason: "wrong-purpose" };
  return { ok: true };
}

/** The provider's authorization URL for the authorization-code flow with PKCE. */
export function authorizationUrl(provider, options) {
  const { clientId, redirectUri, state, challenge, scope = "openid email profile" } = options;
  const url = new URL(provider.authorizeEndpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  return url.toString();
}
// @end
