import { code } from "../render/markdown.ts";
import { stripHidden } from "../request/sanitize.ts";
import { isVerb, type Verb } from "./command-levels.ts";
import { foreignCharacters, isPlainAscii, skeleton } from "./look-alike.ts";
import { type MarkdownLine, readMarkdownLines, splitLines } from "./markdown-lines.ts";

/**
 * `/orchestrate <verb> [args]` commands in a comment. A command starts a line (leading spaces and
 * tabs allowed) that a reader sees as text: not in a fenced or indented code block, a `>` quote or
 * an HTML comment. The word `/orchestrate` and the verb match case-insensitively on exact ASCII:
 * a look-alike letter, a full-width form or a hidden character makes it no command, and the result
 * says so rather than folding it away. Arguments end with the line, except a `reject` reason,
 * which goes on to the next command line or the end of the comment.
 */
export type ParsedCommand = { /** 1-based line in the comment. */ line: number } & (
  | { kind: "status" | "help" | "resume" }
  | { kind: "cancel"; reason?: string }
  | { kind: "approve"; phase?: string }
  | { kind: "reject"; phase?: string; reason: string }
  | { kind: "retry"; target?: string }
  | { kind: "skip"; task: string; reason?: string }
  | { kind: "budget"; usd?: number; tokens?: number }
  /** Not a verb, or a word that only looks like `/orchestrate` or a verb (`note` says why). */
  | { kind: "unknown"; verb: string; note?: string }
  /** A verb with wrong arguments: `problem` says what is wrong. */
  | { kind: "invalid"; verb: Verb; problem: string }
);

/** Options of `parseCommands`. */
export interface ParseOptions {
  /** Phase ids of the execution: lets `reject` tell a phase from the first word of a reason. */
  phases?: readonly string[];
  /** Commands read per comment; the rest are ignored. Default 10. */
  maxCommands?: number;
  /** Characters of the body read; the rest is ignored. Default 16 384. */
  maxChars?: number;
}

/** Defaults of `ParseOptions`. */
export const COMMAND_LIMITS = { maxCommands: 10, maxChars: 16_384 } as const;

const PREFIX = "/orchestrate";

/** How each verb is written, for messages. */
export const USAGE: Readonly<Record<Verb, string>> = {
  status: "/orchestrate status",
  help: "/orchestrate help",
  approve: "/orchestrate approve [PHASE]",
  reject: "/orchestrate reject [PHASE] <what should change>",
  retry: "/orchestrate retry [TASK|PHASE]",
  cancel: "/orchestrate cancel [reason]",
  skip: "/orchestrate skip TASK [reason]",
  resume: "/orchestrate resume",
  budget: "/orchestrate budget usd <amount> | tokens <count>",
};

/** The commands in `body`, in order. Pure; never throws. */
export function parseCommands(body: string, options: ParseOptions = {}): ParsedCommand[] {
  const maxCommands = options.maxCommands ?? COMMAND_LIMITS.maxCommands;
  const lines = readMarkdownLines(splitLines(body.slice(0, options.maxChars ?? COMMAND_LIMITS.maxChars)));
  const out: ParsedCommand[] = [];
  for (const [index, line] of lines.entries()) {
    if (out.length >= maxCommands) break;
    if (!line.open) continue;
    const command = parseLine(line.text, index + 1, options.phases, () =>
      textUntilCommand(lines, index + 1, options.phases),
    );
    if (command) out.push(command);
  }
  return out;
}

/**
 * The shown text of the lines from `start` to the next command line (the end when none), for a
 * reason that goes on below its command. Lines that hold only an HTML comment are left out.
 */
function textUntilCommand(
  lines: readonly MarkdownLine[],
  start: number,
  phases: readonly string[] | undefined,
): string {
  const out: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.open && parseLine(line.text, i + 1, phases, () => "")) break;
    if (!line.hidden) out.push(line.text.trimEnd());
  }
  return out.join("\n");
}

/** One line as a command, or undefined when it is none; `following`: the text below it, read only by `reject`. */
function parseLine(
  text: string,
  line: number,
  phases: readonly string[] | undefined,
  following: () => string,
): ParsedCommand | undefined {
  const trimmed = text.replace(/^[ \t]+/, "");
  if (trimmed.startsWith(">")) return undefined;
  const [head = "", verbWord, ...args] = trimmed.split(/[ \t]+/).filter((w, i) => i === 0 || w !== "");
  if (head.toLowerCase() !== PREFIX || !isPlainAscii(head)) {
    if (isPlainAscii(head) || !skeleton(head).startsWith(PREFIX)) return undefined;
    const note = `${code(head)} only looks like \`${PREFIX}\`: it contains ${foreignCharacters(head).join(", ")}`;
    return { line, kind: "unknown", verb: verbWord ?? "", note };
  }
  if (verbWord === undefined) return { line, kind: "help" };
  // Checked before lower-casing: toLowerCase maps some non-ASCII letters (K, the Kelvin sign) to ASCII.
  const verb = verbWord.toLowerCase();
  if (!/^[A-Za-z]+$/.test(verbWord) || !isVerb(verb)) {
    if (isPlainAscii(verbWord)) return { line, kind: "unknown", verb: verbWord };
    return {
      line,
      kind: "unknown",
      verb: verbWord,
      note: `it contains ${foreignCharacters(verbWord).join(", ")}, which is not plain ASCII`,
    };
  }
  const rest = trimmed
    .slice(head.length)
    .replace(/^[ \t]+/, "")
    .slice(verbWord.length)
    .trim();
  return withArgs(line, verb, args, rest, phases, following);
}

function withArgs(
  line: number,
  verb: Verb,
  args: string[],
  rest: string,
  phases: readonly string[] | undefined,
  following: () => string,
): ParsedCommand {
  const invalid = (problem: string): ParsedCommand => ({ line, kind: "invalid", verb, problem });
  const [first, ...more] = args;
  switch (verb) {
    case "status":
    case "help":
    case "resume":
      return { line, kind: verb };
    case "cancel":
      return rest ? { line, kind: "cancel", reason: rest } : { line, kind: "cancel" };
    case "approve": {
      if (more.length > 0) return invalid("approve takes at most one word, the phase");
      if (first === undefined) return { line, kind: "approve" };
      const phase = phases ? findPhase(phases, first) : first;
      if (phase === undefined) return invalid(`${code(first)} is not a phase of this execution`);
      return { line, kind: "approve", phase };
    }
    case "reject": {
      const phase = first !== undefined && phases ? findPhase(phases, first) : undefined;
      // The reason is what a person sees; hidden characters never reach the agents it is given to.
      const inLine = phase === undefined ? rest : rest.slice(first!.length);
      const reason = stripHidden(`${inLine}\n${following()}`).trim();
      if (!reason) return invalid("a reason is required: say what should change");
      return phase === undefined ? { line, kind: "reject", reason } : { line, kind: "reject", phase, reason };
    }
    case "retry":
      if (more.length > 0) return invalid("retry takes at most one word, a task or a phase");
      return first === undefined ? { line, kind: "retry" } : { line, kind: "retry", target: first };
    case "skip": {
      if (first === undefined) return invalid("name the task to skip");
      const reason = rest.slice(first.length).trim();
      return reason ? { line, kind: "skip", task: first, reason } : { line, kind: "skip", task: first };
    }
    case "budget": {
      const budget = parseBudget(args);
      return typeof budget === "string" ? invalid(budget) : { line, kind: "budget", ...budget };
    }
  }
}

/**
 * The limits of `budget usd 40 tokens 2000000` (either pair, or both; `$40` is `usd 40`), or
 * what is wrong with them. Digits may be grouped with `,` or `_`.
 */
export function parseBudget(args: readonly string[]): { usd?: number; tokens?: number } | string {
  const out: { usd?: number; tokens?: number } = {};
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const dollars = /^\$(.+)$/.exec(word);
    const key = dollars ? "usd" : word.toLowerCase();
    if (key !== "usd" && key !== "tokens")
      return `${code(word)} is not a budget: write \`usd <amount>\`, \`tokens <count>\` or both`;
    const raw = dollars ? dollars[1]! : args[++i];
    if (raw === undefined)
      return `give the ${key} budget a number, e.g. \`${key} ${key === "usd" ? "40" : "2000000"}\``;
    const text = raw.replace(/[,_]/g, "");
    const value = Number(text);
    const ok = key === "usd" ? /^\d+(\.\d+)?$/.test(text) : /^\d+$/.test(text);
    if (!ok || !(value > 0) || !Number.isSafeInteger(Math.ceil(value)))
      return `${code(raw)} is not a ${key === "usd" ? "positive amount of US dollars" : "positive whole number of tokens"}`;
    if (out[key] !== undefined) return `the ${key} budget is given twice`;
    out[key] = value;
  }
  if (out.usd === undefined && out.tokens === undefined)
    return "name the new budget, e.g. `/orchestrate budget usd 40`";
  return out;
}

/** The phase id `word` names: exact, else the one phase equal ignoring case (`word` plain ASCII). */
export function findPhase(phases: readonly string[], word: string): string | undefined {
  if (phases.includes(word)) return word;
  if (!isPlainAscii(word)) return undefined;
  const matches = phases.filter((p) => p.toLowerCase() === word.toLowerCase());
  return matches.length === 1 ? matches[0] : undefined;
}
