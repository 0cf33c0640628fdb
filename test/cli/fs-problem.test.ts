import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fsProblem, isFsError } from "../../src/cli/fs-problem.ts";
import { appendDurably } from "../../src/cli/store/durable-write.ts";

function errno(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  const error = new Error(`${code}: something, ${syscall}`) as NodeJS.ErrnoException;
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  return error;
}

describe("fsProblem", () => {
  it("names the path, the code with its meaning, and what to check", () => {
    expect(fsProblem(errno("EACCES", "mkdir", "/a/b/state"), { alternative: "choose another folder" })).toBe(
      "cannot create the folder /a/b/state: EACCES (permission denied); check the permissions of /a/b, or choose another folder",
    );
    expect(fsProblem(errno("EACCES", "open", "/a/b/lock"))).toBe(
      "cannot open /a/b/lock: EACCES (permission denied); check the permissions of /a/b/lock and of /a/b",
    );
    expect(fsProblem(errno("EROFS", "open", "/ro/x"))).toBe(
      "cannot open /ro/x: EROFS (the file system is read-only); use a writable file system",
    );
    expect(fsProblem(errno("EWHATEVER", "open", "/x"))).toBe("cannot open /x: EWHATEVER (something)");
  });

  it("tells file-system errors from others", () => {
    expect(isFsError(errno("ENOSPC", "write"))).toBe(true);
    expect(isFsError(new Error("plain"))).toBe(false);
    expect(isFsError(Object.assign(new Error("x"), { code: "ERR_INVALID_ARG_TYPE" }))).toBe(false);
  });

  it.skipIf(!existsSync("/dev/full"))("a write that fails by descriptor names its file", () => {
    let caught: unknown;
    try {
      appendDurably("/dev/full", "x\n");
    } catch (error) {
      caught = error;
    }
    expect(isFsError(caught)).toBe(true);
    expect(fsProblem(caught as NodeJS.ErrnoException)).toBe(
      "cannot write to /dev/full: ENOSPC (no space left on the device); free some disk space, then try again",
    );
  });
});
