import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { buildGraph } from "../../core/graph/index.ts";
import { factsOf, formatProblem } from "../../core/plan/index.ts";
import type { Plan } from "../../core/plan/schema.ts";
import { parseRequest, type Request } from "../../core/request/index.ts";
import { startEventOf } from "../../core/state/from-plan.ts";
import { fsCliError, fsProblem, isFsError } from "../fs-problem.ts";
import { CliError, type CliIO, EXIT, setExitCode, writeLine } from "../io.ts";
import { DEFAULT_PLAN, readPlan } from "../plan-file.ts";
import { localRepoFacts } from "../repo-facts.ts";
import { secretNames, secretValues, secretWarnings } from "../secrets.ts";
import { checkApprovals, runSession } from "../session.ts";
import { ExecutionStore } from "../store/execution-store.ts";
import { VERSION } from "../version.ts";
import { addStateDirOption, asCliError, collect, commandPrefix, stateRoot } from "./common.ts";

interface RunOptions {
  request?: string;
  requestFile?: string;
  yes?: boolean;
  approve?: string[];
  stateDir?: string;
  id?: string;
  plain?: boolean;
  secret?: string[];
}

/**
 * What a local run says of a plan's `delivery:` section. Delivery waits for GitHub (a pull
 * request's checks, its merge, deployment statuses), which never reach this machine: an
 * execution started with it would wait in `delivering` until its time limit.
 */
export const LOCAL_DELIVERY_NOTE =
  "note: delivery (pull request, merge, deploy) runs on GitHub only; this run ends when its tasks succeed";

/** The plan as a local run starts it: the same, without its delivery settings. */
export function withoutDelivery(plan: Plan): Plan {
  const { delivery: _delivery, ...rest } = plan;
  return rest;
}

/** Reads the request from `--request` or `--request-file`; exactly one is needed. */
export function readRequest(io: CliIO, options: { request?: string; requestFile?: string }): Request {
  if (options.request !== undefined && options.requestFile !== undefined) {
    throw new CliError("give either --request or --request-file, not both");
  }
  let text = options.request;
  if (options.requestFile !== undefined) {
    try {
      text = readFileSync(resolve(io.cwd, options.requestFile), "utf8");
    } catch (error) {
      if (!isFsError(error)) throw error;
      throw new CliError(
        fsProblem(error, { action: "read the request file", path: options.requestFile }),
        EXIT.usage,
        ['or give the request itself: --request "Project: …, Requirements: …"'],
      );
    }
  }
  if (options.requestFile !== undefined && text?.trim() === "") {
    throw new CliError(`the request file ${options.requestFile} is empty`, EXIT.usage, [
      'write the request in it ("Project: …, Requirements: …"), or give it with --request "…"',
    ]);
  }
  if (text === undefined || text.trim() === "") {
    throw new CliError('a request is needed: --request "Project: …, Requirements: …" or --request-file PATH');
  }
  return parseRequest({ body: text }, { now: Date.now() });
}

/**
 * A new execution id: the project name as a slug (accents dropped: "Système" → "systeme"; a
 * name in another script gives `exec`) and 6 random hex digits.
 */
export function newId(request: Pick<Request, "project">): string {
  const slug = request.project
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 24)
    .replace(/-+$/, "");
  return `${slug || "exec"}-${randomBytes(3).toString("hex")}`;
}

export function runCommand(program: Command, io: CliIO): void {
  const command = program
    .command("run")
    .description(
      "run a plan on this machine for a request (--request or --request-file); prints the execution id first",
    )
    .argument("[file]", `plan file (default: ${DEFAULT_PLAN})`)
    .option("--request <text>", "the project request (this or --request-file is required)")
    .option("--request-file <path>", "read the project request from a file")
    .option("-y, --yes", "approve every gate")
    .option("--approve <phase>", "approve this phase's gate in advance (repeatable)", collect)
    .option("--id <id>", "execution id (default: derived from the project name)")
    .option("--plain", "plain progress lines even on a terminal")
    .option(
      "--secret <name>",
      "environment variable whose value is scrubbed from logs (repeatable; kept with the execution, so resume masks it too)",
      collect,
    );
  addStateDirOption(command).action(async (file: string | undefined, options: RunOptions) => {
    const { plan, display, dir } = readPlan(file, io.cwd);
    const request = readRequest(io, options);
    const repo = localRepoFacts(io.cwd);
    const built = buildGraph(plan, factsOf(request, repo));
    if (!built.ok)
      throw new CliError(
        `${display}: the task graph is invalid`,
        EXIT.usage,
        built.problems.map(formatProblem),
      );
    checkApprovals(plan.phases, options.approve ?? []);
    const secrets = secretNames(io.env, options.secret);
    const id = options.id ?? newId(request);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/.test(id)) {
      throw new CliError(`invalid execution id "${id}": use letters, digits, '.', '_' and '-'`);
    }
    const store = new ExecutionStore(stateRoot(io, options), id, { commandPrefix: commandPrefix(options) });
    try {
      store.create();
      // Kept with the execution (names only), so `resume` masks them without being told again.
      if (secrets.length > 0) store.addSecretNames(secrets);
    } catch (error) {
      asCliError(fsCliError(error, { alternative: "choose another folder with --state-dir" }));
    }
    for (const warning of secretWarnings(io.env, secrets)) writeLine(io.stderr, warning);
    if (plan.delivery) writeLine(io.stderr, LOCAL_DELIVERY_NOTE);
    const start = startEventOf(built.graph, plan.policy, {
      execution: id,
      seed: randomBytes(4).readUInt32LE(0) >>> 1,
      // Without its delivery settings the execution ends with its tasks (see LOCAL_DELIVERY_NOTE).
      plan: withoutDelivery(plan),
      // The version that started it: an older one that cannot read the log says what to upgrade to.
      meta: {
        request,
        repo,
        plan,
        plan_file: display,
        plan_dir: dir,
        cwd: io.cwd,
        orchestrate_version: VERSION,
      },
    });
    setExitCode(
      await runSession(
        {
          io,
          store,
          plan,
          planDir: dir,
          cwd: io.cwd,
          yes: options.yes === true,
          approve: options.approve ?? [],
          plain: options.plain === true,
          secrets: secretValues(io.env, secrets),
          commandPrefix: commandPrefix(options),
        },
        start,
      ).catch(asCliError),
    );
  });
}
