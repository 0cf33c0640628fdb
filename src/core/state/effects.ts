import { z } from "zod";

/**
 * Effects: what the reducer asks its host to do. Plain data; one interpreter per host
 * (in-process runner, CLI, GitHub) carries them out and feeds results back as events.
 */

const DispatchTask = z.object({
  id: z.string(),
  agent: z.string(),
  phase: z.string().optional(),
  attempt: z.number(),
  feedback: z.string().optional(),
});

export const EffectSchema = z.discriminatedUnion("type", [
  /** Start these tasks (one worker each). */
  z.object({ type: z.literal("dispatch"), tasks: z.array(DispatchTask) }),
  /** Stop these running attempts. */
  z.object({
    type: z.literal("cancel"),
    tasks: z.array(z.object({ id: z.string(), attempt: z.number() })),
    reason: z.string(),
  }),
  /** Fire `timer_fired { timer: id }` at `at` (epoch ms). Starting an existing id replaces it. */
  z.object({ type: z.literal("start_timer"), id: z.string(), at: z.number() }),
  z.object({ type: z.literal("clear_timer"), id: z.string() }),
  /** A gated phase finished: ask its approvers. */
  z.object({
    type: z.literal("open_gate"),
    phase: z.string(),
    approvers: z.array(z.string()),
    revision: z.number(),
  }),
  /** Something visible changed (dashboard, check runs, terminal view). */
  z.object({ type: z.literal("update_status"), phases: z.array(z.string()) }),
  /** Tell people something. `mention` lists who should be called in. */
  z.object({
    type: z.literal("notify"),
    level: z.enum(["info", "warning", "error"]),
    message: z.string(),
    mention: z.array(z.string()).default([]),
    /** What the notice is about, for readers that act on it: `circuit_open` — an agent's circuit opened. */
    topic: z.enum(["circuit_open"]).optional(),
  }),
  /** Carry out a delivery step: open (or update) the pull request, merge it, or deploy. */
  z.object({
    type: z.literal("deliver"),
    step: z.enum(["open_pr", "merge", "deploy"]),
    environment: z.string().optional(),
  }),
  /** The execution ended. */
  z.object({
    type: z.literal("complete"),
    status: z.enum(["succeeded", "failed", "cancelled"]),
    reason: z.string().optional(),
  }),
  /** The event did not fit the state and changed nothing. */
  z.object({ type: z.literal("rejected"), event: z.string(), reason: z.string() }),
]);

export type Effect = z.output<typeof EffectSchema>;
export type EffectOf<T extends Effect["type"]> = Extract<Effect, { type: T }>;
