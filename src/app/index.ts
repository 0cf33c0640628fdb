import { type RunningApp, startServer } from "./server.ts";

// Signal handlers come first: a stop asked for while the server starts waits for it to be up.
let running: RunningApp | undefined;
let stopAsked: string | undefined;
const stop = async (signal: string, app: RunningApp) => {
  app.host.log(`${signal}: finishing queued work, taking no new webhooks`);
  const cut = await app.shutdown();
  if (cut.length > 0)
    app.host.log(
      `stopped with work left for ${cut.join(", ")}: the next start reconciles their executions (and handles their webhooks again with ORCHESTRATE_JOURNAL)`,
    );
  process.exit(0);
};
const onSignal = (signal: string) => {
  if (stopAsked !== undefined) return;
  stopAsked = signal;
  if (running) void stop(signal, running);
};
process.once("SIGTERM", onSignal);
process.once("SIGINT", onSignal);

try {
  running = await startServer();
  if (stopAsked !== undefined) void stop(stopAsked, running);
} catch (error) {
  console.error(`orchestrate app: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
