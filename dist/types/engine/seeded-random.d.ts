import type { Random } from "../ports/clock.js";
/** A deterministic random source for tests and benchmarks. */
export declare function seededRandom(seed: number): Random;
