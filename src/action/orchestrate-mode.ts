import { readFile } from "node:fs/promises";
import { cell } from "../core/render/markdown.ts";
import { botList } from "../github/commands.ts";
import { githubPorts } from "../github/index.ts";
import { GitHubOrchestrator, type Trigger } from "../github/orchestrator.ts";
import type { ExecutionRef } from "../github/ports.ts";
import { triggersOf } from "../github/webhook-triggers.ts";
import { systemClock } from "../ports/clock.ts";
import { ActionInputError } from "./errors.ts";
import type { ModeContext } from "./mode-context.ts";

/** Events whose runs reconcile every execution of the repository (the periodic tick). */
export const TICK_EVENTS: ReadonlySet<string> = new Set(["schedule", "workflow_dispatch"]);

interface Batch {
  ref: ExecutionRef;
  triggers: Trigger[];
}

/**
 * Mode `orchestrate`: the app's event handling inside a workflow run. The run's event
 * (`GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH`) becomes triggers with the same mapping the app uses
 * (`workflow_run` stands in for `workflow_job`, which cannot trigger workflows: a finished agents
 * run fails the tasks it ran or should have run that left no result);
 * each execution it concerns is handled once, with a reconcile tick after its triggers, so a run
 * that a `concurrency` group dropped is made up for by the next one. `schedule` and
 * `workflow_dispatch` runs tick every execution on the state branch. Returns the exit code: 1 when
 * an execution could not be handled (the others still are).
 */
export async function runOrchestrateMode(ctx: ModeContext): Promise<number> {
  const { io, env, inputs } = ctx;
  const name = env.GITHUB_EVENT_NAME;
  if (!name) throw new ActionInputError("GITHUB_EVENT_NAME is not set: run mode `orchestrate` in a workflow");
  const payload = await readEvent(env.GITHUB_EVENT_PATH);
  const delivery = `run-${env.GITHUB_RUN_ID ?? "local"}`;
  const ports = githubPorts(ctx.client, { dashboardAuthors: await tokenUser(ctx) });

  const batches = new Map<string, Batch>();
  const add = (ref: ExecutionRef, trigger: Trigger) => {
    const key = `${ref.owner}/${ref.repo}#${ref.issue}`.toLowerCase();
    const batch = batches.get(key) ?? { ref, triggers: [] };
    batch.triggers.push(trigger);
    batches.set(key, batch);
  };
  for (const { ref, trigger } of triggersOf(name, payload as never, delivery, { label: inputs.label }))
    add(ref, trigger);
  if (TICK_EVENTS.has(name)) {
    for (const issue of await ports.store.list(ctx.repo)) add({ ...ctx.repo, issue }, { kind: "tick" });
  }
  for (const batch of batches.values()) {
    if (!batch.triggers.some((t) => t.kind === "tick")) batch.triggers.push({ kind: "tick" });
  }

  if (batches.size === 0) {
    io.info(`nothing to do for ${name}${payload.action ? `.${String(payload.action)}` : ""}`);
    io.setOutput("status", "idle");
    io.setOutput("executions", "[]");
    return 0;
  }

  const orchestrator = new GitHubOrchestrator(ports, {
    clock: { ...systemClock, now: ctx.now },
    random: ctx.random,
    workflow: inputs.workflow,
    commands: {
      appSlug: "github-actions",
      allowBots: botList(inputs.allowBots),
    },
    // What GitHub refused (a missing permission, a wrong `workflow`) is an annotation, not a plain line.
    log: (message, extra) =>
      (/^could not /.test(message) ? io.warning : io.info)(
        ctx.scrub(`${message}${extra ? ` ${JSON.stringify(extra)}` : ""}`),
      ),
  });
  const rows: string[] = [];
  const handled: string[] = [];
  let failures = 0;
  for (const { ref, triggers } of batches.values()) {
    const id = `${ref.owner}/${ref.repo}#${ref.issue}`;
    const kinds = triggers.map((t) => t.kind).join(", ");
    try {
      const state = await orchestrator.handle(ref, triggers);
      // Which run each dispatch started, for the next run to look at: nothing else keeps it.
      await orchestrator.flush(ref);
      handled.push(id);
      const status = state ? state.status : "no execution";
      io.info(`${id}: ${kinds} → ${status}`);
      rows.push(`| ${cell(id)} | ${kinds} | ${status} |`);
    } catch (error) {
      failures++;
      const message = ctx.scrub(error instanceof Error ? error.message : String(error));
      io.error(`${id}: ${message}`);
      rows.push(`| ${cell(id)} | ${kinds} | error: ${cell(message)} |`);
    }
  }
  io.summary(
    [`### Orchestrate: ${name}`, "", "| execution | triggers | status |", "|---|---|---|", ...rows, ""].join(
      "\n",
    ),
  );
  io.setOutput("status", failures > 0 ? "failed" : "handled");
  io.setOutput("executions", JSON.stringify(handled));
  return failures > 0 ? 1 : 0;
}

async function readEvent(path: string | undefined): Promise<Record<string, unknown>> {
  if (!path) throw new ActionInputError("GITHUB_EVENT_PATH is not set: run mode `orchestrate` in a workflow");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ActionInputError(`cannot read the event payload ${path}: ${(error as Error).message}`);
  }
  try {
    const payload = JSON.parse(text) as unknown;
    if (typeof payload === "object" && payload !== null) return payload as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ActionInputError(`the event payload ${path} is not a JSON object`);
}

/**
 * The login behind a personal token (its comments are written as that user, not a bot), so the
 * dashboard it wrote is found again; none for GITHUB_TOKEN and app installation tokens.
 */
async function tokenUser(ctx: ModeContext): Promise<string[]> {
  if (!/^(ghp_|github_pat_|gho_|ghu_)/.test(ctx.inputs.githubToken)) return [];
  try {
    const { data } = await ctx.client.rest.users.getAuthenticated();
    return [data.login];
  } catch (error) {
    ctx.io.warning(
      ctx.scrub(
        `could not read the token's user (${error instanceof Error ? error.message : String(error)}): the dashboard is looked up among bot comments only`,
      ),
    );
    return [];
  }
}
