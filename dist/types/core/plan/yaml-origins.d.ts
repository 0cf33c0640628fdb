import { LineCounter } from "yaml";
import { type Problem } from "./problem.js";
/** A field path: map keys as strings, sequence indices as numbers. */
export type Key = string | number;
/** A YAML text being loaded, with what is needed to turn offsets into lines and columns. */
export interface SourceText {
    /** File name used in problems. */
    name: string;
    text: string;
    lines: LineCounter;
}
/**
 * Where a value came from: its file and offsets, and the same for its children, keyed like the
 * JavaScript value (map keys as strings, sequence indices as numbers).
 */
export interface Origin {
    source: SourceText;
    /** Offset of the value node (of the key when the value is empty). */
    at: number;
    /**
     * The value's path in the file that wrote it. After `extends`, a phase's place in the merged
     * plan differs from its place in the file, and problems name the place a reader finds in the file.
     */
    path: Key[];
    /** Offset of the key naming this value in its parent map. */
    keyAt?: number;
    /** Offset of the first character of a scalar's text when it reads exactly as its value. */
    textAt?: number;
    /** The text of an unquoted scalar that YAML read as a number or a boolean (`1.10`, `true`). */
    plain?: string;
    children: Map<Key, Origin>;
}
/** A parsed YAML document: its plain data, where each part came from, and its problems. */
export interface ParsedYaml {
    /** The document's value; `undefined` when a syntax error leaves no value to check. */
    data: unknown;
    origin: Origin;
    /**
     * Syntax errors (then `data` is `undefined`), and the places where YAML read the text differently
     * from what it looks like (an unquoted `!` taken as a tag): `data` holds YAML's reading there.
     */
    problems: Problem[];
}
/** Parses YAML text, collecting every syntax error as a problem with its line and column. */
export declare function parseYaml(text: string, name: string): ParsedYaml;
/** The file, line and column of an offset in a source. */
export declare function position(source: SourceText, offset: number): Pick<Problem, "file" | "line" | "column">;
/** The origin of the deepest node along `path` that exists. */
export declare function locate(root: Origin, path: readonly Key[]): Origin;
/**
 * Where `path` (a path in the plan being checked, merged over its template or not) is in the file
 * that wrote it: the file's own path of the deepest node along `path` that exists, followed by the
 * rest of `path`.
 */
export declare function pathInFile(root: Origin, path: readonly Key[]): Key[];
