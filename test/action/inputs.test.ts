import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { agentEnvironment } from "../../src/action/agent-environment.ts";
import { ActionInputsSchema, INPUT_NAMES, parseInputs, readInputs } from "../../src/action/inputs.ts";
import { actionIO, escapeData } from "../../src/action/workflow-commands.ts";
import { parseOutputs } from "./helpers.ts";

interface ActionYml {
  inputs: Record<string, { description: string; required: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const actionYml = parse(readFileSync("action.yml", "utf8")) as ActionYml;

describe("action.yml", () => {
  it("declares exactly the inputs the runner reads, with the same defaults", () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual(Object.values(INPUT_NAMES).sort());
    const defaults = ActionInputsSchema.parse({ mode: "task" });
    for (const [key, name] of Object.entries(INPUT_NAMES)) {
      const declared = actionYml.inputs[name]!;
      expect(declared.description.length, name).toBeGreaterThan(10);
      if (declared.default?.startsWith("${{")) continue; // evaluated by the runner
      if (key !== "mode") expect(declared.default, name).toBe(defaults[key as keyof typeof defaults]);
    }
  });

  it("runs the committed bundle on node24 and declares the outputs it sets", () => {
    expect(actionYml.runs).toEqual({ using: "node24", main: "dist/action/index.js" });
    expect(readFileSync(actionYml.runs.main, "utf8").length).toBeGreaterThan(1000);
    expect(Object.keys(actionYml.outputs)).toEqual([
      "status",
      "result-sha",
      "cost-usd",
      "tokens",
      "bundle",
      "executions",
    ]);
  });
});

describe("inputs", () => {
  it("reads each input from INPUT_<NAME>, hyphens kept, blanks as unset", () => {
    const raw = readInputs({
      INPUT_MODE: "task",
      "INPUT_GITHUB-TOKEN": " t0k3n ",
      INPUT_TASK: "  ",
      INPUT_CONFIG: "plan.yml",
    });
    expect(raw).toMatchObject({ mode: "task", githubToken: "t0k3n", task: undefined, config: "plan.yml" });
    expect(Object.keys(raw).sort()).toEqual(Object.keys(INPUT_NAMES).sort());
  });

  it("says which input to fix", () => {
    expect(parseInputs(readInputs({}))).toEqual({
      ok: false,
      message: "input `mode` is required: set `mode: task-run`, `task-publish`, `task` or `orchestrate`",
    });
    expect(parseInputs(readInputs({ INPUT_MODE: "run" }))).toEqual({
      ok: false,
      message: 'input `mode` is "run": use `task-run`, `task-publish`, `task` or `orchestrate`',
    });
    expect(parseInputs(readInputs({ INPUT_MODE: "task-publish", "INPUT_AGENT-RESULT": "maybe" }))).toEqual({
      ok: false,
      message:
        'input `agent-result` is "maybe": pass `$' +
        "{{ needs.<agent job>.result }}` (success, failure, cancelled or skipped)",
    });
  });
});

describe("agent environment", () => {
  it("blanks the step's credentials and keeps everything else", () => {
    const token = "ghs_0123456789abcdefghijklmnopqrstuvwxyz";
    const blank = agentEnvironment(
      {
        "INPUT_GITHUB-TOKEN": token,
        INPUT_TASK: "{}",
        ACTIONS_RUNTIME_TOKEN: "runtime",
        GH_AUTH: `Bearer ${token}`,
        ANTHROPIC_API_KEY: "sk-ant-kept",
        PATH: "/usr/bin",
      },
      [token],
    );
    expect(blank).toEqual({
      "INPUT_GITHUB-TOKEN": "",
      INPUT_TASK: "",
      ACTIONS_RUNTIME_TOKEN: "",
      GH_AUTH: "",
    });
  });
});

describe("workflow commands", () => {
  it("keeps a message on one line and writes outputs in heredoc form", async () => {
    expect(escapeData("50%\r\nnext")).toBe("50%25%0D%0Anext");
    const dir = (await import("node:fs")).mkdtempSync(`${(await import("node:os")).tmpdir()}/io-`);
    const output = `${dir}/out`;
    (await import("node:fs")).writeFileSync(output, "");
    const lines: string[] = [];
    const io = actionIO((t) => lines.push(t), { GITHUB_OUTPUT: output });
    io.error("first\nsecond");
    io.setOutput("status", "multi\nline");
    io.mask("a\nb-secret");
    await io.verbatim(async () => io.line("::error::not a command"));
    expect(lines[0]).toBe("::error::first%0Asecond\n");
    expect(parseOutputs(readFileSync(output, "utf8"))).toEqual({ status: "multi\nline" });
    expect(lines).toContain("::add-mask::b-secret\n");
    expect(lines.at(-3)).toMatch(/^::stop-commands::[0-9a-f]{32}\n$/);
    expect(lines.at(-1)).toBe(`::${lines.at(-3)!.slice(17, -1)}::\n`);
  });
});
