import { createWriteStream, type WriteStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";

/** Text held back waiting for a line end before it is cut at the last blank instead. */
const MAX_PENDING_CHARS = 64 * 1024;
/** Longest line kept in the tail, in characters. */
const MAX_TAIL_LINE_CHARS = 400;
/** Size past which a log keeps no more output (the tail still follows it): a runaway agent cannot fill the disk. */
export const MAX_LOG_BYTES = 64 * 1024 * 1024;

/**
 * Writes a process's output stream to a log file with secrets masked. Text is scrubbed only in
 * whole lines, so a secret written in several pieces is still masked; a partial line is held until
 * its line end arrives or `end()` is called. Keeps the last few non-empty lines for error messages.
 */
export class ScrubbedLog {
  private readonly decoder = new StringDecoder("utf8");
  private readonly out: WriteStream;
  private readonly lastLines: string[] = [];
  private pending = "";
  private written = 0;

  constructor(
    path: string,
    private readonly scrub: (text: string) => string,
    private readonly tailLines = 5,
    private readonly maxBytes = MAX_LOG_BYTES,
  ) {
    this.out = createWriteStream(path, { flags: "w" });
    // A log that cannot be written must not crash the run; the run's result does not depend on it.
    this.out.on("error", () => {});
  }

  /** Adds a chunk of raw output. */
  write(chunk: Buffer | string): void {
    this.pending += typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    let cut = this.pending.lastIndexOf("\n") + 1;
    if (cut === 0 && this.pending.length > MAX_PENDING_CHARS) {
      // No line end in a long run of text (a progress bar, say): cut after its last blank, where
      // no secret or token is split, or as a last resort anywhere.
      const blank = Math.max(this.pending.lastIndexOf(" "), this.pending.lastIndexOf("\r"));
      cut = blank > 0 ? blank + 1 : this.safeCut();
    }
    if (cut === 0) return;
    this.emit(this.pending.slice(0, cut));
    this.pending = this.pending.slice(cut);
  }

  /** Writes what is left and closes the file. */
  end(): Promise<void> {
    this.pending += this.decoder.end();
    if (this.pending !== "") this.emit(this.pending);
    this.pending = "";
    return new Promise((resolve) => {
      if (this.out.destroyed) resolve();
      else this.out.end(() => resolve());
      this.out.once("error", () => resolve());
    });
  }

  /** The last non-empty lines written, scrubbed, oldest first. */
  tail(): string[] {
    return [...this.lastLines];
  }

  /**
   * Where a run of text with no blank may be cut without splitting a secret: scrubbing both sides
   * apart gives what scrubbing the whole gives. Tried from a few KiB before the end backwards; the
   * end (the whole run) if no such place is found. (Only for pathological output: 64 KiB with no
   * line end and no blank.)
   */
  private safeCut(): number {
    const text = this.pending;
    const whole = this.scrub(text);
    for (let cut = text.length - 4096; cut > text.length / 2; cut -= 4096) {
      if (this.scrub(text.slice(0, cut)) + this.scrub(text.slice(cut)) === whole) return cut;
    }
    return text.length;
  }

  private emit(text: string): void {
    const clean = this.scrub(text);
    if (!this.out.destroyed && this.written <= this.maxBytes) {
      const bytes = Buffer.byteLength(clean);
      if (this.written + bytes <= this.maxBytes) this.out.write(clean);
      else
        this.out.write(
          `\n[orchestrate: the log stops here, at ${this.maxBytes} bytes; the rest of the output was not kept]\n`,
        );
      this.written += bytes;
    }
    for (const line of clean.split(/\r?\n|\r/)) {
      const trimmed = line.trimEnd();
      if (trimmed === "") continue;
      this.lastLines.push(
        trimmed.length > MAX_TAIL_LINE_CHARS ? `${trimmed.slice(0, MAX_TAIL_LINE_CHARS)}…` : trimmed,
      );
      if (this.lastLines.length > this.tailLines) this.lastLines.shift();
    }
  }
}
