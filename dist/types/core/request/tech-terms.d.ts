/** What a technology says about a request. */
export type TechRole = "frontend" | "backend" | "orm";
/** A technology the request parser recognises. */
export interface TechTerm {
    /** Lower-case tag used by conditions (`fastapi`, `nextjs`, `spring-boot`). */
    tag: string;
    /** The usual spelling, used when the stack is guessed from free text. */
    display: string;
    /** Other lower-case spellings (`next.js`, `nextjs`). The tag itself always matches. */
    names?: readonly string[];
    /** Tags this one implies: the language it is written in, the framework it builds on. */
    implies?: readonly string[];
    roles?: readonly TechRole[];
    /** Also an ordinary English word (`go`, `express`, `spring`): read from stack entries, never guessed. */
    ambiguous?: boolean;
}
/** The technologies recognised in stack entries and free text. Reasonable, not exhaustive. */
export declare const TECH_TERMS: readonly TechTerm[];
/** Every technology by each of its lower-case names. */
export declare const TECH_BY_NAME: ReadonlyMap<string, TechTerm>;
/** The technologies that may be guessed from free text, by name (no {@link TechTerm.ambiguous} ones). */
export declare const GUESSABLE_TECH: ReadonlyMap<string, TechTerm>;
/** The technology with this tag, if known. */
export declare function techByTag(tag: string): TechTerm | undefined;
/** Every lower-case name of every technology that has `role`; ambiguous ones only when asked for. */
export declare function techNames(role: TechRole, includeAmbiguous: boolean): readonly string[];
