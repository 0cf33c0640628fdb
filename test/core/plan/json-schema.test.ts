import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { planJsonSchema, ROOT } from "../../../scripts/generated-files.ts";
import { starterPlan } from "../../../src/cli/commands/init.ts";
import { BUILTIN_TEMPLATES } from "../../../src/core/plan/builtin-templates.ts";
import { loadPlan } from "../../../src/core/plan/load-plan.ts";
import { FILE, yaml } from "./helpers.ts";

type Schema = Record<string, unknown>;

const SCHEMA = JSON.parse(planJsonSchema()) as Schema;

/** The schema as a 2020-12 validator reads it (what it declares). */
const validate2020 = new Ajv2020({ allErrors: true }).compile(SCHEMA);

/** The schema as a draft-07 validator reads it (the YAML language server's draft). */
const validate07 = (() => {
  const { $schema: _declared, ...rest } = SCHEMA;
  return new Ajv({ allErrors: true }).compile(rest);
})();

/** Every error as `instancePath message`, as an editor shows it. */
function errorsOf(validate: ValidateFunction, text: string): string[] {
  if (validate(parse(text))) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath} ${error.message}`);
}

/** The schema's errors for a plan, checking that draft-07 and 2020-12 validators agree. */
function schemaErrors(text: string): string[] {
  const errors = errorsOf(validate2020, text);
  expect(errorsOf(validate07, text)).toEqual(errors);
  return errors;
}

function validates(text: string): boolean {
  return loadPlan(text, { file: FILE }).ok;
}

/** A plan file's first line: it points editors at the schema. */
const SCHEMA_LINE = /^# yaml-language-server: \$schema=\S*orchestrate\.schema\.json\n/;

/**
 * Every plan shipped in the repository: the templates, the YAML files under examples/ that point
 * editors at the schema, and the plans `orchestrate init` writes.
 */
function shippedPlans(): [string, string][] {
  const plans: [string, string][] = Object.entries(BUILTIN_TEMPLATES).map(([name, text]) => [
    `templates/${name}.yml`,
    text,
  ]);
  for (const name of Object.keys(BUILTIN_TEMPLATES))
    plans.push([`orchestrate init --template ${name}`, starterPlan(name)]);
  for (const path of readdirSync(join(ROOT, "examples"), { recursive: true, encoding: "utf8" }).sort()) {
    if (!/\.ya?ml$/.test(path)) continue;
    const text = readFileSync(join(ROOT, "examples", path), "utf8");
    if (SCHEMA_LINE.test(text)) plans.push([join("examples", path), text]);
  }
  return plans;
}

/** A template override: the phase and agent give only the keys they change. */
const OVERRIDE = yaml(
  "version: 1",
  "extends: pipeline",
  "agents:",
  "  reviewer: { estimate: 5m }",
  "phases:",
  "  - id: review",
  "    gate: { min_approvals: 2 }",
  "  - id: document",
  '    when: "false"',
);

describe("the published JSON Schema", () => {
  it("finds the repository's plans (templates, examples, init's plans)", () => {
    const names = shippedPlans().map(([name]) => name);
    expect(names).toContain("templates/full-delivery.yml");
    expect(names).toContain("examples/pipeline/orchestrate.yml");
    expect(names).toContain("examples/signup/orchestrate.yml");
    expect(names).toContain("orchestrate init --template tiers");
  });

  it.each(shippedPlans())("accepts %s, which validate accepts", (_, text) => {
    expect(validates(text)).toBe(true);
    expect(schemaErrors(text)).toEqual([]);
  });

  it("accepts an override of a template's agent and phases that gives only the changed keys", () => {
    expect(validates(OVERRIDE)).toBe(true);
    expect(schemaErrors(OVERRIDE)).toEqual([]);
  });

  it("requires an agent's run and a phase's agents in a plan that extends nothing", () => {
    const text = yaml(
      "version: 1",
      "agents:",
      "  reviewer: { estimate: 5m }",
      "phases:",
      "  - id: review",
      "    gate: { min_approvals: 2 }",
    );
    expect(validates(text)).toBe(false);
    expect(schemaErrors(text)).toEqual(
      expect.arrayContaining([
        "/agents/reviewer must have required property 'run'",
        "/phases/0 must have required property 'agents'",
      ]),
    );
    const complete = yaml(
      "version: 1",
      "agents:",
      "  reviewer: { run: ./review.sh, estimate: 5m }",
      "phases:",
      "  - { id: review, agents: [reviewer], gate: { min_approvals: 2 } }",
    );
    expect(validates(complete)).toBe(true);
    expect(schemaErrors(complete)).toEqual([]);
  });

  it("still rejects in an override what validate rejects whatever the template holds", () => {
    const cases = [
      { line: "  reviewer: { estmate: 5m }", error: "/agents/reviewer must NOT have additional properties" },
      {
        line: '  reviewer: { run: "" }',
        error: "/agents/reviewer/run must NOT have fewer than 1 characters",
      },
      { line: "  reviewer: { estimate: soon }", error: "/agents/reviewer/estimate must match pattern" },
    ];
    for (const { line, error } of cases) {
      const text = yaml("version: 1", "extends: pipeline", "agents:", line);
      expect(validates(text), line).toBe(false);
      expect(schemaErrors(text).join("\n"), line).toContain(error);
    }
    const phase = yaml("version: 1", "extends: pipeline", "phases:", "  - { id: review, agents: [] }");
    expect(validates(phase)).toBe(false);
    expect(schemaErrors(phase)).toContain("/phases/0/agents must NOT have fewer than 1 items");
    const idless = yaml("version: 1", "extends: pipeline", "phases:", "  - { when: 'false' }");
    expect(validates(idless)).toBe(false);
    expect(schemaErrors(idless)).toContain("/phases/0 must have required property 'id'");
    const unversioned = yaml("extends: pipeline");
    expect(validates(unversioned)).toBe(false);
    expect(schemaErrors(unversioned)).toContain(" must have required property 'version'");
  });

  it("rejects a time limit of 0, as validate does, and allows a retry delay of 0", () => {
    for (const value of ["0", '"0s"', '"0.0m"']) {
      const text = yaml("version: 1", "extends: pipeline", "policy:", `  timeout: { task: ${value} }`);
      expect(validates(text), value).toBe(false);
      expect(schemaErrors(text).join("\n"), value).toMatch(/\/policy\/timeout\/task must/);
    }
    const long = yaml("version: 1", "extends: pipeline", "policy:", '  timeout: { task: "7d" }');
    expect(schemaErrors(long)).toEqual([]);
    const retry = yaml("version: 1", "extends: pipeline", "policy:", "  retry: { initial_interval: 0 }");
    expect(validates(retry)).toBe(true);
    expect(schemaErrors(retry)).toEqual([]);
  });

  it("rejects an unquoted true as a condition, as validate does", () => {
    const text = yaml("version: 1", "extends: pipeline", "phases:", "  - { id: review, when: true }");
    expect(validates(text)).toBe(false);
    expect(schemaErrors(text)).toContain("/phases/0/when must be string");
  });

  it("cannot see the template: a new phase without agents passes the editor, not validate", () => {
    const text = yaml("version: 1", "extends: pipeline", "phases:", "  - { id: extra, needs: [review] }");
    expect(schemaErrors(text)).toEqual([]);
    expect(validates(text)).toBe(false);
  });

  it("uses only keywords draft-07 editors know", () => {
    const DRAFT_07 = new Set(
      [
        "$schema $id $ref $comment title description default readOnly writeOnly examples",
        "multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern",
        "additionalItems items maxItems minItems uniqueItems contains maxProperties minProperties",
        "required additionalProperties definitions properties patternProperties dependencies",
        "propertyNames const enum type format contentMediaType contentEncoding if then else",
        "allOf anyOf oneOf not",
      ]
        .join(" ")
        .split(" "),
    );
    const used = new Set<string>();
    const walk = (schema: unknown): void => {
      if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return;
      for (const [keyword, value] of Object.entries(schema)) {
        used.add(keyword);
        if (keyword === "properties")
          for (const inner of Object.values(value as Record<string, unknown>)) walk(inner);
        else if (["anyOf", "allOf", "oneOf"].includes(keyword))
          for (const inner of value as unknown[]) walk(inner);
        else if (
          ["items", "additionalProperties", "propertyNames", "not", "if", "then", "else"].includes(keyword)
        )
          walk(value);
      }
    };
    walk(SCHEMA);
    expect([...used].filter((keyword) => !DRAFT_07.has(keyword))).toEqual([]);
    expect(used).toContain("if");
  });
});
