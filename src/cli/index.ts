import { main } from "./main.ts";
import { HANGUP_EXIT } from "./session.ts";

// Until main() settles, an unexpected exit is a failure.
process.exitCode = 1;

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
}).then(async (code) => {
  if (code === HANGUP_EXIT && process.platform !== "win32") {
    // Its terminal is gone: ended by the hangup itself (a shell shows 129). Exiting would have
    // Node restore the terminal's settings on a terminal that no longer exists, and abort. What
    // is still on its way to a pipe (the resume hint) goes first: a signal does not wait for it.
    await Promise.race([
      Promise.all([flushed(process.stdout), flushed(process.stderr)]),
      new Promise((r) => setTimeout(r, 1000)),
    ]);
    process.removeAllListeners("SIGHUP");
    process.kill(process.pid, "SIGHUP");
    return;
  }
  process.exitCode = code;
});

/** Resolves once what was written to `stream` has been handed on (or it can take no more). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0 || stream.destroyed) resolve();
    else stream.write("", () => resolve());
  });
}
