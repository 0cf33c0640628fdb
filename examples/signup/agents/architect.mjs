// Architect. Analysis: summarises the working directory (files by extension and folder, never file
// contents). Specification: the system context and key decisions. Design: components, flows, module
// contracts and the API contract (architecture.md + openapi.json, OpenAPI 3.1).
import { blueprint, count, main, renderBlueprint, table, unknownPhase } from "./lib.mjs";
import { buildOpenApi, FLOWS, operationsOf } from "./openapi.mjs";
import { groupBy, languageOf, scanWorkingDir } from "./scan.mjs";

await main((self) => {
  if (self.phase === "analysis") return analysis(self);
  if (self.phase === "specification") return specification(self);
  if (self.phase === "design") return design(self);
  throw unknownPhase(self);
});

function analysis(self) {
  const { files, truncated } = scanWorkingDir();
  const byExt = groupBy(files, (f) => f.ext).slice(0, 15);
  const byDir = groupBy(files, (f) => (f.path.includes("/") ? `${f.path.split("/")[0]}/` : "(root)")).slice(
    0,
    15,
  );
  const languages = groupBy(
    files.filter((f) => languageOf(f.ext)),
    (f) => languageOf(f.ext),
  );
  self.write(
    "architecture.md",
    [
      "# Current state of the working directory",
      "",
      `${files.length}${truncated ? "+" : ""} files (dependency, build and VCS folders skipped; no file was opened).`,
      "",
      "## Languages",
      "",
      languages.length ? table(["Language", "Files", "Bytes"], languages) : "No source code found.",
      "",
      "## Files by extension",
      "",
      table(["Extension", "Files", "Bytes"], byExt),
      "",
      "## Top-level folders",
      "",
      table(["Folder", "Files", "Bytes"], byDir),
      "",
      "## Where the sign-up feature fits",
      "",
      `The feature for "${self.request.project}" is added as its own back-end and front-end modules;`,
      "existing modules are changed only where they route requests or render pages.",
    ].join("\n"),
  );
  self.done(`Summarised ${files.length} files in ${byDir.length} top-level folders`);
}

function components(self) {
  const { request, features: f } = self;
  const isWeb = (entry) => /react|vue|svelte|angular|next|nuxt/i.test(entry);
  const web = request.stack.find(isWeb) ?? "Web UI";
  const api = request.stack.find((entry) => !isWeb(entry)) ?? "HTTP API";
  const list = (...parts) => parts.filter(Boolean).join(", ");
  return [
    ...(request.facts.has_frontend
      ? [["Web app", web, list("Sign-up form", "flow state machine", f.twoFactor && "2FA setup screen")]]
      : []),
    [
      "API",
      api,
      list(
        "Accounts",
        "sessions",
        f.emailVerification && "email tokens",
        f.twoFactor && "2FA",
        f.oauth && "provider callbacks",
      ),
    ],
    [
      "Database",
      "PostgreSQL",
      list("Users", "sessions", f.twoFactor && "TOTP credentials", f.emailVerification && "email tokens"),
    ],
    ...(f.emailVerification ? [["Mail", "SMTP relay", "Verification emails"]] : []),
    ...(f.oauth ? [["Identity providers", "Google, GitHub (OAuth 2.0 / OIDC)", "Provider sign-in"]] : []),
  ];
}

function specification(self) {
  const rows = components(self);
  const node = (name) => name.replace(/[^A-Za-z]/g, "");
  const entry = node(rows[0][0]);
  const edges = rows
    .slice(1)
    .map(([name]) => (name === "API" ? `  ${entry} --> API` : `  API --> ${node(name)}`));
  const decisions = [
    "Sessions are opaque ids in HttpOnly, Secure, SameSite=Lax cookies; no tokens in browser storage.",
    ...(self.features.oauth
      ? ["The API runs the OAuth authorization-code flow with PKCE; the browser never sees provider tokens."]
      : []),
    ...(self.features.twoFactor
      ? ["TOTP secrets are encrypted at rest; the last used time step is stored to refuse replays."]
      : []),
    ...(self.features.emailVerification
      ? ["Verification links carry HMAC-signed, expiring tokens; only their hash is stored."]
      : []),
    "The core rules (password policy, codes, tokens) live in framework-free modules with their own tests.",
  ];
  self.write(
    "architecture.md",
    [
      `# System context: ${self.request.project}`,
      "",
      table(["Component", "Technology", "Responsibility"], rows),
      "",
      "```mermaid",
      "flowchart LR",
      `  User((User)) --> ${entry}`,
      ...edges,
      "```",
      "",
      "## Key decisions",
      "",
      ...decisions.map((d, i) => `${i + 1}. ${d}`),
    ].join("\n"),
  );
  self.done(`Described ${rows.length} components and ${decisions.length} key decisions`);
}

/** Exported names of a blueprint, with the request's features applied. */
function exportsOf(self, file) {
  const rendered = renderBlueprint(blueprint(file), self.features, []);
  return [...rendered.matchAll(/^export (?:function|const) (\w+)/gm)].map((m) => m[1]);
}

function design(self) {
  const doc = buildOpenApi(self.request, self.features);
  const ops = operationsOf(doc);
  self.writeJson("openapi.json", doc);
  const flows = Object.entries(FLOWS)
    .filter(([feature]) => self.features[feature])
    .map(([, flow]) => flow);
  const modules = [
    ["backend", "auth.mjs", exportsOf(self, "auth.mjs")],
    ...(self.request.facts.has_frontend
      ? [["frontend", "signup-form.mjs", exportsOf(self, "signup-form.mjs")]]
      : []),
  ];
  self.write(
    "architecture.md",
    [
      `# Design: ${self.request.project}`,
      "",
      "## API",
      "",
      "The contract is `openapi.json` (OpenAPI 3.1).",
      "",
      table(["Method", "Path", "Operation", "Summary"], ops),
      "",
      "## Flows",
      "",
      ...flows.flatMap(([title, ...steps]) => [
        `### ${title}`,
        "",
        "```mermaid",
        "sequenceDiagram",
        ...steps.map((s) => `  ${s}`),
        "```",
        "",
      ]),
      "## Module contracts",
      "",
      "Development delivers the core rules as dependency-free modules that the handlers call; QA writes",
      "their tests against these exports in parallel.",
      "",
      table(
        ["Module", "File", "Exports"],
        modules.map(([m, f, names]) => [m, f, names.map((n) => `\`${n}\``).join(", ")]),
      ),
    ].join("\n"),
  );
  self.share({
    api: { operations: ops.map((op) => op[2]) },
    modules: Object.fromEntries(modules.map(([m, f, n]) => [m, { file: f, exports: n }])),
  });
  self.done(
    `Designed ${count(ops.length, "API operation")}, ${count(flows.length, "flow")} and ${count(modules.length, "module contract")}`,
  );
}
