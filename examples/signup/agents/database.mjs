// Database engineer (design; skipped when the stack names an ORM). Designs the PostgreSQL schema for
// users, sessions and the requested features (OAuth accounts, TOTP, email tokens): schema.sql holds
// the migration, schema.md explains tables, keys and indexes. Both come from one table description.
import { main, table, unknownPhase } from "./lib.mjs";

const id = ["id", "uuid", "PRIMARY KEY DEFAULT gen_random_uuid()", "Surrogate key"];
const userRef = ["user_id", "uuid", "NOT NULL REFERENCES users (id) ON DELETE CASCADE", "Owner"];
const created = ["created_at", "timestamptz", "NOT NULL DEFAULT now()", "Creation time"];

/** Tables: feature (or null = always), name, purpose, columns, extra index statements. */
const TABLES = [
  [
    null,
    "users",
    "One row per account",
    [
      id,
      ["email", "text", "NOT NULL", "Login email as entered"],
      ["email_verified_at", "timestamptz", "", "When the address was confirmed; null until then"],
      ["password_hash", "text", "", "Argon2id hash; null for provider-only accounts"],
      created,
      ["updated_at", "timestamptz", "NOT NULL DEFAULT now()", "Last change"],
    ],
    ["CREATE UNIQUE INDEX users_email_key ON users (lower(email));"],
  ],
  [
    null,
    "sessions",
    "Server-side sessions behind the session cookie",
    [
      id,
      userRef,
      [
        "token_hash",
        "bytea",
        "NOT NULL UNIQUE",
        "SHA-256 of the cookie value; the value itself is never stored",
      ],
      ["mfa_verified", "boolean", "NOT NULL DEFAULT false", "The second factor was checked for this session"],
      created,
      ["expires_at", "timestamptz", "NOT NULL", "Absolute expiry"],
      ["revoked_at", "timestamptz", "", "Set on logout or password change"],
    ],
    [
      "CREATE INDEX sessions_user_id_idx ON sessions (user_id);",
      "CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);",
    ],
  ],
  [
    "oauth",
    "oauth_accounts",
    "Provider identities linked to a user",
    [
      id,
      userRef,
      ["provider", "text", "NOT NULL", "google, github…"],
      ["provider_user_id", "text", "NOT NULL", "The provider's subject id"],
      ["email_verified", "boolean", "NOT NULL DEFAULT false", "As reported by the provider"],
      created,
    ],
    [
      "CREATE UNIQUE INDEX oauth_accounts_provider_key ON oauth_accounts (provider, provider_user_id);",
      "CREATE INDEX oauth_accounts_user_id_idx ON oauth_accounts (user_id);",
    ],
  ],
  [
    "twoFactor",
    "totp_credentials",
    "One authenticator per user",
    [
      ["user_id", "uuid", "PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE", "Owner"],
      ["secret_ciphertext", "bytea", "NOT NULL", "TOTP secret, encrypted with the application key"],
      ["confirmed_at", "timestamptz", "", "2FA is on once the first code is verified"],
      ["last_used_step", "bigint", "NOT NULL DEFAULT -1", "Last accepted time step (replay protection)"],
      ["failed_attempts", "integer", "NOT NULL DEFAULT 0", "Wrong codes since the last success"],
      ["locked_until", "timestamptz", "", "Verification is refused until then"],
      created,
    ],
    [],
  ],
  [
    "twoFactor",
    "recovery_codes",
    "Single-use codes for a lost authenticator",
    [
      id,
      userRef,
      ["code_hash", "text", "NOT NULL", "Argon2id hash of the code"],
      ["used_at", "timestamptz", "", "Set when the code is used"],
    ],
    ["CREATE INDEX recovery_codes_user_id_idx ON recovery_codes (user_id);"],
  ],
  [
    "emailVerification",
    "email_tokens",
    "Outstanding email-verification links",
    [
      id,
      userRef,
      ["token_hash", "bytea", "NOT NULL UNIQUE", "SHA-256 of the signed token; makes each link single-use"],
      ["purpose", "text", "NOT NULL CHECK (purpose IN ('verify-email'))", "What the token allows"],
      ["expires_at", "timestamptz", "NOT NULL", "24 hours after creation"],
      ["consumed_at", "timestamptz", "", "Set when the link is used"],
      created,
    ],
    ["CREATE INDEX email_tokens_user_id_idx ON email_tokens (user_id);"],
  ],
];

await main((self) => {
  if (self.phase !== "design") throw unknownPhase(self);
  const tables = TABLES.filter(([feature]) => feature === null || self.features[feature]);
  const ddl = tables.map(([, name, purpose, columns, indexes]) => {
    const cols = columns.map(
      ([col, type, constraints]) => `  ${[col, type, constraints].filter(Boolean).join(" ")}`,
    );
    return [`-- ${purpose}`, `CREATE TABLE ${name} (`, cols.join(",\n"), ");", ...indexes].join("\n");
  });
  self.write(
    "schema.sql",
    [
      `-- Schema of ${self.request.project}: migration 001, PostgreSQL 13 or later (gen_random_uuid).`,
      "BEGIN;",
      "",
      ddl.join("\n\n"),
      "",
      "COMMIT;",
    ].join("\n"),
  );
  const docs = tables.map(([feature, name, purpose, columns, indexes]) =>
    [
      `### \`${name}\`${feature ? ` (${feature})` : ""}`,
      "",
      `${purpose}.`,
      "",
      table(
        ["Column", "Type", "Constraints", "Meaning"],
        columns.map(([c, t, k, m]) => [`\`${c}\``, t, k || "—", m]),
      ),
      ...(indexes.length ? ["", ...indexes.map((i) => `- \`${i}\``)] : []),
    ].join("\n"),
  );
  self.write(
    "schema.md",
    [
      `# Database schema: ${self.request.project}`,
      "",
      "Migration `schema.sql` creates every table in one transaction. Secrets and tokens are stored only",
      "as hashes or ciphertext. Expired sessions and tokens are deleted by a daily job.",
      "",
      "## Tables",
      "",
      ...docs.flatMap((d) => [d, ""]),
    ].join("\n"),
  );
  self.share({ database: { tables: tables.map((t) => t[1]) } });
  self.done(`Designed ${tables.length} tables: ${tables.map((t) => t[1]).join(", ")}`);
});
