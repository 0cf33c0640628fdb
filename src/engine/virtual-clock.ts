import type { Clock } from "../ports/clock.ts";

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock whose time moves only when nothing else is left to do: once the event loop is idle
 * (a `setImmediate` turn after all promise work), it jumps to the earliest timer and fires it.
 * Work that waits only on this clock runs deterministically and instantly, so tests and
 * benchmarks can use real durations (minutes, hours) and assert exact times.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Pending[] = [];
  #scheduled = false;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    // Keep sorted by (at, seq): binary insertion.
    let lo = 0;
    let hi = this.#timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.#timers[mid]!;
      if (t.at < timer.at || (t.at === timer.at && t.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#timers.splice(lo, 0, timer);
    this.#schedule();
    return timer;
  }

  clearTimeout(handle: unknown): void {
    const index = this.#timers.indexOf(handle as Pending);
    if (index >= 0) this.#timers.splice(index, 1);
  }

  /** Resolves after `ms` of virtual time; rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const handle = this.setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        this.clearTimeout(handle);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#tick());
  }

  #tick(): void {
    this.#scheduled = false;
    const next = this.#timers.shift();
    if (!next) return;
    this.#now = Math.max(this.#now, next.at);
    // Fire every timer due at this instant, in order, before letting promise work run.
    const due = [next];
    while (this.#timers.length > 0 && this.#timers[0]!.at <= this.#now) due.push(this.#timers.shift()!);
    for (const t of due) t.fn();
    if (this.#timers.length > 0) this.#schedule();
  }
}
