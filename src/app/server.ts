import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { resolve } from "node:path";
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

/** Node's longest timer (ms): a longer one fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A number of `unit` from the environment, from 0 to `max`; unset or empty: undefined (the
 * default applies). Anything else stops the start with a message naming the variable and the range.
 */
function numberSetting(env: NodeJS.ProcessEnv, name: string, unit: string, max?: number): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  if (Number.isFinite(n) && n >= 0 && (max === undefined || n <= max)) return n;
  const range =
    max === undefined
      ? "0 or more"
      : `from 0 to ${max} (Node cannot wait longer: a longer timer fires at once)`;
  throw new Error(`${name} is ${JSON.stringify(text)}: set it to a number of ${unit}, ${range}`);
}

/** The app's id, when APP_ID is one. */
function appIdSetting(text: string | undefined): number | undefined {
  const id = Number(text);
  return text !== undefined && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/**
 * Reads the app's own settings from the environment (Probot reads APP_ID, PRIVATE_KEY, …; the
 * app id also tells this app's check runs from others'). A period out of range is refused.
 */
export function appOptionsFromEnv(env: NodeJS.ProcessEnv): AppOptions {
  const tick = numberSetting(env, "ORCHESTRATE_TICK_MINUTES", "minutes", Math.floor(MAX_TIMER_MS / 60_000));
  const hours = numberSetting(env, "ORCHESTRATE_REDELIVER_HOURS", "hours");
  const bots = botList(env.ORCHESTRATE_ALLOW_BOTS);
  const appId = appIdSetting(env.APP_ID);
  return {
    ...(env.ORCHESTRATE_LABEL ? { label: env.ORCHESTRATE_LABEL } : {}),
    ...(env.ORCHESTRATE_WORKFLOW ? { workflow: env.ORCHESTRATE_WORKFLOW } : {}),
    ...(appId !== undefined ? { appId } : {}),
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
  checkCredentials(env);
  const options = appOptionsFromEnv(env);
  const grace =
    numberSetting(env, "ORCHESTRATE_SHUTDOWN_SECONDS", "seconds", Math.floor(MAX_TIMER_MS / 1000)) ?? 25;
  // Info by default (Probot's is warn): a server that started says where it listens.
  const probot = createProbot({ env: { LOG_LEVEL: "info", ...env }, overrides: { Octokit: AppOctokit } });
  const { app, host: appHost } = orchestrateApp(options);
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
  return {
    server,
    host: appHost(),
    shutdown: () => {
      stopping = true;
      return shutdown(server, appHost(), grace * 1000);
    },
  };
}

/**
 * The app's credentials are set: APP_ID, WEBHOOK_SECRET, and the private key as PRIVATE_KEY or a
 * file PRIVATE_KEY_PATH names (Probot's own message would not say which variables).
 */
function checkCredentials(env: NodeJS.ProcessEnv): void {
  const all =
    "register the app from app.yml and set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET";
  if (!env.APP_ID) throw new Error(`APP_ID is not set: ${all}`);
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH)
    throw new Error(
      `Neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set: set PRIVATE_KEY to the app's private key (the text of the .pem file GitHub generated for it) or PRIVATE_KEY_PATH to that file's path`,
    );
  if (!env.PRIVATE_KEY && env.PRIVATE_KEY_PATH && !existsSync(resolve(env.PRIVATE_KEY_PATH)))
    throw new Error(
      `PRIVATE_KEY_PATH is ${JSON.stringify(env.PRIVATE_KEY_PATH)}, which does not exist: set it to the path of the app's private key (.pem), or set PRIVATE_KEY to its text`,
    );
  if (!env.WEBHOOK_SECRET) throw new Error(`WEBHOOK_SECRET is not set: ${all}`);
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
