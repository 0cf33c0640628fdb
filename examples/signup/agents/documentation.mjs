// Documentation agent (discovery). Collects the standards each requirement rests on and compares the
// libraries available for each entry of the requested stack (static knowledge) into references.md.
import { LIBRARIES, TOPICS } from "./knowledge.mjs";
import { count, main, requirementIds, table, unknownPhase } from "./lib.mjs";

const STANDARDS = {
  password: [
    ["NIST SP 800-63B", "Memorized secrets: length over composition rules, breached-password checks"],
    ["OWASP Password Storage Cheat Sheet", "Argon2id parameters and migration of old hashes"],
  ],
  oauth: [
    ["RFC 6749", "OAuth 2.0 authorization framework: the authorization-code grant"],
    ["RFC 7636", "PKCE: code verifier and S256 challenge"],
    ["OpenID Connect Core 1.0", "ID tokens, `nonce`, the `email_verified` claim"],
    ["RFC 9700", "OAuth 2.0 security best current practice"],
  ],
  twoFactor: [
    ["RFC 6238", "TOTP: time step, drift window, test vectors"],
    ["RFC 4226", "HOTP: dynamic truncation, counter encoding"],
    ["RFC 4648", "Base32 encoding of the shared secret"],
  ],
  emailVerification: [
    ["RFC 2104", "HMAC, used to sign verification tokens"],
    ["OWASP Authentication Cheat Sheet", "Generic responses, rate limits, token lifetimes"],
  ],
};

await main((self) => {
  if (self.phase !== "discovery") throw unknownPhase(self);
  const { request } = self;
  const reqs = requirementIds(request);
  const features = ["password", ...new Set(reqs.map((r) => r.feature).filter((f) => f !== "other"))];
  const standards = features.flatMap((f) => STANDARDS[f].map(([name, why]) => [TOPICS[f].title, name, why]));
  const stacks = [...new Set([...request.stack_tags, ...request.stack.map((s) => s.toLowerCase())])];
  const known = stacks.filter((tag) => LIBRARIES[tag]);
  const unknown = request.stack.filter(
    (entry) => !LIBRARIES[entry.toLowerCase()] && !known.some((k) => entry.toLowerCase().includes(k)),
  );
  const comparisons = known.map((tag) => {
    const rows = LIBRARIES[tag]
      .filter(([feature]) => features.includes(feature))
      .map(([feature, lib, covers, licence, notes, pick]) => [
        TOPICS[feature].title,
        lib,
        covers,
        licence,
        notes,
        pick ? "**yes**" : "no",
      ]);
    return [
      `### ${label(request.stack, tag)}`,
      "",
      table(["Feature", "Library", "Covers", "Licence", "Notes", "Pick"], rows),
    ].join("\n");
  });
  const text = [
    `# References: ${request.project}`,
    "",
    "## Standards",
    "",
    table(["Feature", "Reference", "What to take from it"], standards),
    "",
    "## Library comparison",
    "",
    "Picks favour permissive licences, small APIs and coverage of more than one requirement.",
    "",
    ...comparisons.flatMap((c) => [c, ""]),
    ...(unknown.length > 0
      ? [`No catalogue entry for: ${unknown.join(", ")}. Choose by licence and maintenance.`, ""]
      : []),
  ].join("\n");
  self.write("references.md", text);
  const picks = known.flatMap((tag) =>
    LIBRARIES[tag].filter((l) => l[5] && features.includes(l[0])).map((l) => l[1]),
  );
  self.share({ libraries: picks });
  self.done(
    `Listed ${standards.length} standards and compared libraries for ${count(known.length, "stack entry", "stack entries")}`,
  );
});

/** The stack entry as the request wrote it, for a tag. */
function label(stack, tag) {
  return stack.find((entry) => entry.toLowerCase() === tag) ?? tag;
}
