import { open } from "node:fs/promises";

/**
 * Follows log files while they are written (the command agent's scrubbed `stdout.log` and
 * `stderr.log`) and passes each new whole line to `emit`, so a long agent shows progress in the
 * job log. `stop()` reads what is left, including a last line without a line end.
 */
export class LogTail {
  readonly #files: { path: string; offset: number; pending: string }[];
  readonly #emit: (line: string) => void;
  readonly #timer: NodeJS.Timeout;
  #reading: Promise<void> = Promise.resolve();

  constructor(paths: readonly string[], emit: (line: string) => void, intervalMs = 500) {
    this.#files = paths.map((path) => ({ path, offset: 0, pending: "" }));
    this.#emit = emit;
    this.#timer = setInterval(() => this.#poll(), intervalMs);
    this.#timer.unref();
  }

  /** Stops following; emits everything not yet emitted. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#reading;
    await this.#readAll();
    for (const file of this.#files) {
      if (file.pending !== "") this.#emit(file.pending);
      file.pending = "";
    }
  }

  #poll(): void {
    this.#reading = this.#reading.then(() => this.#readAll());
  }

  async #readAll(): Promise<void> {
    for (const file of this.#files) {
      let handle: Awaited<ReturnType<typeof open>> | undefined;
      try {
        handle = await open(file.path, "r");
        const { size } = await handle.stat();
        if (size <= file.offset) continue;
        const buffer = Buffer.alloc(size - file.offset);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, file.offset);
        file.offset += bytesRead;
        // Scrubbed logs are written in whole lines, so a chunk never splits a character there.
        const text = file.pending + buffer.subarray(0, bytesRead).toString("utf8");
        const lines = text.split(/\r?\n/);
        file.pending = lines.pop() ?? "";
        for (const line of lines) this.#emit(line);
      } catch {
        // Not created yet, or gone: nothing to show.
      } finally {
        await handle?.close();
      }
    }
  }
}
