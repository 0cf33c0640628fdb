import { describe, expect, it } from "vitest";
import { parseRequest, stackTags } from "../../../src/core/request/index.ts";

const facts = (body: string, title?: string) => parseRequest({ title, body }, { now: 0 }).facts;

describe("facts", () => {
  it("needs_auth from English and Korean words", () => {
    for (const body of [
      "Requirements: OAuth",
      "Requirements: 2FA",
      "A login page",
      "Sign-up flow",
      "sign up with email",
      "Add SSO",
      "JWT tokens",
      "Password reset",
      "User authentication",
      "회원가입 기능",
      "로그인 페이지",
      "이메일 인증",
    ]) {
      expect(facts(body).needs_auth, body).toBe(true);
    }
    for (const body of ["A blog", "An author page", "Blog posts with comments", "Austin weather"]) {
      expect(facts(body).needs_auth, body).toBe(false);
    }
  });

  it("uses_orm from ORMs and frameworks that bring one", () => {
    for (const stack of [
      "SQLAlchemy",
      "Prisma",
      "TypeORM",
      "Sequelize",
      "Django",
      "Hibernate",
      "Rails",
      "Drizzle",
    ]) {
      expect(facts(`Stack: ${stack}`).uses_orm, stack).toBe(true);
    }
    expect(facts("Stack: FastAPI + ORM").uses_orm).toBe(true);
    expect(facts("Stack: Entity Framework").uses_orm).toBe(true);
    expect(facts("Stack: FastAPI + React").uses_orm).toBe(false);
    expect(facts("Stack: Express").uses_orm).toBe(false);
  });

  it("simple_crud when CRUD is said, no auth, and few requirements", () => {
    expect(facts("Project: Notes\nRequirements: CRUD for notes").simple_crud).toBe(true);
    expect(facts("A create-read-update-delete app for books").simple_crud).toBe(true);
    expect(facts("Create/read/update/delete books").simple_crud).toBe(true);
    // The README's example: the slashes join one requirement, not four.
    expect(facts("Project: notes. Requirements: create/read/update/delete notes").simple_crud).toBe(true);
    expect(facts("Requirements: Create / Read / Update / Delete notes, search").simple_crud).toBe(true);
    expect(facts("Requirements: create, read, update and delete notes").simple_crud).toBe(true);
    expect(facts("Requirements: CRUD + login").simple_crud).toBe(false);
    expect(facts("Requirements: CRUD, search, export, import").simple_crud).toBe(false);
    expect(facts("Requirements: search").simple_crud).toBe(false);
  });

  it("has_frontend and has_backend from stack and words", () => {
    expect(facts("Stack: React")).toMatchObject({ has_frontend: true, has_backend: false });
    expect(facts("Stack: FastAPI")).toMatchObject({ has_frontend: false, has_backend: true });
    expect(facts("Stack: Express")).toMatchObject({ has_frontend: false, has_backend: true });
    expect(facts("A REST API with a web UI")).toMatchObject({ has_frontend: true, has_backend: true });
    expect(facts("백엔드 서버만")).toMatchObject({ has_frontend: false, has_backend: true });
    expect(facts("Write a CLI that renames files")).toMatchObject({
      has_frontend: false,
      has_backend: false,
    });
  });
});

describe("stackTags", () => {
  it("normalizes entries and adds implied languages", () => {
    expect(stackTags(["FastAPI", "React"])).toEqual(["fastapi", "react", "python", "javascript"]);
    expect(stackTags(["Django"])).toEqual(["django", "python"]);
    expect(stackTags(["Express"])).toEqual(["express", "node", "javascript"]);
    expect(stackTags(["Spring Boot"])).toEqual(["spring-boot", "spring", "java"]);
    expect(stackTags(["Next.js", "TypeScript"])).toEqual(["nextjs", "typescript", "react", "javascript"]);
    expect(stackTags(["Python 3.12", "Node.js 20"])).toEqual(["python", "node", "javascript"]);
    expect(stackTags(["FastAPI (Python)"])).toEqual(["fastapi", "python"]);
    expect(stackTags(["Custom ML model", "C++"])).toEqual(["custom-ml-model", "c++"]);
    expect(stackTags(["Go", "golang"])).toEqual(["go"]);
    expect(stackTags([])).toEqual([]);
  });
});
