// Static, deterministic domain knowledge the sign-up example's agents draw on: what each feature
// means as user stories, acceptance criteria and API operations; libraries per stack; comparable products.

/** Per feature: a title, user stories (as / want / so that), acceptance criteria and API operations. */
export const TOPICS = {
  password: {
    title: "Email and password sign-up",
    stories: [
      ["visitor", "create an account with my email and a password", "I can use the service"],
      ["member", "log in with my email and password", "I get back to my data"],
      ["visitor", "see which password rules I break while typing", "I pick a valid password the first time"],
    ],
    criteria: [
      "Passwords shorter than 12 characters, common passwords and passwords containing the email name are refused with a reason.",
      "Passwords are stored only as Argon2id hashes.",
      "A duplicate email gets the same response as a new one (no account enumeration).",
    ],
    operations: ["signup", "login"],
  },
  oauth: {
    title: "OAuth sign-in",
    stories: [
      ["visitor", "sign up with my Google or GitHub account", "I do not need another password"],
      ["member", "link a provider to my existing account", "I can log in either way"],
    ],
    criteria: [
      "The authorization-code flow uses PKCE (S256) and a signed, single-use `state` that expires after 10 minutes.",
      "A provider account is linked to an existing user only when the provider reports the email as verified.",
      "A cancelled or failed provider sign-in returns to the sign-up form with a message.",
    ],
    operations: ["oauthStart", "oauthCallback"],
  },
  twoFactor: {
    title: "Two-factor authentication (TOTP)",
    stories: [
      [
        "member",
        "turn on 2FA by scanning a QR code with an authenticator app",
        "a stolen password is not enough",
      ],
      ["member", "enter a 6-digit code after my password", "only I can log in"],
      ["member", "use a recovery code when I lose my phone", "I am not locked out"],
    ],
    criteria: [
      "Codes follow RFC 6238 (HMAC-SHA1, 6 digits, 30-second step) and are accepted within ±1 step.",
      "A code already used is refused (replay protection); 5 wrong codes lock verification for 15 minutes.",
      "2FA is active only after the first code is verified; 10 single-use recovery codes are shown once.",
    ],
    operations: ["totpSetup", "totpVerify"],
  },
  emailVerification: {
    title: "Email verification",
    stories: [
      ["new member", "receive a verification link by email", "the service knows the address is mine"],
      ["new member", "ask for a new link when the first one expired", "I can still finish signing up"],
    ],
    criteria: [
      "The link carries an HMAC-SHA256-signed token that expires after 24 hours and works once.",
      "An expired or tampered token is refused with a message offering a new link.",
      "At most 3 verification emails are sent per hour per account.",
    ],
    operations: ["emailVerify", "emailResend"],
  },
  other: {
    title: "Further requirement",
    stories: [["member", "use this capability", "the product meets the request"]],
    criteria: ["Behaviour agreed with the requester and covered by an automated test."],
    operations: [],
  },
};

/** Library candidates per stack tag: [feature, library, what it covers, licence, notes, picked]. */
export const LIBRARIES = {
  fastapi: [
    ["password", "argon2-cffi", "Argon2id password hashing", "MIT", "Reference Argon2 bindings", true],
    ["password", "passlib", "Hashing schemes incl. bcrypt", "BSD", "Broad, but older API", false],
    [
      "oauth",
      "Authlib",
      "OAuth 2.0 / OpenID Connect client, Starlette integration",
      "BSD-3-Clause",
      "Handles PKCE and ID tokens",
      true,
    ],
    [
      "oauth",
      "fastapi-users",
      "Complete user management incl. OAuth",
      "MIT",
      "Fast start, opinionated models",
      false,
    ],
    ["twoFactor", "pyotp", "HOTP/TOTP (RFC 4226/6238)", "MIT", "Small, widely used", true],
    [
      "emailVerification",
      "itsdangerous",
      "Signed, timed tokens",
      "BSD-3-Clause",
      "Fits one-time links",
      true,
    ],
    ["emailVerification", "PyJWT", "JSON Web Tokens", "MIT", "Heavier than needed for links", false],
  ],
  django: [
    [
      "password",
      "django.contrib.auth",
      "Users, sessions, password hashing",
      "BSD-3-Clause",
      "Built in",
      true,
    ],
    [
      "oauth",
      "django-allauth",
      "Social accounts and email verification",
      "MIT",
      "Covers two requirements",
      true,
    ],
    ["twoFactor", "django-otp", "OTP devices incl. TOTP", "BSD-2-Clause", "Integrates with the admin", true],
  ],
  express: [
    ["oauth", "passport", "Authentication strategies incl. OAuth", "MIT", "Many provider strategies", true],
    ["twoFactor", "otplib", "HOTP/TOTP", "MIT", "Authenticator-compatible defaults", true],
    ["emailVerification", "jose", "JWS/JWT signing", "MIT", "No native dependencies", true],
  ],
  react: [
    ["password", "react-hook-form", "Form state and validation", "MIT", "Few re-renders", true],
    ["password", "Formik", "Form state and validation", "Apache-2.0", "More boilerplate", false],
    [
      "password",
      "zod",
      "Schema validation shared with the API types",
      "MIT",
      "Pairs with react-hook-form",
      true,
    ],
    [
      "oauth",
      "oidc-client-ts",
      "Browser OpenID Connect client",
      "Apache-2.0",
      "Not needed when the API runs the code flow",
      false,
    ],
    ["twoFactor", "qrcode.react", "QR code of the otpauth:// URI", "ISC", "Renders to SVG or canvas", true],
    [
      "twoFactor",
      "XState",
      "State machine for the multi-step flow",
      "MIT",
      "A hand-written reducer is enough here",
      false,
    ],
  ],
  vue: [
    ["password", "VeeValidate", "Form validation", "MIT", "Composition API friendly", true],
    ["twoFactor", "qrcode.vue", "QR code component", "MIT", "Small", true],
  ],
};

/** Comparable products and what users learn to expect from them. */
export const PRODUCTS = [
  ["Auth0", "hosted identity service", "social connections, MFA, email verification, hosted login pages"],
  ["Clerk", "hosted identity service", "drop-in sign-up components, social login, TOTP MFA"],
  [
    "Firebase Authentication",
    "hosted identity service",
    "email link and provider sign-in, SDKs per platform",
  ],
  ["Supabase Auth", "hosted, open source", "email confirmation, OAuth providers, TOTP MFA, Postgres-backed"],
  ["Amazon Cognito", "hosted identity service", "user pools, federation, TOTP MFA"],
  ["Keycloak", "self-hosted, open source", "identity brokering, OTP policies, email verification"],
];

/** What users of those products expect, per feature. */
export const EXPECTATIONS = {
  password: "A password meter and rules shown while typing; no hints about which emails are registered.",
  oauth: "One-click Google/GitHub buttons; account linking when the email matches and is verified.",
  twoFactor: "Authenticator-app codes with a QR setup, recovery codes, and a remembered-device option.",
  emailVerification: "A link that works on mobile, a resend button, and a clear message when it expired.",
  other: "Behaviour consistent with the rest of the sign-up flow.",
};
