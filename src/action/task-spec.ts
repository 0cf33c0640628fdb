import { z } from "zod";
import { ActionInputError } from "./errors.ts";

/** One matrix entry of the agents workflow, as the orchestrator dispatches it. */
export const TaskEntrySchema = z.object({
  id: z.string().min(1),
  agent: z.string().min(1),
  attempt: z.number().int().min(1),
  phase: z.string().optional(),
  feedback: z.string().optional(),
  /** The task branch the orchestrator expects the result on. */
  branch: z.string().optional(),
  /** `created_at` of the execution that dispatched it: a later execution of the issue is another. */
  execution_created_at: z.number().int().optional(),
});

export type TaskEntry = z.output<typeof TaskEntrySchema>;

const HOW = `pass one matrix entry of the agents workflow: \`task: \${{ toJSON(matrix.task) }}\``;

/** Parses the `task` input; every problem is an ActionInputError saying what to fix. */
export function parseTaskEntry(text: string): TaskEntry {
  if (text.trim() === "") throw new ActionInputError(`input \`task\` is required in task mode: ${HOW}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ActionInputError(`input \`task\` is not valid JSON (${(error as Error).message}): ${HOW}`);
  }
  const parsed = TaskEntrySchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(the value)"}: ${i.message}`);
    throw new ActionInputError(
      `input \`task\` is not a task entry (${problems.join("; ")}); expected {"id", "agent", "attempt", "phase"?, "feedback"?, "branch"?}: ${HOW}`,
    );
  }
  return parsed.data;
}

/** The issue number: the `issue` input, else from the working branch name `orchestrate/issue-<n>`. */
export function issueOf(input: string, refName: string | undefined): number {
  const text = input !== "" ? input : /^orchestrate\/issue-(\d+)$/.exec(refName ?? "")?.[1];
  const issue = Number(text);
  if (text === undefined || !Number.isInteger(issue) || issue < 1) {
    const got = input !== "" ? ` (got "${input}")` : "";
    throw new ActionInputError(
      `input \`issue\` must be the execution's issue number${got}: pass \`issue: \${{ inputs.issue }}\`, or run on the working branch orchestrate/issue-<n>`,
    );
  }
  return issue;
}
