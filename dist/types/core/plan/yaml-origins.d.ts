import { LineCounter } from "yaml";
import type { Problem } from "./problem.js";
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
    /** Offset of the key naming this value in its parent map. */
    keyAt?: number;
    /** Offset of the first character of a scalar's text when it reads exactly as its value. */
    textAt?: number;
    children: Map<string | number, Origin>;
}
/** A parsed YAML document: its plain data, where each part came from, and its syntax problems. */
export interface ParsedYaml {
    data: unknown;
    origin: Origin;
    problems: Problem[];
}
/** Parses YAML text, collecting every syntax error as a problem with its line and column. */
export declare function parseYaml(text: string, name: string): ParsedYaml;
/** The file, line and column of an offset in a source. */
export declare function position(source: SourceText, offset: number): Pick<Problem, "file" | "line" | "column">;
/** The origin of the deepest node along `path` that exists. */
export declare function locate(root: Origin, path: readonly (string | number)[]): Origin;
