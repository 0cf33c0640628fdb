import type { RetryConfig } from "../plan/schema.ts";

/** Error kinds that never retry, whatever the policy says. */
export const ALWAYS_FINAL = new Set([
  "config",
  "cancelled",
  "budget",
  "circuit_open",
  "output_invalid",
  "phase_timeout",
]);

/** Whether another attempt is allowed after `failures` failed attempts ending in an error of `kind`. */
export function canRetry(
  limits: { max_attempts: number; non_retryable: readonly string[] },
  failures: number,
  kind: string,
): boolean {
  if (ALWAYS_FINAL.has(kind) || limits.non_retryable.includes(kind)) return false;
  return failures < limits.max_attempts;
}

/**
 * Delay before the next attempt after `failures` failed ones (1-based), in ms.
 * exponential: initial × coefficient^(failures−1), fixed: initial; capped at max_interval
 * (default 100 × initial). Jitter spreads the delay over [50%, 100%] using `random` ∈ [0, 1).
 */
export function retryDelay(retry: RetryConfig, failures: number, random: number): number {
  const cap = retry.max_interval ?? retry.initial_interval * 100;
  const raw =
    retry.backoff === "fixed"
      ? retry.initial_interval
      : retry.initial_interval * retry.backoff_coefficient ** Math.max(0, failures - 1);
  const capped = Math.min(raw, cap);
  return Math.round(retry.jitter ? capped * (0.5 + random / 2) : capped);
}
