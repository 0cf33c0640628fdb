// Developer (development, one task per matrix module). backend: writes auth.mjs, the dependency-free
// core rules (password policy, TOTP per RFC 6238, signed email-verification tokens, OAuth state and
// PKCE) for the requested features; frontend: writes signup-form.mjs (form validation and the sign-up
// flow state machine). Loads the module to prove it works and writes summary.md.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { blueprint, ConfigError, main, renderBlueprint, table, unknownPhase } from "./lib.mjs";

const MODULES = {
  backend: { file: "auth.mjs", what: "back-end sign-up rules" },
  frontend: { file: "signup-form.mjs", what: "front-end sign-up form and flow" },
};

/** Which API operation calls which back-end function. */
const USED_BY = {
  signup: ["checkPassword", "createEmailToken"],
  login: ["safeEqual", "verifyTotp"],
  oauthStart: ["createPkcePair", "createOAuthState", "authorizationUrl"],
  oauthCallback: ["verifyOAuthState"],
  totpSetup: ["generateTotpSecret", "otpauthUri"],
  totpVerify: ["verifyTotp"],
  emailVerify: ["verifyEmailToken"],
  emailResend: ["createEmailToken"],
};

const FEATURE_NAMES = {
  password: "password policy",
  oauth: "OAuth state and PKCE",
  twoFactor: "TOTP two-factor codes (RFC 6238)",
  emailVerification: "signed email-verification tokens",
};

await main(async (self) => {
  if (self.phase !== "development") throw unknownPhase(self);
  const module = MODULES[self.matrix.module];
  if (!module) throw new ConfigError(`matrix.module must be one of ${Object.keys(MODULES).join(", ")}`);
  const { request, features } = self;
  const on = Object.keys(FEATURE_NAMES).filter((f) => features[f]);
  const header = [
    `${module.file}: ${module.what} for "${request.project}".`,
    `Requirements: ${request.requirements.join(", ")}. Features: ${on.map((f) => FEATURE_NAMES[f]).join(", ")}.`,
    "Written by the dev agent of the Orchestrate sign-up example. No dependencies; Node.js 20 or later.",
  ];
  const source = renderBlueprint(blueprint(module.file), features, header);
  const path = self.write(module.file, source);
  const exported = Object.keys(await import(pathToFileURL(path).href)).sort();
  const lines = [
    `# ${module.file}`,
    "",
    `The ${module.what}, ${source.split("\n").length} lines, ${exported.length} exports. It loads without errors.`,
    "",
    "## Exports",
    "",
    ...exported.map((name) => `- \`${name}\``),
    "",
  ];
  if (self.matrix.module === "backend") lines.push(...operations(self, exported));
  lines.push("## Use", "", "```js", `import * as m from "./${module.file}";`, "```");
  self.write("summary.md", lines.join("\n"));
  self.done(`Wrote ${module.file} (${exported.length} exports) for ${on.length} features`);
});

/** The API operations from the design's openapi.json, with the functions that serve them. */
function operations(self, exported) {
  const contract = self.input("openapi.json", { agent: "architect" });
  if (!contract) return ["The design's openapi.json was not among the inputs; see the module contract.", ""];
  const doc = JSON.parse(readFileSync(contract, "utf8"));
  const rows = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      const fns = (USED_BY[op.operationId] ?? []).filter((fn) => exported.includes(fn));
      return [
        `${method.toUpperCase()} ${path}`,
        op.operationId,
        fns.map((f) => `\`${f}\``).join(", ") || "—",
      ];
    }),
  );
  return ["## API operations served", "", table(["Endpoint", "Operation", "Functions"], rows), ""];
}
