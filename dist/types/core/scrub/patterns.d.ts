/** What a scrubbed secret is replaced with. */
export declare const MASK = "***";
/** Named groups a pattern may capture; `before` and `after` are kept, `secret` (or the rest) is masked. */
export type Groups = Record<string, string | undefined>;
/** One family of token formats, found in a single pass. */
export interface TokenPattern {
    /** The formats covered, for documentation and tests. */
    readonly name: string;
    /** A global expression. Every one is written to run in linear time on any input. */
    readonly pattern: RegExp;
    /** The replacement for one match. */
    readonly mask: (match: string, groups: Groups) => string;
    /**
     * Found by the text around the credential (a header name, `user:password@`, `?token=`) rather
     * than by its own format: code and documentation hold such text with placeholders all the time.
     */
    readonly contextual?: true;
}
/** Known token formats. Patterns prefer masking too much over too little. */
export declare const TOKEN_PATTERNS: readonly TokenPattern[];
