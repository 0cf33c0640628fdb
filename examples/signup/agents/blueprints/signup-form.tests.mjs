// Blueprint of the front-end module's tests (node:test). The qa agent copies it as
// signup-form.test.mjs, keeping only the `// @feature <name>` … `// @end` regions the request asks for.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as form from "./signup-form.mjs";

const GOOD = {
  email: "minji@example.com",
  password: "correct horse battery",
  confirmPassword: "correct horse battery",
  acceptTerms: true,
};

const run = (events, state = form.INITIAL_STATE) => events.reduce((s, e) => form.transition(s, e), state);

test("a complete form is valid", () => {
  assert.deepEqual(form.validateSignupForm(GOOD), { valid: true, errors: {} });
});

test("each invalid field gets its own message", () => {
  const { valid, errors } = form.validateSignupForm({
    email: "minji@",
    password: "short",
    confirmPassword: "x",
  });
  assert.equal(valid, false);
  assert.deepEqual(Object.keys(errors).sort(), ["acceptTerms", "confirmPassword", "email", "password"]);
  assert.equal(errors.email, "Enter a valid email address.");
  assert.equal(form.validateSignupForm().errors.email, "Enter your email address.");
});

test("passwordStrength grows with length and variety", () => {
  assert.equal(form.passwordStrength(""), 0);
  assert.equal(form.passwordStrength("abcdefgh"), 1);
  assert.equal(form.passwordStrength("abcdefghijkl"), 2);
  assert.equal(form.passwordStrength("Abcdefghijk1"), 3);
  assert.equal(form.passwordStrength("Abcdefghijk1!"), 4);
  assert.equal(form.passwordStrength(), 0);
});

test("an invalid submit stays on the form with field errors", () => {
  const state = run([{ type: "SUBMIT", values: { ...GOOD, acceptTerms: false } }]);
  assert.equal(state.step, "form");
  assert.ok(state.errors.acceptTerms);
});

test("a failed sign-up returns to the form with the server's message", () => {
  const state = run([
    { type: "SUBMIT", values: GOOD },
    { type: "SIGNUP_FAILED", error: "Email already registered." },
  ]);
  assert.deepEqual([state.step, state.error], ["form", "Email already registered."]);
  assert.equal(run([{ type: "SUBMIT", values: GOOD }, { type: "SIGNUP_FAILED" }]).error, "Sign-up failed.");
});

test("events a step does not handle leave the state unchanged", () => {
  assert.equal(form.transition(form.INITIAL_STATE, { type: "CODE_OK" }), form.INITIAL_STATE);
  assert.equal(form.transition(form.INITIAL_STATE, undefined), form.INITIAL_STATE);
});

test("the flow after sign-up visits every configured step and ends done", () => {
  const steps = [];
  let state = run([{ type: "SUBMIT", values: GOOD }, { type: "SIGNUP_OK" }]);
  steps.push(state.step);
  const finish = {
    verify_email: [{ type: "EMAIL_VERIFIED" }],
    setup_2fa: [{ type: "CODE_SUBMITTED", code: "123 456" }, { type: "CODE_OK" }],
  };
  while (state.step !== "done") {
    state = run(finish[state.step], state);
    steps.push(state.step);
  }
  assert.deepEqual(steps, form.STEPS_AFTER_SIGNUP);
});

// @feature emailVerification
test("verification emails can be resent a limited number of times", () => {
  let state = { ...form.INITIAL_STATE, step: "verify_email" };
  for (let i = 0; i < form.MAX_RESENDS; i++) state = form.transition(state, { type: "RESEND" });
  assert.equal(state.resends, form.MAX_RESENDS);
  state = form.transition(state, { type: "RESEND" });
  assert.match(state.error, /Too many/);
});
// @end

// @feature twoFactor
test("validateTotpCode wants six digits", () => {
  assert.equal(form.validateTotpCode("123 456"), null);
  assert.match(form.validateTotpCode("12345"), /6-digit/);
  assert.match(form.validateTotpCode(undefined), /6-digit/);
});

test("a malformed or rejected code keeps the user on 2FA setup", () => {
  const setup = { ...form.INITIAL_STATE, step: "setup_2fa" };
  assert.equal(form.transition(setup, { type: "CODE_SUBMITTED", code: "12" }).step, "setup_2fa");
  const rejected = run([{ type: "CODE_SUBMITTED", code: "123456" }, { type: "CODE_REJECTED" }], setup);
  assert.deepEqual([rejected.step, rejected.error !== null], ["setup_2fa", true]);
});
// @end

// @feature oauth
test("OAuth sign-up skips email verification when the provider verified the email", () => {
  const state = run([
    { type: "OAUTH_START", provider: "google" },
    { type: "OAUTH_OK", emailVerified: true },
  ]);
  const expected = form.STEPS_AFTER_SIGNUP.find((s) => s !== "verify_email");
  assert.equal(state.step, expected);
  assert.equal(state.provider, "google");
});

test("OAuth sign-up without a verified email goes through the normal steps", () => {
  const state = run([{ type: "OAUTH_START", provider: "github" }, { type: "OAUTH_OK" }]);
  assert.equal(state.step, form.STEPS_AFTER_SIGNUP[0]);
});

test("a failed OAuth sign-in returns to the form", () => {
  const cancelled = run([{ type: "OAUTH_START", provider: "github" }, { type: "OAUTH_FAILED" }]);
  assert.deepEqual([cancelled.step, cancelled.error], ["form", "Sign-in was cancelled."]);
  const failed = run([
    { type: "OAUTH_START", provider: "github" },
    { type: "OAUTH_FAILED", error: "Denied." },
  ]);
  assert.equal(failed.error, "Denied.");
});
// @end
