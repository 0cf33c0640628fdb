/**
 * `record[key]` when `key` is the record's own. State records are plain objects keyed by ids that
 * events and comments name; such an id may be the name of an inherited property (`constructor`,
 * `toString`, `__proto__`), which is no task, phase, agent or timer of the execution.
 */
export declare function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined;
