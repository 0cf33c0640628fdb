export { createSecretFinder, secretLine, tokenKinds } from "./find.js";
export { MASK, TOKEN_PATTERNS, type TokenPattern } from "./patterns.js";
export { createScrubber, MIN_SECRET_LENGTH, scrub } from "./scrub.js";
