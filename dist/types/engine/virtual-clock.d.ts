import type { Clock } from "../ports/clock.js";
/**
 * A clock whose time moves only when nothing else is left to do: once the event loop is idle
 * (a `setImmediate` turn after all promise work), it jumps to the earliest timer and fires it.
 * Work that waits only on this clock runs deterministically and instantly, so tests and
 * benchmarks can use real durations (minutes, hours) and assert exact times.
 */
export declare class VirtualClock implements Clock {
    #private;
    constructor(start?: number);
    now(): number;
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
    /** Resolves after `ms` of virtual time; rejects with an AbortError when `signal` aborts. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
    /** Timers not yet fired. */
    get pending(): number;
}
