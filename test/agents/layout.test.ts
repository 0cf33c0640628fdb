import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ATTEMPT_LAYOUT, taskDirName } from "../../src/agents/layout.ts";

describe("taskDirName", () => {
  it.each([
    ["development/dev@backend", "development__dev@backend"],
    ["design/architect", "design__architect"],
    ["solo", "solo"],
    ["qa/test-runner@v1.2", "qa__test-runner@v1.2"],
    ["a_b/c", "a%5Fb__c"],
    ["a__b", "a%5F%5Fb"],
    [".", "%2E"],
    ["..", "%2E%2E"],
    ["x y%é", "x%20y%25%C3%A9"],
  ])("maps %s to %s", (id, name) => {
    expect(taskDirName(id)).toBe(name);
  });

  it("gives different names to different ids", () => {
    const id = fc.string({
      unit: fc.constantFrom("a", "_", "/", ".", "@", "-", "%", "5", "F"),
      maxLength: 8,
    });
    fc.assert(
      fc.property(id, id, (a, b) => {
        fc.pre(a !== b);
        expect(taskDirName(a)).not.toBe(taskDirName(b));
      }),
      { numRuns: 2000 },
    );
  });

  it("gives a single, non-special path segment", () => {
    const id = fc.string({ unit: fc.constantFrom("a", "_", "/", ".", "@", "-"), minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(id, (a) => {
        const name = taskDirName(a);
        expect(name).not.toContain("/");
        expect([".", "..", ""]).not.toContain(name);
      }),
    );
  });
});

describe("ATTEMPT_LAYOUT", () => {
  it("names the attempt folder's files", () => {
    expect(ATTEMPT_LAYOUT).toMatchObject({
      artifacts: "artifacts",
      inputs: "inputs",
      stdout: "stdout.log",
      stderr: "stderr.log",
      request: "request.json",
      context: "context.json",
    });
  });
});
