import { type TechRole, techNames } from "./tech-terms.ts";
import { mentions, type TextIndex } from "./text-index.ts";
import type { RequestFacts } from "./types.ts";

/** Words that mean authentication or authorization is asked for. Korean words match inside longer words. */
export const AUTH_WORDS: readonly string[] = [
  "auth",
  "oauth",
  "oauth2",
  "openid",
  "oidc",
  "saml",
  "sso",
  "jwt",
  "2fa",
  "mfa",
  "totp",
  "otp",
  "two-factor",
  "two factor",
  "login",
  "log-in",
  "log in",
  "logins",
  "logout",
  "signin",
  "sign-in",
  "sign in",
  "signup",
  "sign-up",
  "sign up",
  "password",
  "passwords",
  "authentication",
  "authorization",
  "authorisation",
  "rbac",
  "회원가입",
  "로그인",
  "인증",
  "비밀번호",
  "권한",
];

/** Generic words that mean an ORM; every ORM in `TECH_TERMS` (role `orm`) counts too. */
export const ORM_WORDS: readonly string[] = ["orm", "object-relational", "object relational mapper"];

/** Words that say the request is CRUD. */
export const CRUD_WORDS: readonly string[] = [
  "crud",
  "create read update delete",
  "create read update and delete",
  "create-read-update-delete",
];

/** Generic front-end words; every technology with role `frontend` counts too. */
export const FRONTEND_WORDS: readonly string[] = [
  "frontend",
  "front-end",
  "front end",
  "ui",
  "web ui",
  "web app",
  "webapp",
  "spa",
  "dashboard",
  "ios",
  "android",
  "mobile app",
  "프론트엔드",
  "프런트엔드",
  "화면",
  "웹앱",
];

/** Generic back-end words; every technology with role `backend` counts too. */
export const BACKEND_WORDS: readonly string[] = [
  "backend",
  "back-end",
  "back end",
  "api",
  "apis",
  "rest",
  "restful",
  "server",
  "database",
  "db",
  "microservice",
  "microservices",
  "webhook",
  "webhooks",
  "백엔드",
  "서버",
  "데이터베이스",
];

/** Most requirements a request may list and still read as {@link RequestFacts.simple_crud}. */
export const SIMPLE_CRUD_MAX_REQUIREMENTS = 3;

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
export function deriveFacts(sources: FactSources): RequestFacts {
  const says = (words: readonly string[], role?: TechRole) =>
    mentions(sources.text, words) ||
    mentions(sources.stack, words) ||
    (role !== undefined &&
      (mentions(sources.text, techNames(role, false)) || mentions(sources.stack, techNames(role, true))));
  const needs_auth = says(AUTH_WORDS);
  return {
    needs_auth,
    uses_orm: says(ORM_WORDS, "orm"),
    simple_crud:
      mentions(sources.text, CRUD_WORDS) &&
      !needs_auth &&
      sources.requirementCount <= SIMPLE_CRUD_MAX_REQUIREMENTS,
    has_frontend: says(FRONTEND_WORDS, "frontend"),
    has_backend: says(BACKEND_WORDS, "backend"),
  };
}
