import { TaskFailure } from "../core/errors.ts";

/**
 * An AbortSignal that fires when the runner stops the step (SIGINT, then SIGTERM, on cancel or
 * `timeout-minutes`), so a running agent's process group is stopped and a `cancelled` result can
 * still be committed in the grace time the runner leaves.
 */
export function cancellation(): AbortSignal {
  const controller = new AbortController();
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    process.once(name, () => controller.abort(new TaskFailure("cancelled", `the job was stopped (${name})`)));
  }
  return controller.signal;
}
