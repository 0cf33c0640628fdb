import { type TextIndex } from "./text-index.js";
/** A feature that free text may name, with the spelling used for the requirement. */
export interface FeatureTerm {
    display: string;
    /** Lower-case names; Korean names match inside longer words. */
    names: readonly string[];
}
/**
 * Features read from free text as requirements when no requirements are given. Deliberately short:
 * well-known feature names only, never whole sentences.
 */
export declare const FEATURE_TERMS: readonly FeatureTerm[];
/** The {@link FEATURE_TERMS} the text names, in order of appearance, as requirement entries. */
export declare function guessRequirements(index: TextIndex): string[];
