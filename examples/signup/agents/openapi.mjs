// Builds the sign-up API contract as an OpenAPI 3.1 document, with the operations the requested
// features need (signup and login always; OAuth, 2FA and email verification when asked for).

const json = (schema) => ({ content: { "application/json": { schema } } });
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const error = (description) => ({ description, ...json(ref("Error")) });

const reply = (description, schema) => ({ description, ...(schema ? json(ref(schema)) : {}) });
const str = (extra = {}) => ({ type: "string", ...extra });
const query = (name) => ({ name, in: "query", required: true, schema: str() });
const provider = {
  name: "provider",
  in: "path",
  required: true,
  schema: str({ enum: ["google", "github"] }),
};
const redirect = (description) => ({
  description,
  headers: { Location: { schema: str({ format: "uri" }) } },
});

/** One operation: `[path, method, operation object]`; `route` is "post /auth/signup". */
function op(route, operationId, summary, { body, params, responses, secured = false }) {
  const [method, path] = route.split(" ");
  const operation = { operationId, summary, tags: ["auth"], responses };
  if (params) operation.parameters = params;
  if (body) operation.requestBody = { required: true, ...json(ref(body)) };
  if (secured) operation.security = [{ session: [] }];
  return [path, method, operation];
}

/** Operations per feature. */
const OPERATIONS = {
  password: [
    op("post /auth/signup", "signup", "Create an account with email and password", {
      body: "SignupRequest",
      responses: {
        202: reply("Accepted; the same answer whether or not the email is registered"),
        422: error("A field is invalid"),
      },
    }),
    op("post /auth/login", "login", "Log in with email and password", {
      body: "LoginRequest",
      responses: {
        200: reply("Logged in, or a second factor is required", "LoginResponse"),
        401: error("Wrong email or password"),
      },
    }),
  ],
  oauth: [
    op(
      "get /auth/oauth/{provider}/start",
      "oauthStart",
      "Redirect to the provider with state and a PKCE challenge",
      {
        params: [provider],
        responses: { 302: redirect("Redirect to the provider's authorization endpoint") },
      },
    ),
    op("get /auth/oauth/{provider}/callback", "oauthCallback", "Finish the provider sign-in", {
      params: [provider, query("code"), query("state")],
      responses: {
        302: redirect("Back to the app, signed in or at the next sign-up step"),
        400: error("Invalid or expired state"),
      },
    }),
  ],
  twoFactor: [
    op("post /auth/2fa/setup", "totpSetup", "Start TOTP enrolment: a new secret and its otpauth URI", {
      secured: true,
      responses: {
        200: reply("Secret to scan; 2FA turns on after the first verified code", "TotpSetup"),
        401: error("Not logged in"),
      },
    }),
    op("post /auth/2fa/verify", "totpVerify", "Verify a TOTP code (enrolment or login)", {
      body: "TotpVerifyRequest",
      responses: {
        200: reply("Code accepted", "TotpVerified"),
        400: error("Wrong or reused code"),
        429: error("Too many attempts; try again later"),
      },
    }),
  ],
  emailVerification: [
    op("post /auth/email/verify", "emailVerify", "Confirm an email address with the token from the link", {
      body: "EmailVerifyRequest",
      responses: {
        200: reply("Email verified", "EmailVerified"),
        400: error("Token expired, tampered with or already used"),
      },
    }),
    op("post /auth/email/resend", "emailResend", "Send a new verification email", {
      secured: true,
      responses: {
        202: reply("Sent, unless already verified"),
        429: error("Too many emails; try again later"),
      },
    }),
  ],
};

const email = str({ format: "email" });
const SCHEMAS = {
  Error: object({ error: str(), message: str() }, ["error", "message"]),
  SignupRequest: object({ email, password: str({ minLength: 12, maxLength: 128 }) }, ["email", "password"]),
  LoginRequest: object({ email, password: str() }, ["email", "password"]),
  LoginResponse: object({ status: str({ enum: ["ok", "2fa_required"] }), challenge: str() }, ["status"]),
  TotpSetup: object({ secret: str({ pattern: "^[A-Z2-7]+$" }), otpauth_uri: str({ format: "uri" }) }, [
    "secret",
    "otpauth_uri",
  ]),
  TotpVerifyRequest: object({ code: str({ pattern: "^[0-9]{6}$" }), challenge: str() }, ["code"]),
  TotpVerified: object({ recovery_codes: { type: "array", items: str() } }, []),
  EmailVerifyRequest: object({ token: str() }, ["token"]),
  EmailVerified: object({ email, email_verified: { const: true } }, ["email", "email_verified"]),
};

function object(properties, required) {
  return { type: "object", properties, required, additionalProperties: false };
}

/** The OpenAPI 3.1 document for `features`; schemas no operation uses are left out. */
export function buildOpenApi(request, features) {
  const paths = {};
  for (const [feature, operations] of Object.entries(OPERATIONS)) {
    if (!features[feature]) continue;
    for (const [path, method, op] of operations) paths[path] = { ...paths[path], [method]: op };
  }
  const used = new Set(
    JSON.stringify(paths)
      .match(/#\/components\/schemas\/\w+/g)
      .map((r) => r.split("/").pop()),
  );
  const schemas = Object.fromEntries(Object.entries(SCHEMAS).filter(([name]) => used.has(name)));
  return {
    openapi: "3.1.0",
    info: {
      title: `${request.project} authentication API`,
      version: "0.1.0",
      description: `Sign-up and sign-in API. Requirements: ${request.requirements.join("; ")}.`,
    },
    servers: [{ url: "/api" }],
    tags: [{ name: "auth", description: "Sign-up, sign-in and account verification" }],
    paths,
    components: {
      schemas,
      securitySchemes: { session: { type: "apiKey", in: "cookie", name: "session" } },
    },
  };
}

/** Sequence diagrams (mermaid) of the main flows per feature: a title, then the steps. */
export const FLOWS = {
  emailVerification: [
    "Sign-up with email verification",
    "User->>Web: submit form",
    "Web->>API: POST /auth/signup",
    "API->>Mail: link with signed token",
    "User->>Web: open link",
    "Web->>API: POST /auth/email/verify",
  ],
  oauth: [
    "OAuth sign-in",
    "Web->>API: GET /auth/oauth/{provider}/start",
    "API-->>User: redirect (state, PKCE challenge)",
    "User->>API: GET /auth/oauth/{provider}/callback",
    "API->>IdP: code + verifier",
    "IdP-->>API: tokens, verified email",
  ],
  twoFactor: [
    "2FA enrolment",
    "Web->>API: POST /auth/2fa/setup",
    "API-->>Web: secret, otpauth URI (QR)",
    "User->>Web: 6-digit code",
    "Web->>API: POST /auth/2fa/verify",
    "API-->>Web: recovery codes",
  ],
};

/** `[method, path, operationId, summary]` rows of a document, in order. */
export function operationsOf(doc) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [method.toUpperCase(), path, op.operationId, op.summary]),
  );
}
