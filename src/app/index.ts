import { startServer } from "./server.ts";

startServer().catch((error: unknown) => {
  console.error(`orchestrate app: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
