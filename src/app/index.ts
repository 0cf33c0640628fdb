import { startServer } from "./server.ts";

try {
  const running = await startServer();
  const stop = async (signal: string) => {
    running.host.log(`${signal}: finishing queued work, taking no new webhooks`);
    const cut = await running.shutdown();
    if (cut.length > 0)
      running.host.log(`stopped with work left for ${cut.join(", ")}; the next start reconciles it`);
    process.exit(0);
  };
  process.once("SIGTERM", (s) => void stop(s));
  process.once("SIGINT", (s) => void stop(s));
} catch (error) {
  console.error(`orchestrate app: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
