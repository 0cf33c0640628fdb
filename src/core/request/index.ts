export { canonicalKey, KEY_SYNONYMS, type KnownKey } from "./canonical-key.ts";
export {
  AUTH_WORDS,
  BACKEND_WORDS,
  CRUD_WORDS,
  deriveFacts,
  type FactSources,
  FRONTEND_WORDS,
  ORM_WORDS,
  SIMPLE_CRUD_MAX_REQUIREMENTS,
} from "./derive-facts.ts";
export { FEATURE_TERMS, type FeatureTerm, guessRequirements } from "./guess-requirements.ts";
export { DEADLINE_UNITS, deadlineMs, findDeadline, parseDeadline } from "./parse-deadline.ts";
export {
  MAX_DEADLINE_TEXT_LENGTH,
  MAX_PROJECT_LENGTH,
  MAX_TITLE_LENGTH,
  type ParseRequestOptions,
  parseRequest,
  type RequestInput,
} from "./parse-request.ts";
export { NO_RESPONSE, type ReadFieldsResult, readFields } from "./read-fields.ts";
export {
  capUtf8,
  cleanText,
  hasHidden,
  MAX_TEXT_BYTES,
  RAW_CHARS_PER_BYTE,
  stripHidden,
} from "./sanitize.ts";
export {
  MAX_ENTRY_LENGTH,
  MAX_LIST_ENTRIES,
  MAX_LIST_LINES,
  type SplitListOptions,
  splitList,
} from "./split-list.ts";
export { stackTags } from "./stack-tags.ts";
export { TECH_TERMS, type TechRole, type TechTerm, techByTag } from "./tech-terms.ts";
export type { Request, RequestFacts } from "./types.ts";
