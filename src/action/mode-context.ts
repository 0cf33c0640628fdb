import type { GitHubClient } from "../github/octokit.ts";
import type { RepoRef } from "../github/ports.ts";
import type { ActionEnv } from "./environment.ts";
import type { ActionInputs } from "./inputs.ts";
import type { ActionIO } from "./workflow-commands.ts";

/** Everything a mode runs with; built once by the runner. */
export interface ModeContext {
  inputs: ActionInputs;
  env: ActionEnv;
  /** The step's whole environment (an agent inherits it, less credentials). */
  processEnv: Record<string, string | undefined>;
  io: ActionIO;
  client: GitHubClient;
  repo: RepoRef;
  secrets: {
    /** Every value masked and scrubbed. */
    all: string[];
    /** The subset that grants access to GitHub: never handed to an agent. */
    credentials: string[];
  };
  scrub: (text: string) => string;
  signal: AbortSignal;
  now: () => number;
  random: () => number;
}
