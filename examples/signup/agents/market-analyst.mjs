// Market analyst (discovery). Compares the request with comparable identity products (static knowledge):
// what users expect per requirement, where the product can differ, and a build-or-buy note (market.md).
import { EXPECTATIONS, PRODUCTS, TOPICS } from "./knowledge.mjs";
import { main, requirementIds, table, unknownPhase } from "./lib.mjs";

await main((self) => {
  if (self.phase !== "discovery") throw unknownPhase(self);
  const { request } = self;
  const reqs = requirementIds(request);
  const expectations = [
    [TOPICS.password.title, "baseline", EXPECTATIONS.password],
    ...reqs.map((req) => [TOPICS[req.feature].title, req.id, EXPECTATIONS[req.feature]]),
  ];
  const text = [
    `# Market notes: ${request.project}`,
    "",
    "## Comparable products",
    "",
    table(["Product", "Kind", "Sign-up features users know from it"], PRODUCTS),
    "",
    "## What users expect",
    "",
    table(["Feature", "Requirement", "Expectation"], expectations),
    "",
    "## Differentiators within reach",
    "",
    "- Fewer steps: OAuth sign-ups with a provider-verified email skip the verification email.",
    "- Clear recovery: recovery codes offered at 2FA setup, not only after a lockout.",
    "- No dark patterns: the same answer for known and unknown emails, plain-language errors.",
    "",
    "## Build or buy",
    "",
    `The request asks to build on ${request.stack.join(" + ") || "its own stack"}. A hosted service would`,
    "cover the requirements faster, but ties user data and pricing to a vendor. Building keeps the data",
    "in the product's own database; the libraries picked in references.md keep the effort small.",
  ].join("\n");
  self.write("market.md", text);
  self.done(`Compared ${PRODUCTS.length} products and listed ${expectations.length} user expectations`);
});
