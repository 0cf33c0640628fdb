import { input, select } from "@inquirer/prompts";
import type { EffectOf, ExecutionState } from "../core/state/index.ts";
import type { Gatekeeper, NewEvent } from "../ports/engine-ports.ts";
import type { CliIO } from "./io.ts";

export interface CliGateOptions {
  io: CliIO;
  /** Approve every gate (`--yes`). */
  yes: boolean;
  /** Phases approved in advance (`--approve PHASE`). */
  approve: ReadonlySet<string>;
  /** Ask at the terminal when neither applies. */
  interactive: boolean;
  user: string;
  /**
   * Called around prompts so the live view gets out of the way; `false` comes once the prompt's
   * answer (if any) was sent, so the host can see whether the gate is still open.
   */
  onPrompt?: (active: boolean) => void;
  /** Closes an open prompt (and skips queued ones) when the host stops waiting. */
  signal?: AbortSignal;
}

/**
 * Answers gates for a local run: `--yes` and `--approve` approve at once; on a terminal the user
 * is asked (approve, or reject with a reason); otherwise the gate stays open and is listed in
 * `pending`, and the run stops with exit code 3. A gate that needs more approvals than ours stays
 * open too: the host decides from the state which open gates nobody here is `asking` about.
 */
export function cliGatekeeper(options: CliGateOptions): Gatekeeper & {
  pending: Set<string>;
  asking: ReadonlySet<string>;
  /** Closes the prompt of `phase` (showing or queued): its gate was answered elsewhere. */
  dismiss(phase: string): void;
} {
  const pending = new Set<string>();
  /** Phases with a prompt showing or queued: their gates are not waiting for someone else (yet). */
  const asking = new Set<string>();
  /** Queued prompts no longer to show. */
  const dismissed = new Set<string>();
  /** The prompt showing, and how to close it. */
  let showing: { phase: string; close: AbortController } | undefined;
  let queue: Promise<void> = Promise.resolve();
  const ask = async (phase: string, send: (e: NewEvent) => void) => {
    if (options.signal?.aborted || dismissed.delete(phase)) {
      asking.delete(phase);
      return;
    }
    const close = new AbortController();
    showing = { phase, close };
    options.onPrompt?.(true);
    try {
      const signal = options.signal ? AbortSignal.any([options.signal, close.signal]) : close.signal;
      const context = { input: options.io.stdin, output: options.io.stderr, signal };
      const answer = await select(
        {
          message: `Phase ${phase} is done and waits for approval`,
          choices: [
            { name: "approve", value: "approve" },
            { name: "reject (run the phase again with feedback)", value: "reject" },
            { name: "stop here (decide later with orchestrate approve/reject)", value: "stop" },
          ],
        },
        context,
      );
      if (answer === "approve") send({ type: "gate_approved", phase, by: options.user, via: "prompt" });
      else if (answer === "reject") {
        const reason = await input({ message: "What should change?", required: true }, context);
        send({ type: "gate_rejected", phase, by: options.user, reason, via: "prompt" });
      } else pending.add(phase);
    } catch {
      // Ctrl-C at the prompt, or the host stopped waiting (not: the gate was answered elsewhere).
      if (!close.signal.aborted) pending.add(phase);
    } finally {
      showing = undefined;
      asking.delete(phase);
      if (!options.signal?.aborted) options.onPrompt?.(false);
    }
  };
  return {
    pending,
    asking,
    dismiss(phase) {
      if (showing?.phase === phase) showing.close.abort();
      else if (asking.has(phase)) dismissed.add(phase);
    },
    open(gate: EffectOf<"open_gate">, _state: ExecutionState, send) {
      if (options.yes || options.approve.has(gate.phase)) {
        send({
          type: "gate_approved",
          phase: gate.phase,
          by: options.user,
          via: options.yes ? "--yes" : "--approve",
        });
        return;
      }
      if (!options.interactive) {
        pending.add(gate.phase);
        return;
      }
      asking.add(gate.phase);
      queue = queue.then(() => ask(gate.phase, send));
    },
  };
}
