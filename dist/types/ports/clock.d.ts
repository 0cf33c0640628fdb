/** Time, passed in: the system clock in production, a virtual one in tests and benchmarks. */
export interface Clock {
    /** Milliseconds since the epoch (or since the virtual clock's start). */
    now(): number;
    /** Calls `fn` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
}
/** Randomness, passed in: returns a number in [0, 1). */
export type Random = () => number;
/** The machine's clock. */
export declare const systemClock: Clock;
