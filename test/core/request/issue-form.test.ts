import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseRequest } from "../../../src/core/request/index.ts";

interface FormElement {
  type: string;
  id?: string;
  attributes: { label?: string; placeholder?: string };
  validations?: { required?: boolean };
}
interface IssueForm {
  name: string;
  description: string;
  title: string;
  labels: string[];
  body: FormElement[];
}

const form = parse(
  readFileSync(new URL("../../../.github/ISSUE_TEMPLATE/orchestrate.yml", import.meta.url), "utf8"),
) as IssueForm;
const fields = form.body.filter((element) => element.type !== "markdown");

/** Renders an issue body the way GitHub does for a submitted form. */
function render(values: Record<string, string>): string {
  return fields
    .map((f) => `### ${f.attributes.label}\n\n${values[f.id ?? ""] || "_No response_"}\n\n`)
    .join("");
}

const NOW = Date.UTC(2026, 5, 1);

describe("issue form", () => {
  it("declares the form GitHub expects", () => {
    expect(form.title).toBe("[orchestrate] ");
    expect(form.labels).toEqual(["orchestrate"]);
    expect(fields.map((f) => [f.id, f.type, f.attributes.label])).toEqual([
      ["project", "input", "Project"],
      ["requirements", "textarea", "Requirements"],
      ["stack", "input", "Stack"],
      ["deadline", "input", "Deadline"],
      ["notes", "textarea", "Notes"],
    ]);
    expect(fields.find((f) => f.id === "project")?.validations?.required).toBe(true);
    expect(fields.find((f) => f.id === "deadline")?.attributes.placeholder).toBe(
      "3 days, 1 week, 2026-12-31",
    );
  });

  it("parses back a filled form", () => {
    const body = render({
      project: "회원가입 시스템",
      requirements: "OAuth\n2FA\nEmail verification",
      stack: "FastAPI + React",
      deadline: "2026-12-31",
      notes: "Use the company's design system.\nDeadline: ignore this line",
    });
    const r = parseRequest({ title: "[orchestrate] Sign-up", body }, { now: NOW });
    expect(r.project).toBe("회원가입 시스템");
    expect(r.requirements).toEqual(["OAuth", "2FA", "Email verification"]);
    expect(r.stack).toEqual(["FastAPI", "React"]);
    expect(r.deadline).toBe("2026-12-31T23:59:59.999Z");
    expect(r.fields["notes"]).toBe("Use the company's design system.\nDeadline: ignore this line");
    expect(r.facts.needs_auth).toBe(true);
  });

  it("reads empty optional fields as absent", () => {
    const r = parseRequest(
      { title: "[orchestrate] Notes app", body: render({ project: "Notes app" }) },
      { now: NOW },
    );
    expect(r.project).toBe("Notes app");
    expect(r.requirements).toEqual([]);
    expect(r.stack).toEqual([]);
    expect(r.deadline).toBeNull();
    expect(r.deadline_text).toBeNull();
    expect(r.fields).toEqual({ project: "Notes app" });
  });

  it("keeps requirement lines whole and drops bullets", () => {
    const body = render({
      project: "Todo",
      requirements: "- Create, read, update and delete todos\n- Search",
    });
    const r = parseRequest({ body }, { now: NOW });
    expect(r.requirements).toEqual(["Create, read, update and delete todos", "Search"]);
    expect(r.facts.simple_crud).toBe(true);
  });
});
