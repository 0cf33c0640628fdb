// Shared helpers of the sign-up example's agents: reads the ORCHESTRATE_* environment, the parsed
// request, the upstream inputs and the gate feedback; writes artifacts, the context update and the
// result record (summary + a made-up, deterministic cost). Node built-ins only.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** A problem with the plan or the environment, not with the work: the agent exits 78. */
export class ConfigError extends Error {}

function required(env, name) {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set; run this agent through \`orchestrate run\``);
  return value;
}

function readJson(path, fallback) {
  if (!path || !existsSync(path)) return fallback;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${error.message}`);
  }
}

function envJson(env, name) {
  try {
    return JSON.parse(env[name] || "{}");
  } catch {
    throw new ConfigError(`${name} is not valid JSON`);
  }
}

/** Which optional parts the request asks for, from its requirements (password sign-up is always on). */
export function featuresOf(request) {
  const text = `${request.requirements.join("\n")}\n${request.text ?? ""}`;
  return {
    password: true,
    oauth: /oauth|social|sso|google|github|kakao|naver|소셜/i.test(text),
    twoFactor: /2fa|two[- ]factor|mfa|totp|\botp\b|authenticator|2단계/i.test(text),
    emailVerification: /e-?mail|이메일/i.test(text),
  };
}

/** Keeps the `// @feature <name>` … `// @end` regions of `source` whose feature is on. */
export function renderBlueprint(source, features, header) {
  const out = [];
  let keep = true;
  for (const line of source.split("\n")) {
    const start = line.match(/^\s*\/\/ @feature (\w+)\s*$/);
    if (start) keep = features[start[1]] === true;
    else if (/^\s*\/\/ @end\s*$/.test(line)) keep = true;
    else if (keep) out.push(line);
  }
  const body = out.join("\n").replace(/^(\/\/ .*\n)+/, "");
  return `${header.map((line) => `// ${line}`).join("\n")}\n${body}`;
}

/** The source of a blueprint under `agents/blueprints/`. */
export function blueprint(name) {
  return readFileSync(join(import.meta.dirname, "blueprints", name), "utf8");
}

/** "1 flow", "3 flows": a count with its noun. */
export function count(n, singular, plural = `${singular}s`) {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** A markdown table from a header row and data rows (`|` in cells escaped). */
export function table(head, rows) {
  const cell = (value) => String(value).replaceAll("|", "\\|").replaceAll("\n", " ");
  const line = (cells) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Whole days in the deadline as written (`3일`, `3 days`, `2 weeks`), or null. */
export function deadlineDays(text) {
  const match = String(text ?? "").match(/(\d+)\s*(일|days?|d\b|주|weeks?|w\b)/i);
  if (!match) return null;
  return Number(match[1]) * (/^(주|w)/i.test(match[2]) ? 7 : 1);
}

/** "Deadline: 3 days, due 2025-01-04." from the request. */
export function deadlineLine(request, days = deadlineDays(request.deadline_text)) {
  if (!request.deadline_text) return "Deadline: none given.";
  const due = request.deadline ? `, due ${request.deadline.slice(0, 10)}` : "";
  return `Deadline: ${days ? `${days} days` : request.deadline_text}${due}.`;
}

/** Lists the request's requirements as `R1`, `R2`… with the feature each maps to. */
export function requirementIds(request) {
  return request.requirements.map((text, index) => {
    const one = featuresOf({ requirements: [text], text: "" });
    const feature = ["oauth", "twoFactor", "emailVerification"].find((key) => one[key]) ?? "other";
    return { id: `R${index + 1}`, text, feature };
  });
}

/** The agent's view of its task. Create it with `agent()`; finish with `done(summary)`. */
export function agent(env = process.env) {
  const artifacts = resolve(required(env, "ORCHESTRATE_ARTIFACTS"));
  const inputs = env.ORCHESTRATE_INPUTS ? resolve(env.ORCHESTRATE_INPUTS) : undefined;
  const request = readJson(required(env, "ORCHESTRATE_REQUEST"));
  if (!request || !Array.isArray(request.requirements)) {
    throw new ConfigError("ORCHESTRATE_REQUEST does not hold a parsed request");
  }
  const feedbackPath = env.ORCHESTRATE_FEEDBACK;
  const feedback = feedbackPath && existsSync(feedbackPath) ? readFileSync(feedbackPath, "utf8").trim() : "";
  const index = inputs ? readJson(join(inputs, "index.json"), []) : [];
  const task = env.ORCHESTRATE_TASK ?? "";
  let written = 0;

  const self = {
    task,
    phase: required(env, "ORCHESTRATE_PHASE"),
    attempt: Number(env.ORCHESTRATE_ATTEMPT ?? 1),
    matrix: envJson(env, "ORCHESTRATE_MATRIX"),
    params: envJson(env, "ORCHESTRATE_PARAMS"),
    planDir: resolve(env.ORCHESTRATE_PLAN_DIR ?? join(import.meta.dirname, "..")),
    artifacts,
    request,
    features: featuresOf(request),
    context: readJson(env.ORCHESTRATE_CONTEXT, {}),
    feedback,
    /** Upstream tasks as listed in `<inputs>/index.json`. */
    inputs: index,
    /** Absolute path of an upstream file, found by agent, phase and matrix module; undefined if absent. */
    input(file, { agent: name, phase, module } = {}) {
      if (!inputs) return undefined;
      for (const entry of index) {
        if (name && entry.agent !== name) continue;
        if (phase && entry.phase !== phase) continue;
        if (module && !entry.task.endsWith(`@${module}`)) continue;
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

/** Stops with a configuration error when an agent is listed in a phase it has no work for. */
export function unknownPhase(self) {
  return new ConfigError(`agent has no work defined for phase "${self.phase}" (task ${self.task})`);
}
