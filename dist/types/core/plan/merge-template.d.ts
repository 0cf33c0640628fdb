import type { Origin } from "./yaml-origins.js";
/** A plain value with the origin tree describing where each of its parts was written. */
export interface Located {
    data: unknown;
    origin: Origin;
}
type Entries = Record<string, unknown>;
/** A plain (non-array) object. */
export declare function isRecord(value: unknown): value is Entries;
/**
 * Merges a plan over the template it `extends`: `policy` deep-merged, `agents` merged by id (the
 * plan's fields replace the template's), `phases` merged by `id` (the plan's fields replace the
 * template's; new ids appended in order), other keys replaced. `version`, `$schema` and `extends`
 * come from the plan alone. Origins follow the values, so problems point at the file that wrote them.
 */
export declare function mergeTemplate(template: Located, plan: Located): Located;
export {};
