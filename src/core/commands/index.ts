export {
  commandLevels,
  DEFAULT_COMMAND_LEVELS,
  isVerb,
  meetsLevel,
  PERMISSION_ORDER,
  type PermissionLevel,
  VERBS,
  type Verb,
} from "./command-levels.ts";
export { helpMarkdown } from "./help-text.ts";
export { foreignCharacters, isPlainAscii, skeleton } from "./look-alike.ts";
export { withoutComments } from "./markdown-lines.ts";
export {
  COMMAND_LIMITS,
  findPhase,
  type ParsedCommand,
  type ParseOptions,
  parseBudget,
  parseCommands,
  USAGE,
} from "./parse-command.ts";
