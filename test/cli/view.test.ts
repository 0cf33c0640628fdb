import { describe, expect, it } from "vitest";
import { liveLines } from "../../src/cli/view.ts";
import { startExecution } from "../github/executions.ts";

describe("the live view", () => {
  it("its first line shows cost against the budget where there is one", () => {
    const x = startExecution(5);
    const spent = { ...x.state, cost: { usd: 3.2, tokens: 41_000 } };
    expect(liveLines(spent, x.state.created_at)[0]).toMatch(/ {2}cost \$3\.20 · 41,000 tokens$/);
    const limited = { ...spent, policy: { ...spent.policy, budget: { usd: 25 } } };
    expect(liveLines(limited, x.state.created_at)[0]).toMatch(
      / {2}cost \$3\.20 of \$25\.00 · 41,000 tokens$/,
    );
  });
});
