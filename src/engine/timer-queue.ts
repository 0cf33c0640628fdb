import type { Clock } from "../ports/clock.ts";

interface Entry {
  id: string;
  at: number;
  seq: number;
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * Named deadlines on one clock timer: a min-heap by (deadline, order set), with the clock armed
 * only for the earliest. Setting, replacing or clearing a deadline is O(log n) or O(1) and never
 * touches the clock unless the earliest deadline moves earlier; a cleared entry stays in the heap
 * until it reaches the top (or the heap is compacted). Deadlines due together fire in the order
 * they were set; one set while others fire waits for a later clock turn.
 */
export class TimerQueue {
  readonly #clock: Clock;
  readonly #fire: (id: string) => void;
  readonly #heap: Entry[] = [];
  readonly #live = new Map<string, Entry>();
  #seq = 0;
  #handle: unknown;
  #armedAt = Number.POSITIVE_INFINITY;

  constructor(clock: Clock, fire: (id: string) => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  /** Deadlines set and not yet fired or cleared. */
  get size(): number {
    return this.#live.size;
  }

  /** Whether a clock timer is armed. */
  get armed(): boolean {
    return this.#handle !== undefined;
  }

  /** Fires `id` at `at` (clock ms). Setting an id again replaces its deadline. */
  set(id: string, at: number): void {
    const entry: Entry = { id, at, seq: this.#seq++ };
    this.#live.set(id, entry);
    this.#push(entry);
    if (this.#heap.length > 64 && this.#heap.length > 4 * this.#live.size) this.#compact();
    if (at < this.#armedAt) this.#arm(at);
  }

  clear(id: string): void {
    if (!this.#live.delete(id)) return;
    if (this.#live.size === 0) this.clearAll();
  }

  clearAll(): void {
    this.#live.clear();
    this.#heap.length = 0;
    this.#disarm();
  }

  #arm(at: number): void {
    this.#disarm();
    this.#armedAt = at;
    this.#handle = this.#clock.setTimeout(() => this.#onTimer(), Math.max(0, at - this.#clock.now()));
  }

  #disarm(): void {
    if (this.#handle !== undefined) this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
  }

  #onTimer(): void {
    this.#handle = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    const due: Entry[] = [];
    for (let top = this.#top(); top && top.at <= now; top = this.#top()) due.push(this.#pop()!);
    // Each fires unless an earlier one in this turn cleared or replaced it. Should a callback
    // throw, the ones not yet fired go back in the heap and the clock timer is set again.
    let fired = 0;
    try {
      for (const entry of due) {
        fired++;
        if (this.#live.get(entry.id) !== entry) continue;
        this.#live.delete(entry.id);
        this.#fire(entry.id);
      }
    } finally {
      for (const entry of due.slice(fired)) this.#push(entry);
      const next = this.#top();
      if (next && next.at < this.#armedAt) this.#arm(next.at);
    }
  }

  /** The earliest live entry, dropping cleared ones above it. */
  #top(): Entry | undefined {
    const heap = this.#heap;
    while (heap.length > 0) {
      const top = heap[0]!;
      if (this.#live.get(top.id) === top) return top;
      this.#pop();
    }
    return undefined;
  }

  #push(entry: Entry): void {
    const heap = this.#heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): Entry | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[c]!, last)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
    return top;
  }

  /** Rebuilds the heap from the live entries. */
  #compact(): void {
    const live = [...this.#live.values()];
    this.#heap.length = 0;
    for (const entry of live) this.#push(entry);
  }
}
