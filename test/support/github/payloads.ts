/**
 * Real webhook payloads from `@octokit/webhooks-examples` (only its `api.github.com/index.json`,
 * read once with `fs`), never invented shapes.
 *
 * Examples exist for (event.action, checked by `payloads.test.ts`):
 * - `issues`: opened, edited, labeled, unlabeled, assigned, reopened, milestoned, … (not closed)
 * - `issue_comment`: created, edited, deleted
 * - `pull_request`: opened, synchronize, labeled, closed, reopened, ready_for_review, …
 * - `pull_request_review`: submitted, dismissed
 * - `check_run`: created, completed, requested_action, rerequested
 * - `check_suite`: completed, requested, rerequested
 * - `workflow_job`: queued, in_progress, completed, waiting
 * - `workflow_run`: requested, completed
 * - `workflow_dispatch`, `push`, `create`, `delete`, `status` (no action)
 * - `repository_dispatch`: action `on-demand-test` (the action is the dispatch's `event_type`)
 * - `deployment.created`, `deployment_status.created`, `installation.created`/`deleted`,
 *   `installation_repositories.added`, `label.created`, `ping`
 *
 * Not there: `issues.closed`, `pull_request_review.edited`, `workflow_run.in_progress`.
 * `availableExamples()` lists everything.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { WebhookEventMap, WebhookEventName } from "@octokit/webhooks-types";
import type { Probot } from "probot";

/** The installation id every example payload carries. */
export const TEST_INSTALLATION_ID = 12345;

interface WebhookDefinition {
  name: string;
  actions: string[];
  examples: Array<Record<string, unknown>>;
}

type ForAction<T, A> = [Extract<T, { action: A }>] extends [never] ? T : Extract<T, { action: A }>;

/**
 * An example payload, typed by `@octokit/webhooks-types` (the types of these examples), narrowed
 * to the action when the types know it, with an installation.
 */
export type ExamplePayload<
  E extends WebhookEventName,
  A extends string | undefined = undefined,
> = (A extends string ? ForAction<WebhookEventMap[E], A> : WebhookEventMap[E]) & {
  installation: { id: number };
};

let definitions: WebhookDefinition[] | undefined;

function load(): WebhookDefinition[] {
  if (!definitions) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/webhooks-examples/api.github.com/index.json");
    definitions = JSON.parse(readFileSync(file, "utf8")) as WebhookDefinition[];
  }
  return definitions;
}

/** Every event with examples: `{ "issues": ["edited", "assigned", …], "push": [""], … }` (one entry per example). */
export function availableExamples(): Record<string, string[]> {
  return Object.fromEntries(load().map((d) => [d.name, d.examples.map((e) => String(e.action ?? ""))]));
}

/**
 * A deep copy of the `index`-th example of `event` (with `action`, when given), with
 * `installation.id` set to `TEST_INSTALLATION_ID`. Throws naming what exists when there is none.
 */
export function examplePayload<E extends WebhookEventName, A extends string | undefined = undefined>(
  event: E,
  action?: A,
  index = 0,
): ExamplePayload<E, A> {
  const definition = load().find((d) => d.name === event);
  if (!definition) throw new Error(`no webhook examples for event "${event}"`);
  const matching = definition.examples.filter((e) => action === undefined || e.action === action);
  const example = matching[index];
  if (!example) {
    const actions = [...new Set(definition.examples.map((e) => String(e.action ?? "(none)")))].join(", ");
    const which = action === undefined ? event : `${event}.${action}`;
    throw new Error(
      `no example #${index} for ${which} (${matching.length} found); actions with examples: ${actions}`,
    );
  }
  const payload = structuredClone(example);
  payload.installation = { ...(payload.installation as object | undefined), id: TEST_INSTALLATION_ID };
  return payload as unknown as ExamplePayload<E, A>;
}

/** What `Probot#receive` takes. */
export type ProbotWebhookEvent = Parameters<Probot["receive"]>[0];

let deliveries = 0;

/**
 * A delivery for `probot.receive(...)`: `{ id, name, payload }` with a fresh delivery id each call
 * (deliveries are deduplicated by id), or `id` when given to test redelivery.
 *
 * ```ts
 * await probot.receive(webhookEvent("issues", withPatch(examplePayload("issues", "labeled"), { label: { name: "orchestrate" } })));
 * ```
 */
export function webhookEvent(name: WebhookEventName, payload: object, id?: string): ProbotWebhookEvent {
  return { id: id ?? `delivery-${++deliveries}`, name, payload } as unknown as ProbotWebhookEvent;
}

/** A partial of `T` for `withPatch`: objects nest, arrays and other values replace. */
export type DeepPatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPatch<T[K]> | undefined }
    : T;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function merge(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch) || !isPlainObject(target)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = merge(out[key], value);
  }
  return out;
}

/**
 * A deep copy of `payload` with `patch` deep-merged in: nested objects merge, arrays and scalars
 * replace, `undefined` removes a key. `payload` is not modified.
 *
 * ```ts
 * withPatch(examplePayload("issues", "labeled"), { label: { name: "orchestrate" }, issue: { number: 7 } })
 * ```
 */
export function withPatch<T>(payload: T, patch: DeepPatch<T>): T {
  return merge(structuredClone(payload), patch) as T;
}
