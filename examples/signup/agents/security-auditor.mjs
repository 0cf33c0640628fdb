// Security auditor (runs only when the request needs auth). Analysis: flags files in the working
// directory whose names suggest secrets (never opening them) and checks .gitignore. Design: the security
// plan for the requested features. Testing: runs concrete checks against the back-end module
// (security.md + findings.json) and fails when a check fails.
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { main, table, unknownPhase } from "./lib.mjs";
import { scanWorkingDir } from "./scan.mjs";
import { CHECKS, runChecks } from "./security-checks.mjs";

await main(async (self) => {
  if (self.phase === "analysis") return analysis(self);
  if (self.phase === "design") return design(self);
  if (self.phase === "testing") return testing(self);
  throw unknownPhase(self);
});

function analysis(self) {
  const { files } = scanWorkingDir();
  const sensitive = files.filter((f) => f.sensitive).map((f) => f.path);
  const gitignore = existsSync(".gitignore")
    ? readFileSync(".gitignore", "utf8")
        .split("\n")
        .map((l) => l.trim())
    : [];
  const envIgnored = gitignore.some((l) => /^\/?\.env(\*|\.\*)?$/.test(l));
  const lockfiles = files.filter((f) =>
    /^(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|poetry\.lock|uv\.lock|Pipfile\.lock)$/.test(f.name),
  );
  const authFiles = files
    .filter((f) => /auth|login|session|passw/i.test(f.name) && !f.sensitive)
    .map((f) => f.path);
  const findings = [
    [
      "Files whose names suggest secrets",
      sensitive.length ? sensitive.slice(0, 20).join(", ") : "none",
      sensitive.length ? "review" : "ok",
    ],
    [
      ".env listed in .gitignore",
      envIgnored ? "yes" : "no",
      envIgnored || !sensitive.some((p) => p.includes(".env")) ? "ok" : "fix",
    ],
    [
      "Dependency lockfiles",
      lockfiles.map((f) => f.path).join(", ") || "none",
      lockfiles.length ? "ok" : "review",
    ],
    ["Existing authentication code", authFiles.slice(0, 10).join(", ") || "none", "info"],
  ];
  self.write(
    "security.md",
    [
      "# Security scan of the working directory",
      "",
      "File names only; no file that may hold a secret was opened.",
      "",
      table(["Check", "Found", "Status"], findings),
    ].join("\n"),
  );
  self.done(`Scanned ${files.length} file names: ${sensitive.length} look sensitive`);
}

function design(self) {
  const f = self.features;
  const controls = [
    ["SEC-01", "Token or signature guessed by timing", "Compare secrets with crypto.timingSafeEqual", true],
    [
      "SEC-02",
      "Predictable secrets",
      "Generate secrets, nonces and verifiers with node:crypto / the OS CSPRNG",
      true,
    ],
    ["SEC-03", "Code injection", "No eval or dynamic code in authentication paths", true],
    [
      "SEC-04",
      "Old links and states reused",
      "Every signed token carries `exp`; refused at and after it",
      true,
    ],
    ["SEC-05", "Forged tokens", "HMAC-SHA256 over the payload; a key per purpose, rotated yearly", true],
    [
      "SEC-06",
      "Weak or breached passwords",
      "Minimum 12 characters, common-password list, Argon2id storage",
      f.password,
    ],
    [
      "SEC-07",
      "Codes incompatible with authenticator apps",
      "TOTP per RFC 6238: SHA-1, 6 digits, 30 s",
      f.twoFactor,
    ],
    [
      "SEC-08",
      "Code replay and brute force",
      "±1 step window, last used step stored, lock after 5 failures",
      f.twoFactor,
    ],
    [
      "SEC-09",
      "Verification link abuse",
      "24-hour signed token, single use (hash stored), 3 emails per hour",
      f.emailVerification,
    ],
    [
      "SEC-10",
      "Authorization-code interception and login CSRF",
      "PKCE S256 and a signed state bound to the provider",
      f.oauth,
    ],
    [
      "SEC-11",
      "Account takeover by provider email",
      "Link provider accounts only when `email_verified` is true",
      f.oauth,
    ],
    ["SEC-12", "Account enumeration", "Same response and timing for known and unknown emails", true],
    [
      "SEC-13",
      "Session theft",
      "HttpOnly, Secure, SameSite=Lax cookies; rotate at login and after 2FA",
      true,
    ],
  ].filter((c) => c[3]);
  const checked = new Set(CHECKS.map((c) => c[0]));
  self.write(
    "security.md",
    [
      `# Security plan: ${self.request.project}`,
      "",
      "Controls marked as checked are verified in the testing phase against the back-end module; the others",
      "are reviewed in the API code.",
      "",
      table(
        ["Id", "Threat", "Control", "Checked"],
        controls.map(([id, threat, control]) => [id, threat, control, checked.has(id) ? "yes" : "review"]),
      ),
      "",
      "## Secrets and configuration",
      "",
      "- Signing keys, the TOTP encryption key and OAuth client secrets come from the environment, never the repository.",
      "- Logs carry user ids and event names only: no passwords, codes, tokens or secrets.",
    ].join("\n"),
  );
  self.done(`Planned ${controls.length} security controls`);
}

async function testing(self) {
  const path = self.input("auth.mjs", { agent: "dev", module: "backend" });
  if (!path)
    throw new Error("the back-end module auth.mjs is not among the inputs (development/dev@backend)");
  const source = readFileSync(path, "utf8");
  const mod = await import(pathToFileURL(path).href);
  const results = runChecks(source, mod, self.features);
  const failed = results.filter((r) => r.status === "fail");
  self.writeJson("findings.json", results);
  self.write(
    "security.md",
    [
      "# Security review of the back-end module",
      "",
      `${results.length - failed.length} of ${results.length} checks pass${failed.length ? `; ${failed.length} fail` : ""}.`,
      "",
      table(
        ["Id", "Severity", "Check", "Result"],
        results.map((r) => [
          r.id,
          r.severity,
          r.title,
          r.status === "pass" ? "pass" : `**fail**: ${r.detail}`,
        ]),
      ),
    ].join("\n"),
  );
  if (failed.length > 0)
    throw new Error(`security checks failed: ${failed.map((r) => `${r.id} (${r.detail})`).join("; ")}`);
  self.done(`All ${results.length} security checks pass on auth.mjs`);
}
