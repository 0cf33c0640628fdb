/**
 * Who may use each `/orchestrate` verb: the repository permission it needs, as data. Hosts read
 * the commenter's permission at the time a command is applied and compare it with this table.
 */

/** The verbs of `/orchestrate`. */
export const VERBS = [
  "status",
  "help",
  "approve",
  "reject",
  "retry",
  "cancel",
  "skip",
  "resume",
  "budget",
] as const;

export type Verb = (typeof VERBS)[number];

/** A repository permission, lowest first in `PERMISSION_ORDER`. */
export type PermissionLevel = "admin" | "maintain" | "write" | "triage" | "read" | "none";

/** Permissions from lowest to highest. */
export const PERMISSION_ORDER: readonly PermissionLevel[] = [
  "none",
  "read",
  "triage",
  "write",
  "maintain",
  "admin",
];

/**
 * Default levels: write for anything that changes the execution, read for status and help,
 * maintain for a new budget (it lets the execution spend more).
 */
export const DEFAULT_COMMAND_LEVELS: Readonly<Record<Verb, PermissionLevel>> = {
  status: "read",
  help: "read",
  approve: "write",
  reject: "write",
  retry: "write",
  cancel: "write",
  skip: "write",
  resume: "write",
  budget: "maintain",
};

/** The permission table with `overrides` applied. */
export function commandLevels(
  overrides: Partial<Record<Verb, PermissionLevel>> = {},
): Record<Verb, PermissionLevel> {
  return { ...DEFAULT_COMMAND_LEVELS, ...overrides };
}

/** True when `have` is at least `need`. */
export function meetsLevel(have: PermissionLevel, need: PermissionLevel): boolean {
  return PERMISSION_ORDER.indexOf(have) >= PERMISSION_ORDER.indexOf(need);
}

/** True when `word` is one of the verbs. */
export function isVerb(word: string): word is Verb {
  return (VERBS as readonly string[]).includes(word);
}
