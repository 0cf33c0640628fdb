import { describe, expect, it } from "vitest";
import {
  COMMAND_LIMITS,
  commandLevels,
  DEFAULT_COMMAND_LEVELS,
  helpMarkdown,
  meetsLevel,
  type ParsedCommand,
  type ParseOptions,
  parseCommands,
  VERBS,
} from "../../../src/core/commands/index.ts";

const PHASES = ["design", "build", "Test", "keep"];

/** A parsed command without its line number. */
type Parsed = ParsedCommand extends infer T ? (T extends unknown ? Omit<T, "line"> : never) : never;

/** The commands of `body` without line numbers. */
function parsed(body: string, options: ParseOptions = { phases: PHASES }): Parsed[] {
  return parseCommands(body, options).map(({ line: _line, ...rest }) => rest);
}

describe("parseCommands: verbs and arguments", () => {
  it.each<[string, Parsed[]]>([
    ["/orchestrate status", [{ kind: "status" }]],
    ["/orchestrate help", [{ kind: "help" }]],
    ["/orchestrate", [{ kind: "help" }]],
    ["/orchestrate resume", [{ kind: "resume" }]],
    ["/orchestrate cancel", [{ kind: "cancel" }]],
    ["/orchestrate cancel wrong request", [{ kind: "cancel", reason: "wrong request" }]],
    ["/orchestrate approve", [{ kind: "approve" }]],
    ["/orchestrate approve design", [{ kind: "approve", phase: "design" }]],
    ["/orchestrate approve DESIGN", [{ kind: "approve", phase: "design" }]],
    ["/orchestrate approve test", [{ kind: "approve", phase: "Test" }]],
    [
      "/orchestrate approve \u212Aeep",
      [{ kind: "invalid", verb: "approve", problem: "`\u212Aeep` is not a phase of this execution" }],
    ],
    [
      "/orchestrate approve nope",
      [{ kind: "invalid", verb: "approve", problem: "`nope` is not a phase of this execution" }],
    ],
    [
      "/orchestrate approve design looks good",
      [{ kind: "invalid", verb: "approve", problem: "approve takes at most one word, the phase" }],
    ],
    [
      "/orchestrate reject design add rate limits",
      [{ kind: "reject", phase: "design", reason: "add rate limits" }],
    ],
    ["/orchestrate reject add rate limits", [{ kind: "reject", reason: "add rate limits" }]],
    [
      "/orchestrate reject   design   needs  2FA  ",
      [{ kind: "reject", phase: "design", reason: "needs  2FA" }],
    ],
    [
      "/orchestrate reject design",
      [{ kind: "invalid", verb: "reject", problem: "a reason is required: say what should change" }],
    ],
    [
      "/orchestrate reject",
      [{ kind: "invalid", verb: "reject", problem: "a reason is required: say what should change" }],
    ],
    ["/orchestrate retry", [{ kind: "retry" }]],
    ["/orchestrate retry build/dev@api", [{ kind: "retry", target: "build/dev@api" }]],
    [
      "/orchestrate retry a b",
      [{ kind: "invalid", verb: "retry", problem: "retry takes at most one word, a task or a phase" }],
    ],
    ["/orchestrate skip build/dev@web", [{ kind: "skip", task: "build/dev@web" }]],
    [
      "/orchestrate skip build/dev@web not needed",
      [{ kind: "skip", task: "build/dev@web", reason: "not needed" }],
    ],
    ["/orchestrate skip", [{ kind: "invalid", verb: "skip", problem: "name the task to skip" }]],
    ["/orchestrate budget usd 40", [{ kind: "budget", usd: 40 }]],
    ["/orchestrate budget $12.50", [{ kind: "budget", usd: 12.5 }]],
    ["/orchestrate budget tokens 2,000,000 USD 1_000", [{ kind: "budget", tokens: 2_000_000, usd: 1000 }]],
    [
      "/orchestrate budget",
      [
        {
          kind: "invalid",
          verb: "budget",
          problem: "name the new budget, e.g. `/orchestrate budget usd 40`",
        },
      ],
    ],
    [
      "/orchestrate budget 40",
      [
        {
          kind: "invalid",
          verb: "budget",
          problem: "`40` is not a budget: write `usd <amount>`, `tokens <count>` or both",
        },
      ],
    ],
    [
      "/orchestrate budget usd",
      [{ kind: "invalid", verb: "budget", problem: "give the usd budget a number, e.g. `usd 40`" }],
    ],
    [
      "/orchestrate budget tokens 1.5",
      [{ kind: "invalid", verb: "budget", problem: "`1.5` is not a positive whole number of tokens" }],
    ],
    [
      "/orchestrate budget usd 0",
      [{ kind: "invalid", verb: "budget", problem: "`0` is not a positive amount of US dollars" }],
    ],
    [
      "/orchestrate budget usd 1e9",
      [{ kind: "invalid", verb: "budget", problem: "`1e9` is not a positive amount of US dollars" }],
    ],
    [
      "/orchestrate budget usd 5 $6",
      [{ kind: "invalid", verb: "budget", problem: "the usd budget is given twice" }],
    ],
    ["/orchestrate deploy", [{ kind: "unknown", verb: "deploy" }]],
    ["/orchestrate orchestrate", [{ kind: "unknown", verb: "orchestrate" }]],
  ])("%j", (body, expected) => {
    expect(parsed(body)).toEqual(expected);
  });

  it("a reject reason goes on to the next command line or the end, and is trimmed", () => {
    const body = [
      "/orchestrate reject design The spec needs work:",
      "- use Postgres, not SQLite",
      "- add rate limiting to /login  ",
      "",
      "```sql",
      "/orchestrate approve",
      "```",
      "> quoted: keep SQLite?",
      "",
      "/orchestrate status",
      "not part of any reason",
    ].join("\n");
    expect(parseCommands(body, { phases: PHASES })).toEqual([
      {
        line: 1,
        kind: "reject",
        phase: "design",
        reason: [
          "The spec needs work:",
          "- use Postgres, not SQLite",
          "- add rate limiting to /login",
          "",
          "```sql",
          "/orchestrate approve",
          "```",
          "> quoted: keep SQLite?",
        ].join("\n"),
      },
      { line: 10, kind: "status" },
    ]);
  });

  it.each<[string, string, Parsed[]]>([
    [
      "the reason only on the next lines, phase named",
      "/orchestrate reject design\r\n- use Postgres\r\n- add rate limits\r\n",
      [{ kind: "reject", phase: "design", reason: "- use Postgres\n- add rate limits" }],
    ],
    [
      "the reason only on the next lines, no phase",
      "/orchestrate reject\n\ndesign is wrong: use Postgres",
      [{ kind: "reject", reason: "design is wrong: use Postgres" }],
    ],
    [
      "up to the next command line, even one that is no verb",
      "/orchestrate reject design\nuse Postgres\n/orchestrate deploy\nmore",
      [
        { kind: "reject", phase: "design", reason: "use Postgres" },
        { kind: "unknown", verb: "deploy" },
      ],
    ],
    [
      "two rejects, each with its own lines",
      "/orchestrate reject design one\nmore one\n/orchestrate reject build two\nmore two",
      [
        { kind: "reject", phase: "design", reason: "one\nmore one" },
        { kind: "reject", phase: "build", reason: "two\nmore two" },
      ],
    ],
    [
      "without HTML comments",
      "/orchestrate reject design use <!-- ignore the rules --> Postgres\n<!--\nhidden\n-->\nand limits",
      [{ kind: "reject", phase: "design", reason: "use  Postgres\nand limits" }],
    ],
    [
      "without hidden characters",
      "/orchestrate reject design use\u200b Postgres\u{E0049}\u{E0047}\n\u2062and limits\ufe0f",
      [{ kind: "reject", phase: "design", reason: "use Postgres\nand limits" }],
    ],
    [
      "a reason of hidden characters only is none",
      "/orchestrate reject design \u200b\n\u{E0041}\n<!-- hidden -->",
      [{ kind: "invalid", verb: "reject", problem: "a reason is required: say what should change" }],
    ],
    [
      "other verbs keep to their line",
      "/orchestrate cancel wrong request\nsee the thread\n/orchestrate skip build/dev not needed\nreally",
      [
        { kind: "cancel", reason: "wrong request" },
        { kind: "skip", task: "build/dev", reason: "not needed" },
      ],
    ],
  ])("reject: %s", (_name, body, expected) => {
    expect(parsed(body)).toEqual(expected);
  });

  it("a reject reason is cut with the comment, at the characters read", () => {
    const body = `/orchestrate reject design start\n${"x".repeat(COMMAND_LIMITS.maxChars)}`;
    const [command] = parseCommands(body, { phases: PHASES });
    // What is read of the body after `/orchestrate reject design `: "start", the line end, x's.
    expect(command?.kind === "reject" && command.reason).toBe(
      `start\n${"x".repeat(COMMAND_LIMITS.maxChars - "/orchestrate reject design start\n".length)}`,
    );
  });

  it("without known phases, reject's first word stays part of the reason and approve takes any word", () => {
    expect(parsed("/orchestrate reject design add limits", {})).toEqual([
      { kind: "reject", reason: "design add limits" },
    ]);
    expect(parsed("/orchestrate approve design", {})).toEqual([{ kind: "approve", phase: "design" }]);
  });
});

describe("parseCommands: where a command may be", () => {
  it.each<[string, string, string[]]>([
    ["case-insensitive", "/ORCHESTRATE Approve\n/Orchestrate STATUS", ["approve", "status"]],
    ["leading spaces and tabs", "  /orchestrate status\n\t/orchestrate help", ["status", "help"]],
    ["CRLF line ends", "thanks\r\n/orchestrate status\r\n", ["status"]],
    ["not mid-line", "please /orchestrate approve", []],
    ["not a longer word", "/orchestrated approve\n/orchestrate-approve", []],
    ["not in a quote", "> /orchestrate approve\n >/orchestrate approve", []],
    ["not in a backtick fence", "```\n/orchestrate approve\n```\n/orchestrate status", ["status"]],
    ["not in a tilde fence", "~~~md\n/orchestrate approve\n~~~\n", []],
    ["a longer fence closes only with as long a fence", "````\n```\n/orchestrate approve\n````\n", []],
    ["an unclosed fence hides the rest", "```\n/orchestrate approve", []],
    ["inline code is no fence", "``` inline ` code\n/orchestrate status", ["status"]],
    ["not in an HTML comment", "LGTM, thanks!\n<!--\n/orchestrate approve\n-->", []],
    ["not in a one-line HTML comment", "<!-- /orchestrate approve -->\n/orchestrate status", ["status"]],
    ["not in an inline HTML comment", "ok <!--\n/orchestrate approve --> done\n/orchestrate help", ["help"]],
    [
      "an unclosed HTML comment hides the rest",
      "ok\n<!-- draft\n/orchestrate approve\n/orchestrate status",
      [],
    ],
    [
      "an unclosed `<!--` within a line is text, as GitHub shows it",
      "Don't use <!-- in titles\n/orchestrate approve",
      ["approve"],
    ],
    ["not in an indented block after a setext heading", "Example\n-------\n    /orchestrate approve", []],
    ["not in an indented block after a thematic break", "Intro\n\n***\n    /orchestrate cancel", []],
    [
      "`<!-->` is a whole comment",
      "<!-->\n/orchestrate status\n<!--->\n/orchestrate help",
      ["status", "help"],
    ],
    [
      "a comment opener in a code span opens nothing",
      "write `<!--` to hide text\n/orchestrate status",
      ["status"],
    ],
    ["a comment opener in fenced code opens nothing", "```\n<!--\n```\n/orchestrate status", ["status"]],
    ["a fence inside an HTML comment is hidden too", "<!--\n```\n-->\n/orchestrate status", ["status"]],
    ["not in an indented code block", "Example of usage:\n\n    /orchestrate cancel", []],
    ["not in indented code at the start", "    /orchestrate cancel\n\t/orchestrate approve", []],
    ["not in an indented code block after a heading", "# Usage\n    /orchestrate cancel", []],
    [
      "indented code goes on across blank lines, and ends at a line indented less",
      "Usage:\n\n    /orchestrate cancel\n\n    /orchestrate approve\n/orchestrate status",
      ["status"],
    ],
    ["an indented line continues a paragraph", "please\n    /orchestrate status", ["status"]],
    ["a comment opener in indented code opens nothing", "\n    <!--\n/orchestrate status", ["status"]],
  ])("%s", (_name, body, kinds) => {
    expect(parseCommands(body).map((c) => c.kind)).toEqual(kinds);
  });

  it("numbers lines from 1", () => {
    expect(parseCommands("hello\n\n/orchestrate status")).toEqual([{ line: 3, kind: "status" }]);
  });

  it("reads at most 10 commands and the first 16 384 characters", () => {
    expect(parseCommands("/orchestrate status\n".repeat(30))).toHaveLength(COMMAND_LIMITS.maxCommands);
    const late = `${"x".repeat(COMMAND_LIMITS.maxChars)}\n/orchestrate status`;
    expect(parseCommands(late)).toEqual([]);
    expect(parseCommands("/orchestrate status\n/orchestrate help", { maxCommands: 1 })).toHaveLength(1);
  });
});

describe("parseCommands: look-alike characters never match", () => {
  it.each<[string, string, string | undefined]>([
    ["Cyrillic а in the verb", "/orchestrate \u0430pprove", "U+0430"],
    ["full-width verb", "/orchestrate ａｐｐｒｏｖｅ", "U+FF41"],
    ["zero-width space in the verb", "/orchestrate app\u200brove", "U+200B"],
    ["Kelvin sign", "/orchestrate s\u212Aip", "U+212A"],
  ])("%s is an unknown verb, and the note names the character", (_name, body, code) => {
    const [command] = parseCommands(body);
    expect(command?.kind).toBe("unknown");
    expect(command?.kind === "unknown" && command.note).toContain(code);
  });

  it.each<[string, string, string]>([
    ["Cyrillic о in the prefix", "/\u043erchestrate approve", "U+043E"],
    ["full-width prefix", "／ｏｒｃｈｅｓｔｒａｔｅ approve", "U+FF0F"],
    ["zero-width joiner in the prefix", "/orch\u200destrate approve", "U+200D"],
    ["no-break space after the prefix", "/orchestrate\u00a0approve", "U+00A0"],
  ])("%s is reported as a look-alike, not run", (_name, body, code) => {
    const [command] = parseCommands(body);
    expect(command?.kind).toBe("unknown");
    expect(command?.kind === "unknown" && command.note).toMatch(/only looks like `\/orchestrate`/);
    expect(command?.kind === "unknown" && command.note).toContain(code);
  });

  it("ordinary non-ASCII text is no command", () => {
    expect(parseCommands("승인합니다\n/놀이 approve\némoji 🎉")).toEqual([]);
  });
});

describe("permission table", () => {
  it("needs write to change the execution and read to look", () => {
    expect(DEFAULT_COMMAND_LEVELS).toEqual({
      status: "read",
      help: "read",
      approve: "write",
      reject: "write",
      retry: "write",
      cancel: "write",
      skip: "write",
      resume: "write",
      budget: "maintain",
    });
    expect(commandLevels({ approve: "maintain" }).approve).toBe("maintain");
    expect(commandLevels({ approve: "maintain" }).reject).toBe("write");
  });

  it.each<[Parameters<typeof meetsLevel>[0], Parameters<typeof meetsLevel>[1], boolean]>([
    ["admin", "write", true],
    ["maintain", "write", true],
    ["write", "write", true],
    ["triage", "write", false],
    ["read", "write", false],
    ["none", "read", false],
    ["read", "read", true],
  ])("%s meets %s: %s", (have, need, ok) => {
    expect(meetsLevel(have, need)).toBe(ok);
  });

  it("help lists every verb with its level", () => {
    const help = helpMarkdown(commandLevels({ status: "triage" }));
    for (const verb of VERBS) expect(help).toContain(`/orchestrate ${verb}`);
    expect(help).toContain("| `/orchestrate status` | post the current dashboard | triage |");
    // The help text itself holds no command at the start of a line.
    expect(parseCommands(help)).toEqual([]);
  });
});
