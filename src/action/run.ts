import { cancellation } from "./cancellation.ts";
import { readInputs } from "./inputs.ts";
import { runAction } from "./runner.ts";

/** The Action's entry: the process environment in, the exit code out. */
export async function run(): Promise<void> {
  process.exitCode = await runAction(readInputs(process.env), process.env, { signal: cancellation() });
}
