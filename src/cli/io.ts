/** Where the CLI reads and writes: passed in, so tests can capture it. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Exit codes, documented in the README. */
export const EXIT = {
  /** The execution succeeded (or the command did what it was asked). */
  ok: 0,
  /** The execution failed or was cancelled. */
  failed: 1,
  /** Usage error, invalid plan, unknown execution, corrupt state. */
  usage: 2,
  /** Stopped at a gate: no TTY to ask and no `--yes`. */
  gate: 3,
} as const;

/** An error the CLI reports as one message (plus details) and an exit code, never a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly details: readonly string[];

  constructor(message: string, exitCode: number = EXIT.usage, details: readonly string[] = []) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
    this.details = details;
  }
}

export function writeLine(stream: NodeJS.WritableStream, text = ""): void {
  stream.write(`${text}\n`);
}

/** Streams whose reader went away (EPIPE): what is left to write to them is dropped. */
const closedStreams = new WeakSet<NodeJS.WritableStream>();

/** Whether `stream`'s reader went away (`orchestrate logs … | head -1`). */
export function readerGone(stream: NodeJS.WritableStream): boolean {
  return closedStreams.has(stream);
}

/** Streams `quietOnClosedPipe` already handles. */
const handledStreams = new WeakSet<NodeJS.WritableStream>();

/**
 * Lets `stream` lose its reader quietly: a closed pipe (EPIPE) is not an error of the command,
 * which goes on to its end with nothing more printed there (a run is not cut short, its tasks
 * are not left behind). Any other write error is thrown as before. The handler stays: the error
 * may be emitted after the command returned.
 */
export function quietOnClosedPipe(stream: NodeJS.WritableStream): void {
  if (handledStreams.has(stream)) return;
  handledStreams.add(stream);
  stream.on("error", (error: NodeJS.ErrnoException) => {
    // EIO on a terminal: it went away (its window closed); the hangup signal says what to do.
    // On a file it is a failing disk: an error, as any other.
    const terminalGone = error.code === "EIO" && (stream as { isTTY?: boolean }).isTTY === true;
    if (error.code !== "EPIPE" && !terminalGone) throw error;
    closedStreams.add(stream);
  });
}

/**
 * Lets a terminal input go away without an error: when its window closes with a prompt open,
 * the prompt's ending turns raw mode off on a terminal that is gone (EIO), which would end the
 * process before the hangup signal (SIGHUP) is handled — leaving its tasks running.
 */
export function quietOnLostTerminal(stdin: CliIO["stdin"]): void {
  const tty = stdin as NodeJS.ReadStream;
  if (typeof tty.setRawMode !== "function" || handledInputs.has(tty)) return;
  handledInputs.add(tty);
  const setRawMode = tty.setRawMode.bind(tty);
  tty.setRawMode = (mode: boolean) => {
    try {
      return setRawMode(mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EIO") throw error;
      return tty;
    }
  };
}

const handledInputs = new WeakSet<NodeJS.ReadStream>();

let pendingExitCode: number | undefined;

/** Sets the exit code the current command ends with (when it does not throw). */
export function setExitCode(code: number): void {
  pendingExitCode = code;
}

/** Returns and clears the exit code a command set. */
export function takeExitCode(): number | undefined {
  const code = pendingExitCode;
  pendingExitCode = undefined;
  return code;
}
