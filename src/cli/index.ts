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
}).then((code) => {
  if (code === HANGUP_EXIT) {
    // Its terminal is gone: ended by the hangup itself (a shell shows 129). Exiting would have
    // Node restore the terminal's settings on a terminal that no longer exists, and abort.
    process.removeAllListeners("SIGHUP");
    process.kill(process.pid, "SIGHUP");
    return;
  }
  process.exitCode = code;
});
