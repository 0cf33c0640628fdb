import { createServer, type Server } from "node:http";
import { createNodeMiddleware, createProbot, ProbotOctokit } from "probot";
import { botList } from "../github/commands.ts";
import { DO_NOT_RETRY, requestGuardrails } from "../github/octokit.ts";
import { orchestrateApp } from "./app.ts";
import type { AppOptions } from "./host.ts";

/**
 * Probot's Octokit with our request policy: 409 is a conflict to re-read, never retried; a
 * non-idempotent POST is never re-sent; rate limits are waited out, then reported.
 */
export const AppOctokit = ProbotOctokit.plugin(requestGuardrails).defaults(
  (options: Record<string, unknown>) => ({
    ...options,
    retry: { ...(options.retry as object | undefined), doNotRetry: [...DO_NOT_RETRY] },
  }),
);

/** Reads the app's own settings from the environment (Probot reads APP_ID, PRIVATE_KEY, …). */
export function appOptionsFromEnv(env: NodeJS.ProcessEnv): AppOptions {
  const tick = env.ORCHESTRATE_TICK_MINUTES === undefined ? undefined : Number(env.ORCHESTRATE_TICK_MINUTES);
  const bots = botList(env.ORCHESTRATE_ALLOW_BOTS);
  return {
    ...(env.ORCHESTRATE_LABEL ? { label: env.ORCHESTRATE_LABEL } : {}),
    ...(env.ORCHESTRATE_WORKFLOW ? { workflow: env.ORCHESTRATE_WORKFLOW } : {}),
    ...(tick !== undefined && Number.isFinite(tick) ? { tickMs: tick * 60_000 } : {}),
    ...(env.ORCHESTRATE_APP_SLUG ? { appSlug: env.ORCHESTRATE_APP_SLUG } : {}),
    ...(bots.length > 0 ? { allowBots: bots } : {}),
  };
}

/**
 * Starts the webhook server: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, GHE_HOST /
 * GHE_PROTOCOL and LOG_LEVEL are read by Probot; PORT (default 3000) and HOST here. Webhooks are
 * answered as soon as they are verified and queued.
 */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<Server> {
  for (const name of ["APP_ID", "WEBHOOK_SECRET"]) {
    if (!env[name])
      throw new Error(
        `${name} is not set: register the app from app.yml and set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET`,
      );
  }
  const probot = createProbot({ env, overrides: { Octokit: AppOctokit } });
  const { app, host: appHost } = orchestrateApp(appOptionsFromEnv(env));
  const middleware = await createNodeMiddleware(app, {
    probot,
    webhooksPath: env.WEBHOOK_PATH ?? "/api/github/webhooks",
  });
  const server = createServer((req, res) => {
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
  return server;
}
