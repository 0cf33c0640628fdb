/** The built-in plan templates (`extends: <name>`), by name → YAML text. */
export declare const BUILTIN_TEMPLATES: Record<string, string>;
