import { z } from "zod";
type Key = string | number;
/** The keys an object schema allows at `path`, for "did you mean" hints. */
export declare function allowedKeys(schema: z.ZodType, path: readonly Key[]): string[];
export {};
