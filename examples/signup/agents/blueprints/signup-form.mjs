// Blueprint of the front-end sign-up module: form validation and the sign-up flow as a pure state
// machine, free of any UI framework (React components call `validateSignupForm` and `transition`).
// The dev agent copies it, keeping only the `// @feature <name>` … `// @end` regions the request asks for.

export const PASSWORD_MIN_LENGTH = 12;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Validates the sign-up form: `{ valid, errors }`, one message per invalid field. */
export function validateSignupForm(values = {}) {
  const errors = {};
  const email = String(values.email ?? "").trim();
  const password = String(values.password ?? "");
  if (email === "") errors.email = "Enter your email address.";
  else if (!EMAIL_PATTERN.test(email)) errors.email = "Enter a valid email address.";
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    errors.password = `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  }
  if (values.confirmPassword !== values.password) errors.confirmPassword = "Passwords do not match.";
  if (values.acceptTerms !== true) errors.acceptTerms = "Accept the terms to continue.";
  return { valid: Object.keys(errors).length === 0, errors };
}

/** A 0–4 strength hint for the password meter (length and character variety). */
export function passwordStrength(password = "") {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  let score = 0;
  if (password.length >= PASSWORD_MIN_LENGTH) score += 2;
  else if (password.length >= 8) score += 1;
  if (classes >= 3) score += 1;
  if (password.length >= 20 || classes === 4) score += 1;
  return Math.min(score, 4);
}

// @feature twoFactor
/** Checks the shape of an authenticator code: six digits, spaces allowed. */
export function validateTotpCode(code) {
  return /^\d{6}$/.test(String(code ?? "").replace(/\s/g, ""))
    ? null
    : "Enter the 6-digit code from your app.";
}
// @end

/** The steps after the account exists, in order; the flow ends with `done`. */
export const STEPS_AFTER_SIGNUP = [
  // @feature emailVerification
  "verify_email",
  // @end
  // @feature twoFactor
  "setup_2fa",
  // @end
  "done",
];

export const MAX_RESENDS = 3;
export const INITIAL_STATE = Object.freeze({ step: "form", errors: {}, error: null, resends: 0 });

function after(step, { skipEmail = false } = {}) {
  const steps = STEPS_AFTER_SIGNUP.filter((s) => !(skipEmail && s === "verify_email"));
  const index = step === "account" ? -1 : steps.indexOf(step);
  return steps[index + 1] ?? "done";
}

const go = (state, step, extra = {}) => ({ ...state, step, error: null, errors: {}, ...extra });

/** Handlers per step: `(state, event) → state`; an event a step does not handle changes nothing. */
const MACHINE = {
  form: {
    SUBMIT: (state, event) => {
      const result = validateSignupForm(event.values);
      return result.valid ? go(state, "submitting") : { ...state, errors: result.errors };
    },
    // @feature oauth
    OAUTH_START: (state, event) => go(state, "oauth_redirect", { provider: event.provider }),
    // @end
  },
  submitting: {
    SIGNUP_OK: (state) => go(state, after("account")),
    SIGNUP_FAILED: (state, event) => go(state, "form", { error: event.error ?? "Sign-up failed." }),
  },
  // @feature oauth
  oauth_redirect: {
    OAUTH_OK: (state, event) => go(state, after("account", { skipEmail: event.emailVerified === true })),
    OAUTH_FAILED: (state, event) => go(state, "form", { error: event.error ?? "Sign-in was cancelled." }),
  },
  // @end
  // @feature emailVerification
  verify_email: {
    EMAIL_VERIFIED: (state) => go(state, after("verify_email")),
    RESEND: (state) =>
      state.resends >= MAX_RESENDS
        ? { ...state, error: "Too many emails sent. Try again later." }
        : { ...state, resends: state.resends + 1, error: null },
  },
  // @end
  // @feature twoFactor
  setup_2fa: {
    CODE_SUBMITTED: (state, event) => {
      const error = validateTotpCode(event.code);
      return error ? { ...state, error } : go(state, "verifying_2fa");
    },
  },
  verifying_2fa: {
    CODE_OK: (state) => go(state, after("setup_2fa")),
    CODE_REJECTED: (state) => go(state, "setup_2fa", { error: "That code did not match. Try the next one." }),
  },
  // @end
  done: {},
};

/** The sign-up flow: the next state for `event` (`{ type, … }`); unknown events leave it unchanged. */
export function transition(state, event) {
  const handler = MACHINE[state.step]?.[event?.type];
  return handler ? handler(state, event) : state;
}
