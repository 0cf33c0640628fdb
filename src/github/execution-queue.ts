/**
 * One writer per execution per process: work for the same execution runs one batch at a time, and
 * whatever queued up while a batch ran is handed to the next batch together (one state write).
 */
export class ExecutionQueue<T> {
  readonly #pending = new Map<string, T[]>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #run: (key: string, batch: T[]) => Promise<void>;
  readonly #onError: (key: string, error: unknown, batch: T[]) => void;

  /** `onError` hears a batch whose `run` threw (the queue goes on with the next one). */
  constructor(
    run: (key: string, batch: T[]) => Promise<void>,
    onError: (key: string, error: unknown, batch: T[]) => void,
  ) {
    this.#run = run;
    this.#onError = onError;
  }

  /** Queues an item; resolves when a batch containing it has been processed. */
  push(key: string, item: T): Promise<void> {
    const list = this.#pending.get(key);
    if (list) list.push(item);
    else this.#pending.set(key, [item]);
    return this.#drain(key);
  }

  /** Whether an item waiting for `key` (queued, not yet handed to a batch) satisfies `test`. */
  waiting(key: string, test: (item: T) => boolean): boolean {
    return this.#pending.get(key)?.some(test) ?? false;
  }

  /** Keys with work queued or running. */
  get busy(): string[] {
    return [...new Set([...this.#running.keys(), ...this.#pending.keys()])];
  }

  /** Resolves when nothing is queued or running for any key. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }

  #drain(key: string): Promise<void> {
    const current = this.#running.get(key);
    if (current) return current.then(() => this.#drain(key));
    const next = (async () => {
      // Work starts after what queued it is done with this turn (the app answers its webhook first).
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.#pending.get(key)?.length) {
        const batch = this.#pending.get(key)!;
        this.#pending.delete(key);
        try {
          await this.#run(key, batch);
        } catch (error) {
          this.#onError(key, error, batch);
        }
      }
    })().finally(() => this.#running.delete(key));
    this.#running.set(key, next);
    return next;
  }
}
