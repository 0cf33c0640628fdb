import { nextRandom } from "../core/policy/random.ts";
import type { Random } from "../ports/clock.ts";

/** A deterministic random source for tests and benchmarks. */
export function seededRandom(seed: number): Random {
  let state = seed | 0;
  return () => {
    const r = nextRandom(state);
    state = r.state;
    return r.value;
  };
}
