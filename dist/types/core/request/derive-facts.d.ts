import { type TextIndex } from "./text-index.js";
import type { RequestFacts } from "./types.js";
/** Words that mean authentication or authorization is asked for. Korean words match inside longer words. */
export declare const AUTH_WORDS: readonly string[];
/** Generic words that mean an ORM; every ORM in `TECH_TERMS` (role `orm`) counts too. */
export declare const ORM_WORDS: readonly string[];
/** Words that say the request is CRUD. */
export declare const CRUD_WORDS: readonly string[];
/** Generic front-end words; every technology with role `frontend` counts too. */
export declare const FRONTEND_WORDS: readonly string[];
/** Generic back-end words; every technology with role `backend` counts too. */
export declare const BACKEND_WORDS: readonly string[];
/** Most requirements a request may list and still read as {@link RequestFacts.simple_crud}. */
export declare const SIMPLE_CRUD_MAX_REQUIREMENTS = 3;
/** What {@link deriveFacts} reads. */
export interface FactSources {
    /** The title, the requirements and the whole text. */
    text: TextIndex;
    /** The stack entries, where ambiguous technology names (`Go`, `Express`, `Spring`) count. */
    stack: TextIndex;
    requirementCount: number;
}
/**
 * Derives request facts by word look-up (whole words or phrases, case-insensitive; Korean words
 * inside longer words; `create/read/update/delete` reads as the phrase `create read update delete`):
 * - `needs_auth`: the text names any of {@link AUTH_WORDS}.
 * - `uses_orm`: the stack or text names any of {@link ORM_WORDS} or an ORM (SQLAlchemy, Prisma,
 *   Django, Rails, TypeORM, Sequelize, Drizzle, Hibernate, ActiveRecord, Entity Framework…).
 * - `simple_crud`: the text says CRUD ({@link CRUD_WORDS}), no auth is needed, and there are at most
 *   {@link SIMPLE_CRUD_MAX_REQUIREMENTS} requirements.
 * - `has_frontend` / `has_backend`: the stack or text names {@link FRONTEND_WORDS} /
 *   {@link BACKEND_WORDS} or a technology with that role.
 * Technologies that are also common English words are read from the stack only.
 */
export declare function deriveFacts(sources: FactSources): RequestFacts;
