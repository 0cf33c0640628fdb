/**
 * Facts derived from a request by documented heuristics (see `parse-request.ts`). They feed
 * `when` conditions as `request.<name>`.
 */
export interface RequestFacts {
    /** Authentication or authorization is asked for (login, OAuth, 2FA, SSO, JWT, 회원가입, 로그인…). */
    needs_auth: boolean;
    /** The stack names an ORM (SQLAlchemy, Prisma, Django, TypeORM, Hibernate, ActiveRecord…). */
    uses_orm: boolean;
    /** The request reads as simple CRUD (create/read/update/delete of records, nothing else notable). */
    simple_crud: boolean;
    /** The stack or requirements name a front end (React, Vue, Svelte, Angular, UI…). */
    has_frontend: boolean;
    /** The stack or requirements name a back end (API, server, FastAPI, Express, Django…). */
    has_backend: boolean;
}
/** A project request, parsed from an issue (title + body), a CLI flag or a file. Plain data only. */
export interface Request {
    /** The issue title or the first line, cleaned. */
    title: string;
    /** The project's name (`Project:` / `프로젝트:`), else the title. */
    project: string;
    /** Requirements, one entry each (`OAuth + 2FA` → two entries). */
    requirements: string[];
    /** Stack entries as written (`FastAPI + React` → `["FastAPI", "React"]`). */
    stack: string[];
    /** Lower-case stack tags used by conditions (`fastapi`, `react`, `python`…). */
    stack_tags: string[];
    /** The deadline as an ISO 8601 timestamp (UTC), or null when none was given or it could not be read. */
    deadline: string | null;
    /** The deadline as written (`3일`, `3 days`, `2026-12-01`), or null. */
    deadline_text: string | null;
    /** Every `key: value` / issue-form field found, keys lower-cased, in English. */
    fields: Record<string, string>;
    /** The whole request text after cleaning (hidden characters stripped, length capped). */
    text: string;
    /** Facts derived from the title, text and stack by `deriveFacts`. */
    facts: RequestFacts;
}
