import type { Clock } from "../ports/clock.js";
/**
 * Named deadlines on one clock timer: a min-heap by (deadline, order set), with the clock armed
 * only for the earliest. Setting, replacing or clearing a deadline is O(log n) or O(1) and never
 * touches the clock unless the earliest deadline moves earlier; a cleared entry stays in the heap
 * until it reaches the top (or the heap is compacted). Deadlines due together fire in the order
 * they were set; one set while others fire waits for a later clock turn.
 */
export declare class TimerQueue {
    #private;
    constructor(clock: Clock, fire: (id: string) => void);
    /** Deadlines set and not yet fired or cleared. */
    get size(): number;
    /** Whether a clock timer is armed. */
    get armed(): boolean;
    /** Fires `id` at `at` (clock ms). Setting an id again replaces its deadline. */
    set(id: string, at: number): void;
    clear(id: string): void;
    clearAll(): void;
}
