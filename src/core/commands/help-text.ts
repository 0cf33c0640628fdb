import { type PermissionLevel, VERBS, type Verb } from "./command-levels.ts";
import { USAGE } from "./parse-command.ts";

const WHAT: Readonly<Record<Verb, string>> = {
  status: "post the current dashboard",
  help: "list the commands and who may use them",
  approve: "approve the phase waiting at its gate (the only one waiting when PHASE is left out)",
  reject:
    "send the phase back to its agents with this feedback, which may go on over the next lines (up to the next command)",
  retry: "run failed, cancelled or blocked tasks again (all, one phase's, or one task)",
  cancel: "stop the execution",
  skip: "skip one task; its dependents go on",
  resume: "continue after an interruption, without re-running finished work",
  budget:
    "set the execution's budget (US dollars, tokens or both); a stop at the old budget is lifted, then retry",
};

/** The reply to `/orchestrate help`: every verb, what it does, and the permission it needs. */
export function helpMarkdown(levels: Readonly<Record<Verb, PermissionLevel>>): string {
  const rows = VERBS.map((verb) => `| \`${USAGE[verb]}\` | ${WHAT[verb]} | ${levels[verb]} |`);
  return [
    "**Orchestrate commands** — at the start of a line of a new comment on the issue or its pull request (not in a quote, a code block or an HTML comment):",
    "",
    "| command | what it does | needs |",
    "|---|---|---|",
    ...rows,
    "",
    "A gate may also be approved by a pull request review on the working branch's current head, or with the check run's buttons. " +
      "A gate's `approvers` (users or `@org/team`) narrow who may approve or reject it.",
  ].join("\n");
}
