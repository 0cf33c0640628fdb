import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonProblem } from "../../src/core/json-problem.ts";

function problem(text: string, singleLine = false): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return jsonProblem(text, error, { singleLine });
  }
}

describe("jsonProblem", () => {
  it("says what was expected and where", () => {
    expect(problem('{\n  "a": 1,\n  "b": ,\n}')).toBe('expected a value, found "," (line 3 column 8)');
    expect(problem('{"a":[1,{"b":2]}')).toBe('expected "," or "}", found "]" (line 1 column 15)');
    expect(problem('{"a":1,')).toBe(
      "expected a property name in double quotes, found the end of the text (line 1 column 8)",
    );
    expect(problem('{"a":1}x', true)).toBe('expected the end, found "x" (column 8)');
    expect(problem('"a\\qb"')).toBe('expected a valid escape, found "\\\\" (line 1 column 3)');
  });

  it("finds an error exactly when JSON.parse does", () => {
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom("", ",", "}", "]", '"', ":", "\\", "-", "0", "\n", " "))
      .map(([json, at, insert]) => {
        const cut = at % (json.length + 1);
        return json.slice(0, cut) + insert + json.slice(cut + (at % 2));
      });
    fc.assert(
      fc.property(mutated, (text) => {
        let fails = false;
        try {
          JSON.parse(text);
        } catch {
          fails = true;
        }
        const described = problem(text);
        expect(described !== undefined).toBe(fails);
        if (described) expect(described).toMatch(/^expected .+ \(line \d+ column \d+\)$/);
      }),
      { numRuns: 2000 },
    );
  });
});
