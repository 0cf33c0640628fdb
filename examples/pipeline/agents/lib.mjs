// Shared helpers of the pipeline example's agents: reads the ORCHESTRATE_* environment, the parsed
// request, upstream inputs, the shared context and gate feedback; writes artifacts, the context update
// and the result record (summary + a made-up, deterministic cost). Node built-ins only.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** A problem with the plan or the environment, not with the work: the agent exits 78. */
export class ConfigError extends Error {}

function required(env, name) {
  if (!env[name]) throw new ConfigError(`${name} is not set; run this agent through \`orchestrate run\``);
  return env[name];
}

function readJson(path, fallback) {
  if (!path || !existsSync(path)) return fallback;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${error.message}`);
  }
}

/** The sample project the pipeline works on: `sample/` next to the plan file. */
export function sampleDir(env = process.env) {
  return join(resolve(env.ORCHESTRATE_PLAN_DIR ?? join(import.meta.dirname, "..")), "sample");
}

/** Runs `node --test` on `files` in `cwd`: `{ status, tests, pass, fail, results: [{ ok, name }] }`. */
export function runTests(cwd, files) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const run = spawnSync(process.execPath, ["--test", "--test-reporter=tap", ...files], {
    cwd,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  const tap = run.stdout ?? "";
  const count = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, "m"))?.[1] ?? 0);
  const results = [...tap.matchAll(/^(not )?ok \d+ - (.+?)(?: # .*)?$/gm)].map((m) => ({
    ok: !m[1],
    name: m[2],
  }));
  return {
    status: run.status ?? 1,
    tests: count("tests"),
    pass: count("pass"),
    fail: count("fail"),
    results,
  };
}

/** The agent's view of its task. Create it with `agent()`; finish with `done(summary)`. */
export function agent(env = process.env) {
  const artifacts = resolve(required(env, "ORCHESTRATE_ARTIFACTS"));
  const inputs = env.ORCHESTRATE_INPUTS ? resolve(env.ORCHESTRATE_INPUTS) : undefined;
  const request = readJson(required(env, "ORCHESTRATE_REQUEST"));
  if (!request || !Array.isArray(request.requirements))
    throw new ConfigError("ORCHESTRATE_REQUEST does not hold a parsed request");
  const feedbackPath = env.ORCHESTRATE_FEEDBACK;
  const feedback = feedbackPath && existsSync(feedbackPath) ? readFileSync(feedbackPath, "utf8").trim() : "";
  const index = inputs ? readJson(join(inputs, "index.json"), []) : [];
  let written = 0;

  const self = {
    task: env.ORCHESTRATE_TASK ?? "",
    phase: required(env, "ORCHESTRATE_PHASE"),
    artifacts,
    request,
    context: readJson(env.ORCHESTRATE_CONTEXT, {}),
    feedback,
    /** Absolute path of a file of an upstream task of `agentName`, or undefined. */
    input(file, agentName) {
      if (!inputs) return undefined;
      for (const entry of index) {
        if (agentName && entry.agent !== agentName) continue;
        const path = join(inputs, entry.task.replaceAll("/", "__"), file);
        if (existsSync(path)) return path;
      }
      return undefined;
    },
    /** Writes an artifact (markdown gets a "Revisions" section quoting gate feedback, if any). */
    write(path, content) {
      const target = resolve(artifacts, path);
      if (relative(artifacts, target).startsWith(".."))
        throw new Error(`${path} leaves the artifacts folder`);
      let text = content.endsWith("\n") ? content : `${content}\n`;
      if (feedback && path.endsWith(".md")) text += revisions(feedback);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
      written += Buffer.byteLength(text);
      return target;
    },
    writeJson(path, value) {
      return self.write(path, `${JSON.stringify(value, null, 2)}\n`);
    },
    /** Merges `value` into the shared context (when the runner offers it). */
    share(value) {
      if (env.ORCHESTRATE_CONTEXT_OUT) writeFileSync(env.ORCHESTRATE_CONTEXT_OUT, JSON.stringify(value));
    },
    /** Records the result: a one-line summary and a made-up cost proportional to the output. */
    done(summary) {
      const tokens = Math.ceil(written / 4);
      const cost = { usd: Math.round(tokens * 0.000002 * 1e6) / 1e6, tokens };
      if (env.ORCHESTRATE_RESULT) writeFileSync(env.ORCHESTRATE_RESULT, JSON.stringify({ summary, cost }));
      process.stdout.write(`${summary}\n`);
    },
  };
  return self;
}

function revisions(feedback) {
  const quoted = feedback
    .slice(0, 4000)
    .split("\n")
    .map((line) => `> ${line}`.trimEnd())
    .join("\n");
  return `\n## Revisions\n\nThis version answers the review feedback:\n\n${quoted}\n`;
}

/** Runs an agent body: exit 78 on configuration errors, 1 on any other error. */
export async function main(body) {
  try {
    await body(agent());
  } catch (error) {
    process.stderr.write(
      `${error instanceof ConfigError ? "configuration error" : "error"}: ${error.message}\n`,
    );
    process.exitCode = error instanceof ConfigError ? 78 : 1;
  }
}
