import { describe, expect, it } from "vitest";
import { splitList } from "../../../src/core/request/index.ts";

describe("splitList", () => {
  it("splits on + , ; / and the joining words", () => {
    expect(splitList("OAuth + 2FA + Email verification")).toEqual(["OAuth", "2FA", "Email verification"]);
    expect(splitList("a, b; c / d")).toEqual(["a", "b", "c", "d"]);
    expect(splitList("React and Redux & Jest 및 Vite")).toEqual(["React", "Redux", "Jest", "Vite"]);
    expect(splitList("OAuth+2FA")).toEqual(["OAuth", "2FA"]);
  });

  it("splits on lines and drops bullets, numbers and task boxes", () => {
    expect(splitList("- a\n* b\n+ c\n1. d\n2) e\n- [ ] f\n- [x] g\n\n")).toEqual([
      "a",
      "b",
      "c",
      "d",
      "e",
      "f",
      "g",
    ]);
  });

  it("keeps C++, numbers with commas, URLs and slash compounds whole", () => {
    expect(splitList("C++ + C#")).toEqual(["C++", "C#"]);
    expect(splitList("10,000 users, fast")).toEqual(["10,000 users", "fast"]);
    expect(splitList("CI/CD, https://example.com/a/b")).toEqual(["CI/CD", "https://example.com/a/b"]);
    expect(splitList("`a/b, c+d and e` + f")).toEqual(["`a/b, c+d and e`", "f"]);
    expect(splitList("a AND b and  c")).toEqual(["a", "b", "c"]);
  });

  it("keeps a run of CRUD verbs joined by slashes whole: the CRUD of one thing is one requirement", () => {
    expect(splitList("create/read/update/delete notes")).toEqual(["create/read/update/delete notes"]);
    expect(splitList("Add / Edit / Remove users + login/logout")).toEqual([
      "Add / Edit / Remove users",
      "login",
      "logout",
    ]);
    expect(splitList("게시글 생성/조회/수정/삭제, 검색")).toEqual(["게시글 생성/조회/수정/삭제", "검색"]);
    // A verb inside a longer word is not one: "readme" and "update" do not make a run.
    expect(splitList("readme/update")).toEqual(["readme", "update"]);
    expect(splitList("create/search")).toEqual(["create", "search"]);
  });

  it("keeps a run of CRUD verbs joined by commas, & or and whole, as written", () => {
    expect(splitList("create, read, update and delete notes")).toEqual([
      "create, read, update and delete notes",
    ]);
    expect(splitList("Create, Read, Update, and Delete notes, OAuth")).toEqual([
      "Create, Read, Update, and Delete notes",
      "OAuth",
    ]);
    expect(splitList("create & delete posts + 2FA")).toEqual(["create & delete posts", "2FA"]);
    expect(splitList("게시글 생성, 조회, 수정 및 삭제; 검색")).toEqual([
      "게시글 생성, 조회, 수정 및 삭제",
      "검색",
    ]);
    // Verbs with their own objects stay apart; so do lists without verbs.
    expect(splitList("add users and remove users")).toEqual(["add users", "remove users"]);
    expect(splitList("read the docs, update deps")).toEqual(["read the docs", "update deps"]);
    expect(splitList("OAuth, 2FA and email verification")).toEqual(["OAuth", "2FA", "email verification"]);
    // "android" is not "and": the run ends at "create".
    expect(splitList("create android app, delete")).toEqual(["create android app", "delete"]);
  });

  it("trims, drops a trailing period, empties and repeats", () => {
    expect(splitList("  Search.  ,, search , , Export")).toEqual(["Search", "Export"]);
  });

  it("keeps lines whole when asked and there are several", () => {
    expect(splitList("Create, read and update\nSearch", { linePerEntry: true })).toEqual([
      "Create, read and update",
      "Search",
    ]);
    expect(splitList("OAuth + 2FA", { linePerEntry: true })).toEqual(["OAuth", "2FA"]);
  });
});
