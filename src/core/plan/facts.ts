import type { Request } from "../request/types.ts";

/** A value a `when` condition can read. */
export type FactValue = string | number | boolean | null | readonly string[];

/** Flat map of fact identifiers (`request.needs_auth`, `repo.has_code`) to values. */
export type Facts = Record<string, FactValue>;

/** What is known about the repository an execution runs in. */
export interface RepoFacts {
  /** The repository already holds source code (not only README, licence, config). */
  has_code: boolean;
  /** The repository already holds tests. */
  has_tests: boolean;
  /** Languages found, lower-case (`typescript`, `python`). */
  languages: string[];
  /** Default branch name. */
  default_branch: string;
}

/** Facts for a repository nobody has looked at yet: an empty one. */
export const EMPTY_REPO: RepoFacts = {
  has_code: false,
  has_tests: false,
  languages: [],
  default_branch: "main",
};

/** Every identifier a condition may name, with its type, for load-time checking and the docs. */
export const FACT_TYPES = {
  "request.project": "string",
  "request.title": "string",
  "request.text": "string",
  "request.requirements": "list",
  "request.stack": "list",
  "request.deadline": "string",
  "request.needs_auth": "boolean",
  "request.uses_orm": "boolean",
  "request.simple_crud": "boolean",
  "request.has_frontend": "boolean",
  "request.has_backend": "boolean",
  "repo.has_code": "boolean",
  "repo.has_tests": "boolean",
  "repo.languages": "list",
  "repo.default_branch": "string",
} as const satisfies Record<string, "string" | "boolean" | "list" | "number">;

export type FactName = keyof typeof FACT_TYPES;

/** Builds the flat fact map conditions are evaluated against. */
export function factsOf(request: Request, repo: RepoFacts): Facts {
  return {
    "request.project": request.project,
    "request.title": request.title,
    "request.text": request.text,
    "request.requirements": request.requirements,
    "request.stack": [...request.stack, ...request.stack_tags],
    "request.deadline": request.deadline,
    "request.needs_auth": request.facts.needs_auth,
    "request.uses_orm": request.facts.uses_orm,
    "request.simple_crud": request.facts.simple_crud,
    "request.has_frontend": request.facts.has_frontend,
    "request.has_backend": request.facts.has_backend,
    "repo.has_code": repo.has_code,
    "repo.has_tests": repo.has_tests,
    "repo.languages": repo.languages,
    "repo.default_branch": repo.default_branch,
  };
}
