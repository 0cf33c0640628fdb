export {
  CONFIG_EXIT_CODE,
  type CommandResult,
  type CommandTask,
  runCommandTask,
  type UpstreamInput,
} from "./command-agent.ts";
export { ATTEMPT_LAYOUT, taskDirName } from "./layout.ts";
export type { InputIndexEntry } from "./prepare-attempt.ts";
