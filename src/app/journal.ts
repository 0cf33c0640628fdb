import type { FileHandle } from "node:fs/promises";
import { mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { RoutedTrigger } from "../github/webhook-triggers.ts";

/** A webhook the app answered 2xx to, and the triggers it queued for it. */
export interface JournalEntry {
  delivery: string;
  installation: number;
  /** When it was accepted (ms since the epoch). */
  at: number;
  routed: RoutedTrigger[];
}

type Line = ({ t: "accepted" } & JournalEntry) | { t: "done"; delivery: string };

/** Rewrite the file once this many deliveries were done since it was last written whole. */
const COMPACT_AFTER = 1000;

/**
 * The deliveries the app has acknowledged but not finished handling, in a local append-only
 * file (JSON lines): a process that dies after answering a webhook — GitHub records it as
 * delivered and never sends it again — finds them at its next start and handles them then. Each
 * delivery keeps its GUID, from which event ids derive, so one that was handled after all
 * changes nothing. Survives the process, not the machine (no fsync).
 */
export class Journal {
  readonly path: string;
  readonly #pending = new Map<string, JournalEntry>();
  #file: FileHandle | undefined;
  #writes: Promise<unknown> = Promise.resolve();
  #done = 0;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * Reads what a previous process left unfinished (entries older than `maxAgeMs` are dropped),
   * rewrites the file with only those, and opens it for appending. A torn or unreadable line (the
   * process died while writing it) is skipped.
   */
  async open(now: number, maxAgeMs: number): Promise<JournalEntry[]> {
    let text = "";
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    for (const raw of text.split("\n")) {
      if (raw.trim() === "") continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue;
      }
      if (line.t === "accepted" && typeof line.delivery === "string" && Array.isArray(line.routed)) {
        const { t: _, ...entry } = line;
        this.#pending.set(line.delivery, entry);
      } else if (line.t === "done") this.#pending.delete(line.delivery);
    }
    for (const [delivery, entry] of this.#pending)
      if (!(now - entry.at <= maxAgeMs)) this.#pending.delete(delivery);
    await mkdir(dirname(this.path), { recursive: true });
    await this.#rewrite();
    return [...this.#pending.values()];
  }

  /** Records an accepted delivery; resolves once it is written (before the webhook is answered). */
  accept(entry: JournalEntry): Promise<void> {
    this.#pending.set(entry.delivery, entry);
    return this.#append({ t: "accepted", ...entry });
  }

  /** Records that a delivery's triggers were handled (or failed for good). */
  async done(delivery: string): Promise<void> {
    if (!this.#pending.delete(delivery)) return;
    if (++this.#done >= COMPACT_AFTER) {
      this.#done = 0;
      await this.#serial(() => this.#rewrite());
      return;
    }
    await this.#append({ t: "done", delivery });
  }

  /** Closes the file (what is pending stays in it for the next start). */
  async close(): Promise<void> {
    await this.#serial(async () => {
      await this.#file?.close();
      this.#file = undefined;
    });
  }

  #append(line: Line): Promise<void> {
    return this.#serial(async () => {
      this.#file ??= await open(this.path, "a");
      await this.#file.write(`${JSON.stringify(line)}\n`);
    });
  }

  /** Writes the pending entries as the whole file (a new file renamed over the old one). */
  async #rewrite(): Promise<void> {
    await this.#file?.close();
    this.#file = undefined;
    const text = [...this.#pending.values()]
      .map((e) => `${JSON.stringify({ t: "accepted", ...e })}\n`)
      .join("");
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, this.path);
  }

  /** Runs file operations one at a time, in call order. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(work, work);
    this.#writes = next.catch(() => undefined);
    return next;
  }
}
