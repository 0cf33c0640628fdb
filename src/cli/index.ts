import { main } from "./main.ts";

// Until main() settles, an unexpected exit is a failure.
process.exitCode = 1;

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
}).then((code) => {
  process.exitCode = code;
});
