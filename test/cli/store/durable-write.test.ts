import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendDurably, syncFolder, writeAtomic } from "../../../src/cli/store/durable-write.ts";
import { filesIn, tempRoot } from "./store-helpers.ts";

describe("durable writes", () => {
  it("appends whole lines", () => {
    const dir = tempRoot();
    const path = join(dir, "log");
    appendDurably(path, "one\n");
    appendDurably(path, "two ✓\n");
    syncFolder(dir);
    expect(readFileSync(path, "utf8")).toBe("one\ntwo ✓\n");
  });

  it("replaces a file whole and removes its temporary file when the rename fails", () => {
    const dir = tempRoot();
    const path = join(dir, "state.json");
    writeFileSync(path, "old");
    writeAtomic(path, "new");
    expect(readFileSync(path, "utf8")).toBe("new");
    const folder = join(dir, "taken");
    mkdirSync(folder);
    writeFileSync(join(folder, "inside"), "x");
    expect(() => writeAtomic(folder, "text")).toThrow();
    expect(filesIn(dir)).toEqual(["state.json", "taken"]);
  });
});
