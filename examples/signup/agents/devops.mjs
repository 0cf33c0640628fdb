// DevOps (delivery). Writes the delivery summary (delivery.md): release notes from the request and the
// testing results, every input artifact with its sha256 from the inputs' index.json, the configuration
// the service needs, a deploy checklist and the rollback plan.
import { readFileSync } from "node:fs";
import { TOPICS } from "./knowledge.mjs";
import { deadlineLine, main, requirementIds, table, unknownPhase } from "./lib.mjs";

await main((self) => {
  if (self.phase !== "delivery") throw unknownPhase(self);
  const { request, features } = self;
  const artifacts = self.inputs
    .flatMap((entry) => (entry.artifacts ?? []).map((a) => [entry.task, a.path, a.bytes, `\`${a.sha256}\``]))
    .sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1));
  const results = readJson(self.input("results.json", { agent: "qa" }));
  const findings = readJson(self.input("findings.json", { agent: "security-auditor" }));
  const perf = readJson(self.input("performance.json", { agent: "performance" }));
  const verification = [
    results
      ? `Tests: ${results.pass} of ${results.tests} pass, line coverage ${results.coverage.lines}% (minimum ${results.coverage_min}%).`
      : "Tests: no test results among the inputs.",
    findings
      ? `Security: ${findings.filter((f) => f.status === "pass").length} of ${findings.length} checks pass.`
      : "Security: no findings among the inputs.",
    perf
      ? `Performance: ${perf.results.filter((r) => r.within_budget).length} of ${perf.results.length} paths within ${perf.budget_us} µs.`
      : "Performance: no measurements among the inputs.",
  ];
  const config = [
    ["DATABASE_URL", "PostgreSQL connection string", true],
    ["SESSION_SIGNING_KEY", "Signs session and state tokens", true],
    ["EMAIL_TOKEN_KEY", "Signs email-verification tokens", features.emailVerification],
    ["SMTP_URL", "Relay for verification emails", features.emailVerification],
    ["TOTP_ENCRYPTION_KEY", "Encrypts TOTP secrets at rest", features.twoFactor],
    ["OAUTH_GOOGLE_CLIENT_ID / _SECRET", "Google sign-in", features.oauth],
    ["OAUTH_GITHUB_CLIENT_ID / _SECRET", "GitHub sign-in", features.oauth],
  ].filter((c) => c[2]);
  const text = [
    `# Delivery: ${request.project}`,
    "",
    "## Release notes",
    "",
    ...requirementIds(request).map((r) => `- ${r.id}: ${TOPICS[r.feature].title} ("${r.text}").`),
    `- Stack: ${request.stack.join(" + ") || "not specified"}. ${deadlineLine(request)}`,
    "",
    "## Verification",
    "",
    ...verification.map((v) => `- ${v}`),
    "",
    "## Artifacts",
    "",
    artifacts.length
      ? table(["Task", "File", "Bytes", "SHA-256"], artifacts)
      : "No artifacts among the inputs.",
    "",
    "## Configuration",
    "",
    table(
      ["Variable", "Purpose"],
      config.map(([name, why]) => [`\`${name}\``, why]),
    ),
    "",
    "## Deploy checklist",
    "",
    "- [ ] Set every variable above in the target environment's secret store.",
    "- [ ] Apply the database migration (`schema.sql`) in a transaction; take a backup first.",
    "- [ ] Deploy the API, then the web app; run the smoke test: sign up, verify, enable 2FA, log in.",
    ...(features.oauth ? ["- [ ] Register the production callback URLs with each OAuth provider."] : []),
    "- [ ] Watch sign-up, login-failure and email-bounce rates for one hour.",
    "",
    "## Rollback",
    "",
    "Redeploy the previous API and web app versions. The migration only adds tables, so it stays in place;",
    "drop them only after the feature is abandoned.",
  ].join("\n");
  self.write("delivery.md", text);
  self.done(
    `Delivery summary: ${artifacts.length} artifacts checksummed, ${config.length} settings, deploy checklist`,
  );
});

function readJson(path) {
  return path ? JSON.parse(readFileSync(path, "utf8")) : undefined;
}
