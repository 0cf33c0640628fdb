import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { processStartTime, psStartTime } from "../../src/agents/process-start.ts";

const hasPs = existsSync("/bin/ps") || existsSync("/usr/bin/ps");

describe("a process's start time", () => {
  it("is the same each time it is read, and another process's is another", async () => {
    expect(processStartTime(process.pid)).toBeDefined();
    expect(processStartTime(process.pid)).toBe(processStartTime(process.pid));
    const child = spawn("sleep", ["30"]);
    try {
      await new Promise((r) => child.once("spawn", r));
      expect(processStartTime(child.pid!)).toBeDefined();
    } finally {
      child.kill("SIGKILL");
    }
    await new Promise((r) => child.once("exit", r));
    expect(processStartTime(child.pid!)).toBeUndefined();
  });

  it.skipIf(!hasPs)(
    "off Linux, as ps tells it: in UTC whatever the caller's zone, none for no process",
    () => {
      const started = psStartTime(process.pid);
      expect(started).toMatch(/^ps:\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}$/);
      const before = process.env.TZ;
      process.env.TZ = "Asia/Tokyo";
      try {
        expect(psStartTime(process.pid)).toBe(started);
      } finally {
        if (before === undefined) delete process.env.TZ;
        else process.env.TZ = before;
      }
      expect(psStartTime(2 ** 22 + 12_345)).toBeUndefined();
      expect(psStartTime(0)).toBeUndefined();
    },
  );
});
