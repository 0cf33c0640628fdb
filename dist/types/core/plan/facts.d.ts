import type { Request } from "../request/types.js";
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
export declare const EMPTY_REPO: RepoFacts;
/** Every identifier a condition may name, with its type, for load-time checking and the docs. */
export declare const FACT_TYPES: {
    readonly "request.project": "string";
    readonly "request.title": "string";
    readonly "request.text": "string";
    readonly "request.requirements": "list";
    readonly "request.stack": "list";
    readonly "request.deadline": "string";
    readonly "request.needs_auth": "boolean";
    readonly "request.uses_orm": "boolean";
    readonly "request.simple_crud": "boolean";
    readonly "request.has_frontend": "boolean";
    readonly "request.has_backend": "boolean";
    readonly "repo.has_code": "boolean";
    readonly "repo.has_tests": "boolean";
    readonly "repo.languages": "list";
    readonly "repo.default_branch": "string";
};
export type FactName = keyof typeof FACT_TYPES;
/** Builds the flat fact map conditions are evaluated against. */
export declare function factsOf(request: Request, repo: RepoFacts): Facts;
