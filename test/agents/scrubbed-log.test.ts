import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ScrubbedLog } from "../../src/agents/scrubbed-log.ts";
import { createScrubber } from "../../src/core/scrub/index.ts";
import { removeTempDirs, tempDir } from "./helpers.ts";

afterEach(removeTempDirs);

describe("ScrubbedLog", () => {
  it("masks a secret split across chunks and a multi-byte character split across buffers", async () => {
    const path = join(tempDir(), "out.log");
    const log = new ScrubbedLog(path, createScrubber(["hunter2"]));
    const euro = Buffer.from("€\n");
    for (const chunk of ["a hu", "nt", "er2 b\nc", "hunt"]) log.write(Buffer.from(chunk));
    log.write(Buffer.from("er2\n"));
    log.write(euro.subarray(0, 1));
    log.write(euro.subarray(1));
    await log.end();
    expect(readFileSync(path, "utf8")).toBe("a *** b\nc***\n€\n");
  });

  it("keeps the last non-empty lines as the tail", async () => {
    const log = new ScrubbedLog(join(tempDir(), "err.log"), (text) => text, 2);
    log.write("one\n\ntwo\nthree\n\n");
    log.write("four");
    expect(log.tail()).toEqual(["two", "three"]);
    await log.end();
    expect(log.tail()).toEqual(["three", "four"]);
  });

  it("cuts a very long line without line ends at its last blank", async () => {
    const path = join(tempDir(), "long.log");
    const log = new ScrubbedLog(path, createScrubber(["hunter2"]));
    log.write(`${"x".repeat(70_000)} hunter2`);
    log.write(" hunter2\n");
    await log.end();
    expect(readFileSync(path, "utf8")).toBe(`${"x".repeat(70_000)} *** ***\n`);
  });

  it("keeps no more than its size limit, says so once, and still follows the tail", async () => {
    const path = join(tempDir(), "big.log");
    const log = new ScrubbedLog(path, (text) => text, 2, 100);
    for (let i = 0; i < 50; i++) log.write(`line ${i}\n`);
    await log.end();
    const text = readFileSync(path, "utf8");
    expect(text.length).toBeLessThan(200);
    expect(text.match(/the log stops here, at 100 bytes/g)).toHaveLength(1);
    expect(log.tail()).toEqual(["line 48", "line 49"]);
  });

  it("cuts a very long run with no blank where no secret is split, even one still arriving", async () => {
    const path = join(tempDir(), "run.log");
    const secret = "s3cr3t-value-that-is-long-enough";
    const log = new ScrubbedLog(path, createScrubber([secret]));
    // 70,000 characters with no line end and no blank: the last ones begin the secret.
    log.write(`${"x".repeat(70_000 - 10)}${secret.slice(0, 10)}`);
    log.write(`${secret.slice(10)}${"y".repeat(10)}\n`);
    await log.end();
    expect(readFileSync(path, "utf8")).toBe(`${"x".repeat(70_000 - 10)}***${"y".repeat(10)}\n`);
  });
});
