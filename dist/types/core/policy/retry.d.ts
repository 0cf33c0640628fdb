import type { RetryConfig } from "../plan/schema.js";
/** Error kinds that never retry, whatever the policy says. */
export declare const ALWAYS_FINAL: Set<string>;
/** Whether another attempt is allowed after `failures` failed attempts ending in an error of `kind`. */
export declare function canRetry(limits: {
    max_attempts: number;
    non_retryable: readonly string[];
}, failures: number, kind: string): boolean;
/**
 * Delay before the next attempt after `failures` failed ones (1-based), in ms.
 * exponential: initial × coefficient^(failures−1), fixed: initial; capped at max_interval
 * (default 100 × initial). Jitter spreads the delay over [50%, 100%] using `random` ∈ [0, 1).
 */
export declare function retryDelay(retry: RetryConfig, failures: number, random: number): number;
