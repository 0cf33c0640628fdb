/**
 * The forms a secret value takes once encoded: base64 and base64url (with and without padding, the
 * fragments it leaves at each of the three byte alignments inside a longer base64 stream, and its
 * lines when wrapped at 64 or 76 columns),
 * URL-encoding (upper- and lower-case hex, `+` for spaces) and JSON string escaping. The value itself
 * is not included.
 */
export declare function encodedForms(secret: string): string[];
