import { createServer, type Server } from "node:http";
import { createNodeMiddleware, createProbot, ProbotOctokit } from "probot";
import { botList } from "../github/commands.ts";
import { DO_NOT_RETRY, rateLimitHandlers, requestGuardrails } from "../github/octokit.ts";
import { orchestrateApp } from "./app.ts";
import type { AppHost, AppOptions } from "./host.ts";

/**
 * Probot's Octokit with our request policy: 409 is a conflict to re-read, never retried; a
 * non-idempotent POST is never re-sent; primary and secondary rate limits are waited out (3 times
 * at most; Probot's own handlers would give up on a secondary limit at once), then reported.
 */
export const AppOctokit = ProbotOctokit.plugin(requestGuardrails).defaults(
  (options: Record<string, unknown>) => ({
    ...options,
    retry: { ...(options.retry as object | undefined), doNotRetry: [...DO_NOT_RETRY] },
    throttle: { ...(options.throttle as object | undefined), ...rateLimitHandlers() },
  }),
);

/** A number from the environment; unset, empty or not a number: undefined (the default applies). */
function numberSetting(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads the app's own settings from the environment (Probot reads APP_ID, PRIVATE_KEY, …). */
export function appOptionsFromEnv(env: NodeJS.ProcessEnv): AppOptions {
  const tick = numberSetting(env.ORCHESTRATE_TICK_MINUTES);
  const hours = numberSetting(env.ORCHESTRATE_REDELIVER_HOURS);
  const bots = botList(env.ORCHESTRATE_ALLOW_BOTS);
  return {
    ...(env.ORCHESTRATE_LABEL ? { label: env.ORCHESTRATE_LABEL } : {}),
    ...(env.ORCHESTRATE_WORKFLOW ? { workflow: env.ORCHESTRATE_WORKFLOW } : {}),
    ...(tick !== undefined ? { tickMs: tick * 60_000 } : {}),
    ...(hours !== undefined ? { redeliverHours: hours } : {}),
    ...(env.ORCHESTRATE_JOURNAL ? { journalPath: env.ORCHESTRATE_JOURNAL } : {}),
    ...(env.ORCHESTRATE_APP_SLUG ? { appSlug: env.ORCHESTRATE_APP_SLUG } : {}),
    ...(bots.length > 0 ? { allowBots: bots } : {}),
  };
}

/**
 * Starts the webhook server: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, GHE_HOST /
 * GHE_PROTOCOL and LOG_LEVEL (default info) are read by Probot; PORT (default 3000) and HOST here. Webhooks are
 * answered as soon as they are verified and queued.
 */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningApp> {
  for (const name of ["APP_ID", "WEBHOOK_SECRET"]) {
    if (!env[name])
      throw new Error(
        `${name} is not set: register the app from app.yml and set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET`,
      );
  }
  // Info by default (Probot's is warn): a server that started says where it listens.
  const probot = createProbot({ env: { LOG_LEVEL: "info", ...env }, overrides: { Octokit: AppOctokit } });
  const { app, host: appHost } = orchestrateApp(appOptionsFromEnv(env));
  const middleware = await createNodeMiddleware(app, {
    probot,
    webhooksPath: env.WEBHOOK_PATH ?? "/api/github/webhooks",
  });
  // Webhooks accepted before the last stop and not finished are taken up before new ones.
  await appHost().resumeJournal();
  let stopping = false;
  const server = createServer((req, res) => {
    if (stopping) {
      // GitHub records the delivery as failed, so the next start asks for it again.
      res.writeHead(503, { connection: "close", "content-type": "text/plain" }).end("stopping\n");
      return;
    }
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? "0.0.0.0";
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  probot.log.info(
    `Orchestrate listening on http://${host}:${port}${env.WEBHOOK_PATH ?? "/api/github/webhooks"}`,
  );
  // Executions from before this start are reconciled without waiting for a webhook.
  if (env.ORCHESTRATE_DISCOVER !== "0") void appHost().discoverAll();
  // Webhooks GitHub could not deliver while the app was down are asked for again.
  void appHost().redeliver();
  const grace = numberSetting(env.ORCHESTRATE_SHUTDOWN_SECONDS) ?? 25;
  return {
    server,
    host: appHost(),
    shutdown: () => {
      stopping = true;
      return shutdown(server, appHost(), grace * 1000);
    },
  };
}

/** The running app: its HTTP server, its host (queues), and a graceful stop. */
export interface RunningApp {
  server: Server;
  host: AppHost;
  /**
   * Stops taking webhooks (answered 503, so GitHub records them as failed and the next start asks
   * for them again) and the tick, then waits up to ORCHESTRATE_SHUTDOWN_SECONDS (default 25) for
   * queued work to finish. Resolves with the executions whose work was cut off (empty when all
   * finished): work still queued when the time ran out, and triggers that were to be handled
   * again after a failure (dropped: logged); with ORCHESTRATE_JOURNAL, their webhooks are taken up
   * again at the next start.
   */
  shutdown(): Promise<string[]>;
}

async function shutdown(server: Server, host: AppHost, graceMs: number): Promise<string[]> {
  host.stop();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([Promise.all([closed, host.queue.idle()]), deadline]);
  clearTimeout(timer);
  server.closeAllConnections();
  const busy = [...new Set([...host.queue.busy, ...host.dropped])];
  await host.closeJournal();
  return busy;
}
