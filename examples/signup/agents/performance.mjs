// Performance engineer (testing). Loads the back-end module from the inputs and times its hot paths:
// 10,000 TOTP verifications, then 2,000 each of wrong TOTP codes, email-token creation and verification,
// PKCE challenges and password checks. Writes performance.md and performance.json; over-budget paths are flagged.
import { pathToFileURL } from "node:url";
import { main, table, unknownPhase } from "./lib.mjs";

const RUNS = 10_000; // TOTP verifications, the hot path of every 2FA login
const SHORT = 2_000; // the other scenarios, to keep the agent fast
const TIME = 1_700_000_000;

await main(async (self) => {
  if (self.phase !== "testing") throw unknownPhase(self);
  const path = self.input("auth.mjs", { agent: "dev", module: "backend" });
  if (!path)
    throw new Error("the back-end module auth.mjs is not among the inputs (development/dev@backend)");
  const m = await import(pathToFileURL(path).href);
  const budgetUs = Number(self.params.budget_us ?? 200);
  const scenarios = [];
  if (self.features.twoFactor) {
    const secret = m.base32Encode(Buffer.from("12345678901234567890"));
    const code = m.totp(secret, { time: TIME });
    scenarios.push(["TOTP verification, valid code", RUNS, () => m.verifyTotp(secret, code, { time: TIME })]);
    scenarios.push([
      "TOTP verification, wrong code (3 steps)",
      SHORT,
      () => m.verifyTotp(secret, "000000", { time: TIME }),
    ]);
  }
  if (self.features.emailVerification) {
    const token = m.createEmailToken("a@example.com", { secret: "s", now: TIME });
    scenarios.push([
      "Email token creation",
      SHORT,
      () => m.createEmailToken("a@example.com", { secret: "s", now: TIME }),
    ]);
    scenarios.push([
      "Email token verification",
      SHORT,
      () => m.verifyEmailToken(token, { secret: "s", now: TIME }),
    ]);
  }
  if (self.features.oauth)
    scenarios.push([
      "PKCE challenge",
      SHORT,
      () => m.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    ]);
  if (self.features.password)
    scenarios.push(["Password policy check", SHORT, () => m.checkPassword("correct horse battery staple")]);
  const results = scenarios.map(([name, runs, fn]) => {
    for (let i = 0; i < 100; i++) fn();
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) fn();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const meanUs = (ms * 1000) / runs;
    return {
      name,
      runs,
      total_ms: round(ms),
      mean_us: round(meanUs),
      ops_per_s: Math.round(runs / (ms / 1000)),
      within_budget: meanUs <= budgetUs,
    };
  });
  const over = results.filter((r) => !r.within_budget);
  self.writeJson("performance.json", { node: process.version, budget_us: budgetUs, results });
  self.write(
    "performance.md",
    [
      "# Performance of the back-end module",
      "",
      `Each scenario runs the stated number of times after a warm-up, in one process (Node.js ${process.version}).`,
      `Budget: ${budgetUs} µs per call, so one core serves the 50 requests/s of the PRD with a wide margin.`,
      "Timings vary by machine; the scenarios and the budget do not.",
      "",
      table(
        ["Scenario", "Runs", "Total ms", "Mean µs", "Ops/s", "Budget"],
        results.map((r) => [
          r.name,
          r.runs,
          r.total_ms,
          r.mean_us,
          r.ops_per_s,
          r.within_budget ? "ok" : "**over**",
        ]),
      ),
      "",
      over.length
        ? `Over budget: ${over.map((r) => r.name).join(", ")}.`
        : "Every path is within budget; no bottleneck found.",
    ].join("\n"),
  );
  const totp = results[0];
  self.done(
    `Timed ${results.length} scenarios (${totp.runs} ${totp.name}: ${totp.mean_us} µs each); ${over.length} over budget`,
  );
});

function round(n) {
  return Math.round(n * 100) / 100;
}
