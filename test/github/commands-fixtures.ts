/** A gated execution on a served repository, and people with every permission, for the command tests. */
import type { z } from "zod";
import { defaultPolicy, Gate } from "../../src/core/plan/schema.ts";
import {
  type EventInput,
  EventSchema,
  type ExecutionEvent,
  type ExecutionState,
  reduce,
} from "../../src/core/state/index.ts";
import { type CommandOptions, commandOutcome } from "../../src/github/commands.ts";
import { githubPorts } from "../../src/github/index.ts";
import { createTestOctokit } from "../../src/github/octokit.ts";
import type { Permission } from "../../src/github/ports.ts";
import { triggersOf } from "../../src/github/webhook-triggers.ts";
import type { NewEvent } from "../../src/ports/engine-ports.ts";
import { fakeRepo } from "../support/github/fake-repo.ts";
import type { GitHubMock } from "../support/github/mock-github.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";

export const REF = { owner: "o", repo: "r", issue: 12 };
export const BRANCH = "orchestrate/issue-12";
export const APP_SLUG = "orchestrate-app";

/** Repository permission of each login (absent: not a collaborator, 404). */
export const PEOPLE: Readonly<Record<string, Permission>> = {
  ada: "admin",
  max: "maintain",
  will: "write",
  rita: "write",
  lead: "write",
  invited: "write",
  alice: "write",
  tri: "triage",
  rea: "read",
  "renovate[bot]": "write",
  "dependabot[bot]": "admin",
  "orchestrate-app[bot]": "admin",
};

/** Members of the team `org/leads` (`invited` has a pending invitation). */
const LEADS: Readonly<Record<string, string>> = { lead: "active", invited: "pending" };

/**
 * An inline review comment as GitHub lists it: `line` is the file's line (`original_line` the line
 * in the commit it was written on, the only one left once the diff moved on); the deprecated
 * `position` counts lines of the diff hunk, and is left as GitHub's own example has it (1).
 */
export interface ServedReviewComment {
  path: string;
  body: string;
  line?: number | null;
  original_line?: number;
}

/** Serves `o/r` with its working branch, permissions and team memberships; returns real GitHub ports. */
export function serveRepo(gh: GitHubMock, options: { reviewComments?: ServedReviewComment[] } = {}) {
  const repo = fakeRepo(gh);
  const example = examplePayload("pull_request_review_comment", "created", 1).comment;
  gh.on("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments", () => [
    200,
    (options.reviewComments ?? []).map((c, i) => ({
      ...example,
      id: i + 1,
      line: c.line === undefined ? c.original_line : c.line,
      original_line: c.original_line ?? c.line,
      path: c.path,
      body: c.body,
    })),
  ]);
  repo.git.branch(BRANCH, "main");
  repo.git.commitFiles(BRANCH, { "design/spec.md": "# spec\n" }, "design");
  gh.on("GET /repos/{owner}/{repo}/collaborators/{username}/permission", ({ params }) => {
    const level = PEOPLE[params.username ?? ""];
    if (!level) return [404, { message: "Not Found" }];
    return [
      200,
      {
        permission: level === "maintain" ? "write" : level === "triage" ? "read" : level,
        role_name: level,
        user: null,
      },
    ];
  });
  gh.on("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", ({ params }) => {
    const state =
      params.org === "org" && params.team_slug === "leads" ? LEADS[params.username ?? ""] : undefined;
    if (!state) return [404, { message: "Not Found" }];
    return [200, { url: "https://api.github.com/teams/1/memberships/x", role: "member", state }];
  });
  return { repo, head: () => repo.git.head(BRANCH)!, ports: githubPorts(createTestOctokit()) };
}

/** An execution of `o/r#12` whose `design` phase (gate configured by `gate`) waits at its gate; `build` follows. */
export function gatedExecution(gate: z.input<typeof Gate> = {}): ExecutionState {
  let state: ExecutionState | undefined;
  const inputs: Record<string, unknown>[] = [
    {
      type: "execution_started",
      execution: "o/r#12",
      tasks: [
        { id: "design/architect", agent: "architect", phase: "design" },
        { id: "build/dev", agent: "dev", phase: "build", needs: ["design/architect"] },
      ],
      phases: [
        {
          id: "design",
          name: "design",
          needs: [],
          tasks: ["design/architect"],
          parallel: true,
          gate: Gate.parse(gate),
        },
        { id: "build", name: "build", needs: ["design"], tasks: ["build/dev"], parallel: true },
      ],
      policy: defaultPolicy(),
      meta: { requester: "rita" },
    },
    { type: "task_started", task: "design/architect", attempt: 1 },
    {
      type: "task_succeeded",
      task: "design/architect",
      attempt: 1,
      artifacts: [{ name: "spec", path: "design/spec.md", sha256: "ab12" }],
    },
  ];
  for (const [n, input] of inputs.entries()) {
    state = reduce(
      state,
      EventSchema.parse({ id: `setup${n}`, at: 1000 * (n + 1), ...input } as EventInput),
    ).state;
  }
  return state!;
}

/**
 * An execution of `o/r#12` with one gated phase per entry of `gates` (its gate configured so; one
 * task `<phase>/agent` each, none needing another), every task done: all the gates are open.
 */
export function openGatesExecution(gates: Record<string, z.input<typeof Gate>>): ExecutionState {
  const phases = Object.keys(gates);
  const inputs: Record<string, unknown>[] = [
    {
      type: "execution_started",
      execution: "o/r#12",
      tasks: phases.map((p) => ({ id: `${p}/agent`, agent: "agent", phase: p })),
      phases: phases.map((p) => ({
        id: p,
        name: p,
        needs: [],
        tasks: [`${p}/agent`],
        parallel: true,
        gate: Gate.parse(gates[p]),
      })),
      policy: defaultPolicy(),
      meta: { requester: "rita" },
    },
    ...phases.flatMap((p) => [
      { type: "task_started", task: `${p}/agent`, attempt: 1 },
      { type: "task_succeeded", task: `${p}/agent`, attempt: 1 },
    ]),
  ];
  let state: ExecutionState | undefined;
  for (const [n, input] of inputs.entries())
    state = reduce(
      state,
      EventSchema.parse({ id: `setup${n}`, at: 1000 * (n + 1), ...input } as EventInput),
    ).state;
  return state!;
}

/** Applies the outcome's events to `state` with the real reducer; returns the state and the reasons of refused events. */
export function applyEvents(state: ExecutionState, events: readonly NewEvent[]) {
  const refused: string[] = [];
  let next = state;
  for (const input of events) {
    const event = EventSchema.parse({ at: 60_000, ...input } as EventInput) as ExecutionEvent;
    const out = reduce(next, event);
    for (const e of out.effects) if (e.type === "rejected") refused.push(e.reason);
    next = out.state;
  }
  return { state: next, refused };
}

/** What a gate decision changes, in one comparable object. */
export function gateView(state: ExecutionState) {
  const gate = state.phase_state.design?.gate;
  return {
    gate: gate?.status,
    approvals: gate?.approvals.map((a) => `${a.by} via ${a.via}${a.sha ? ` at ${a.sha.slice(0, 7)}` : ""}`),
    revisions: gate?.revisions,
    design: state.tasks["design/architect"]!.status,
    feedback: state.tasks["design/architect"]!.feedback,
    build: state.tasks["build/dev"]!.status,
    status: state.status,
    audit: state.audit.map((a) => `${a.by} ${a.what}`),
  };
}

/** The view of the gated execution before any decision. */
export const WAITING = {
  gate: "open",
  approvals: [],
  revisions: 0,
  design: "under_review",
  feedback: undefined,
  build: "pending",
  status: "waiting",
  audit: [],
} as const;

/** The webhook, routed with `triggersOf`, then decided with `commandOutcome` against `state`. */
export async function outcomeOfWebhook(
  ports: ReturnType<typeof serveRepo>["ports"],
  state: ExecutionState,
  name: string,
  payload: object,
  options: CommandOptions = { appSlug: APP_SLUG },
) {
  const routed = triggersOf(name, payload as never, "d1", { label: "orchestrate" });
  const events: NewEvent[] = [];
  const replies: string[] = [];
  let react = false;
  for (const { ref, trigger } of routed) {
    if (trigger.kind !== "comment" && trigger.kind !== "review" && trigger.kind !== "check_action") continue;
    const out = await commandOutcome(ports, ref, state, trigger, options);
    events.push(...out.events);
    replies.push(...out.replies);
    react ||= out.react;
  }
  return { routed, events, replies, react, ...applyEvents(state, events) };
}

/** The view when nothing changed, with no event. */
export const NO_CHANGE = { events: [], state: WAITING };

/**
 * The `command_refused` event that records a refused gate decision under `id`, from its reply
 * (`@<login> <why> Nothing was changed.`).
 */
export function refusal(id: string, reply: string, command: "approve" | "reject", phase?: string): NewEvent {
  const [, by, reason] = /^@(\S+) (.*) Nothing was changed\.$/s.exec(reply)!;
  return { id, type: "command_refused", by: by!, command, ...(phase ? { phase } : {}), reason: reason! };
}

/** A real `issue_comment` payload on issue 12 of o/r. */
export function comment(
  user: string,
  body: string,
  options: { type?: string; action?: "created" | "edited" } = {},
) {
  return withPatch(examplePayload("issue_comment", options.action ?? "created"), {
    issue: { number: 12 },
    comment: { id: 77, body, user: { login: user, type: (options.type ?? "User") as "User" } },
    sender: { login: user, type: (options.type ?? "User") as "User" },
    repository: { name: "r", owner: { login: "o" } },
  });
}
