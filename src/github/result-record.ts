import { z } from "zod";
import { taskDirName } from "../agents/layout.ts";
import { CostFields } from "../core/state/events.ts";

/**
 * The record a task job commits to its task branch: the durable result of one attempt. The
 * `repository_dispatch` that follows is only a wake-up; the orchestrator always reads this file.
 */
export const ResultRecordSchema = z.object({
  execution: z.string(),
  /**
   * When the execution the attempt was dispatched for was created (`created_at` of its state, ms):
   * tells apart executions of one issue, whose ids and attempt numbers repeat. Absent in records
   * of jobs that did not know it; such a record counts for any execution of its issue.
   */
  execution_created_at: z.number().int().optional(),
  task: z.string(),
  attempt: z.number().int().min(1),
  status: z.enum(["succeeded", "failed"]),
  artifacts: z
    .array(
      z.object({
        name: z.string(),
        path: z.string(),
        sha256: z.string().optional(),
        bytes: z.number().optional(),
      }),
    )
    .default([]),
  summary: z.string().optional(),
  cost: z.object(CostFields).optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ kind: z.string(), message: z.string() }).optional(),
});

export type ResultRecord = z.output<typeof ResultRecordSchema>;

/**
 * Whether a record (or a dispatched task entry) marked with `marked` may belong to the execution
 * created at `createdAt`: it does unless both are known and differ (a job of an earlier execution
 * of the same issue, still running when a new one started).
 */
export function sameExecution(marked: number | undefined, createdAt: number | undefined): boolean {
  return marked === undefined || createdAt === undefined || marked === createdAt;
}

/** The branch a task's work is committed to. */
export function taskBranch(issue: number, taskId: string): string {
  return `${taskBranchPrefix(issue)}${taskDirName(taskId)}`;
}

/** What the names of an issue's task branches start with. */
export function taskBranchPrefix(issue: number): string {
  return `orchestrate/tasks/issue-${issue}/`;
}

/**
 * Where the result record lives on its task branch (and, after fan-in, on the working branch): under
 * the issue, so the records of two issues' executions with the same task names never collide when
 * both are merged.
 */
export function resultPath(issue: number, taskId: string): string {
  return `.orchestrate/issue-${issue}/results/${taskDirName(taskId)}.json`;
}

/** The `orchestrate-result` repository_dispatch payload: which record to read. */
export const ResultDispatchSchema = z.object({
  issue: z.number().int().min(1),
  task: z.string(),
  attempt: z.number().int().min(1),
  sha: z.string().regex(/^[0-9a-f]{40}$/),
});

export type ResultDispatch = z.output<typeof ResultDispatchSchema>;
