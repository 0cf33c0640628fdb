declare const ORCHESTRATE_VERSION: string | undefined;

/** The version baked into the bundle (or "dev" when run from source). */
export const VERSION = typeof ORCHESTRATE_VERSION === "string" ? ORCHESTRATE_VERSION : "dev";

/** `major.minor.patch` of a version (a pre-release suffix ignored); undefined for "dev" and the like. */
function parts(version: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/**
 * Whether `version` is a release newer than `than` (default: this one). Either not being a
 * release (`dev`, from source) compares as not newer: nothing can be said.
 */
export function isNewer(version: string, than: string = VERSION): boolean {
  const a = parts(version);
  const b = parts(than);
  if (!a || !b) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}
