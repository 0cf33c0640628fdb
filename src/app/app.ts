import type { Probot } from "probot";
import { triggersOf } from "../github/webhook-triggers.ts";
import { APP_EVENTS } from "./events.ts";
import { AppHost, type AppOptions } from "./host.ts";

export { APP_EVENTS };

/**
 * The Probot app. Each webhook is turned into triggers (no GitHub call) and queued per execution;
 * the work runs after the webhook is answered. `host()` gives tests the queue to wait on.
 */
export function orchestrateApp(options: AppOptions = {}) {
  let host!: AppHost;
  const app = (probot: Probot) => {
    host = new AppHost(probot, options);
    probot.on([...APP_EVENTS], async (context) => {
      const installation = (context.payload as { installation?: { id: number } }).installation?.id;
      if (installation === undefined) return;
      const routed = triggersOf(context.name, context.payload as never, context.id, { label: host.label });
      // Journaled (when kept) before the webhook is answered; handled after.
      await host.accept(installation, context.id, routed);
    });
  };
  return { app, host: () => host };
}
