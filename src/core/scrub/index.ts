export { createSecretFinder, secretLine, tokenKinds } from "./find.ts";
export { MASK, TOKEN_PATTERNS, type TokenPattern } from "./patterns.ts";
export { createScrubber, MIN_SECRET_LENGTH, scrub } from "./scrub.ts";
