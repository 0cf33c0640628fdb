import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { lstat, mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { scrubDeep } from "../agents/command-agent.ts";
import { isMissing } from "../agents/resolve-inside.ts";
import { checkOutputPath, normalizeOutputPath } from "../core/plan/output-path.ts";
import type { OutputConfig } from "../core/plan/schema.ts";
import { type ResultRecord, ResultRecordSchema } from "../github/result-record.ts";
import { artifactsFolder } from "../github/task-artifacts.ts";
import type { TaskFile } from "../github/task-commit.ts";
import { problemList, taskFileProblems } from "./task-files.ts";
import type { TaskOutcome } from "./task-result.ts";
import { MAX_FILE_BYTES } from "./workspace-changes.ts";

/**
 * A result bundle: what `task-run` leaves for `task-publish` to commit, as a folder uploaded as a
 * workflow artifact. `bundle.json` holds the commit base, the result record, the list of files
 * (path, git mode, size and SHA-256, or a deletion) and the data of the job summary; the content
 * of the file at index `i` of that list is `files/<i>`, so no path in the bundle comes from the
 * agent.
 */
export const BUNDLE_MANIFEST = "bundle.json";
/** The folder of file contents inside a bundle. */
export const BUNDLE_CONTENTS = "files";
/** Largest `bundle.json` read (the record's summary and context are bounded by the agent files' limit). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** The bundle's folder: the `bundle` input, else `$RUNNER_TEMP/orchestrate-bundle`. */
export function bundleFolder(input: string, runnerTemp: string | undefined): string {
  return resolve(input || join(runnerTemp ?? tmpdir(), "orchestrate-bundle"));
}

const Sha = z.string().regex(/^[0-9a-f]{40}$/, { error: "expected a commit sha (40 hex digits)" });

export const BundleSchema = z.object({
  version: z.literal(1),
  /** The commit the attempt started from. */
  base: Sha,
  record: ResultRecordSchema,
  files: z.array(
    z.object({
      path: z.string(),
      mode: z.enum(["100644", "100755", "120000"]).optional(),
      /** Null: the file is deleted. */
      content: z
        .object({
          bytes: z.number().int().nonnegative(),
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
        })
        .nullable(),
    }),
  ),
  report: z.object({
    durationMs: z.number().nonnegative(),
    leftOut: z.array(z.object({ path: z.string(), why: z.string() })),
    inputs: z.array(z.object({ task: z.string(), from: z.enum(["checkout", "task branch"]) })),
  }),
});

export type BundleManifest = z.output<typeof BundleSchema>;

/**
 * Writes `outcome` as a bundle into `dir` (created when missing). An earlier bundle's manifest and
 * contents there are removed first; the manifest is written last, so a bundle with a manifest is
 * complete.
 */
export async function writeBundle(dir: string, outcome: TaskOutcome): Promise<void> {
  await mkdir(dir, { recursive: true });
  await rm(join(dir, BUNDLE_MANIFEST), { force: true });
  await rm(join(dir, BUNDLE_CONTENTS), { recursive: true, force: true });
  await mkdir(join(dir, BUNDLE_CONTENTS));
  const files: BundleManifest["files"] = [];
  for (const [i, file] of outcome.files.entries()) {
    if (file.content !== null) await writeFile(join(dir, BUNDLE_CONTENTS, String(i)), file.content);
    files.push({
      path: file.path,
      ...(file.mode ? { mode: file.mode } : {}),
      content: file.content === null ? null : { bytes: file.content.length, sha256: sha256(file.content) },
    });
  }
  const manifest: BundleManifest = {
    version: 1,
    base: outcome.base,
    record: outcome.record,
    files,
    report: { durationMs: outcome.durationMs, leftOut: outcome.leftOut, inputs: outcome.sources },
  };
  const partial = join(dir, `${BUNDLE_MANIFEST}.partial`);
  await writeFile(partial, `${JSON.stringify(manifest)}\n`);
  await rename(partial, join(dir, BUNDLE_MANIFEST));
}

/** What the bundle must be the result of. */
export interface BundleExpectation {
  execution: string;
  /** The execution's issue (its artifacts folder is under it). */
  issue: number;
  task: string;
  attempt: number;
  /** The agent's declared outputs in the plan (none: any output file is recorded). */
  outputs: Record<string, OutputConfig>;
}

/** Why there is no bundle to publish: none was left (`agent_job_failed`), or it is not valid. */
export type BundleProblem = { kind: "agent_job_failed" | "bundle_invalid"; message: string };

/**
 * Reads a bundle as untrusted data (it was written on a machine the agent controlled): the folder
 * and each file must be what they claim (no symlinks, regular files of the stated size and
 * SHA-256, within the size limits), the manifest must match `BundleSchema`, the record must be the
 * result of the expected execution, task and attempt, every file path must pass the commit rules
 * (`taskFileProblems`), and the record's artifacts must be exactly the files of the task's
 * artifacts folder, at valid output paths and, when the agent declares outputs, under the declared
 * names and paths with every required one present. A failed record carries no files. Text an
 * agent wrote (summary, context, error) is scrubbed with `scrub`.
 */
export async function readBundle(
  dir: string,
  expected: BundleExpectation,
  scrub: (text: string) => string,
): Promise<{ ok: true; outcome: TaskOutcome } | ({ ok: false } & BundleProblem)> {
  const missing = (why: string) => ({ ok: false as const, kind: "agent_job_failed" as const, message: why });
  const invalid = (why: string) => ({
    ok: false as const,
    kind: "bundle_invalid" as const,
    message: `the result bundle is not valid: ${why}`,
  });
  const dirKind = await kindOf(dir);
  if (dirKind === "missing") return missing(`no result bundle at ${dir}`);
  if (dirKind !== "directory") return invalid(`${dir} is not a folder`);

  const manifestPath = join(dir, BUNDLE_MANIFEST);
  const text = await readRegular(manifestPath, MAX_MANIFEST_BYTES);
  if (text === "missing") return missing(`the result bundle at ${dir} has no ${BUNDLE_MANIFEST}`);
  if (typeof text === "string") return invalid(text);
  let json: unknown;
  try {
    json = JSON.parse(text.toString("utf8"));
  } catch (error) {
    return invalid(`${BUNDLE_MANIFEST} is not JSON (${(error as Error).message})`);
  }
  const parsed = BundleSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(the manifest)"}: ${i.message}`);
    return invalid(`${BUNDLE_MANIFEST} is not a bundle manifest (${issues.join("; ")})`);
  }
  const manifest = parsed.data;
  const { record } = manifest;
  if (
    record.execution !== expected.execution ||
    record.task !== expected.task ||
    record.attempt !== expected.attempt
  ) {
    return invalid(
      `it holds the result of ${record.task} attempt ${record.attempt} of ${record.execution}, not of ${expected.task} attempt ${expected.attempt} of ${expected.execution}`,
    );
  }

  const files: TaskFile[] = [];
  const hasContent = manifest.files.some((f) => f.content !== null);
  if (hasContent && (await kindOf(join(dir, BUNDLE_CONTENTS))) !== "directory") {
    return invalid(`${BUNDLE_CONTENTS}/ is missing or not a folder`);
  }
  const pathProblems = taskFileProblems(
    manifest.files.map((f) => ({ path: f.path, content: null })),
    expected.issue,
    expected.task,
  );
  if (pathProblems.length > 0) return invalid(problemList(pathProblems));
  for (const [i, entry] of manifest.files.entries()) {
    if (entry.content === null) {
      files.push({ path: entry.path, content: null });
      continue;
    }
    const where = `${BUNDLE_CONTENTS}/${i} (${JSON.stringify(entry.path)})`;
    if (entry.content.bytes > MAX_FILE_BYTES) {
      return invalid(
        `${JSON.stringify(entry.path)} is ${entry.content.bytes} bytes; files over ${MAX_FILE_BYTES} bytes are not committed`,
      );
    }
    const content = await readRegular(join(dir, BUNDLE_CONTENTS, String(i)), MAX_FILE_BYTES);
    if (content === "missing") return invalid(`${where} is missing`);
    if (typeof content === "string") return invalid(content);
    if (content.length !== entry.content.bytes || sha256(content) !== entry.content.sha256) {
      return invalid(`${where} is not the content the manifest lists (size or SHA-256 differs)`);
    }
    files.push({ path: entry.path, content, ...(entry.mode ? { mode: entry.mode } : {}) });
  }
  const problems = [
    ...taskFileProblems(files, expected.issue, expected.task),
    ...artifactProblems(record, files, expected),
  ];
  if (problems.length > 0) return invalid(problemList(problems));

  const scrubbed: ResultRecord = {
    ...record,
    ...(record.summary !== undefined ? { summary: scrub(record.summary) } : {}),
    ...(record.context ? { context: scrubDeep(record.context, scrub) as Record<string, unknown> } : {}),
    ...(record.error ? { error: { kind: record.error.kind, message: scrub(record.error.message) } } : {}),
  };
  return {
    ok: true,
    outcome: {
      base: manifest.base,
      record: scrubbed,
      files,
      leftOut: manifest.report.leftOut.map((l) => ({ path: l.path, why: scrub(l.why) })),
      sources: manifest.report.inputs,
      durationMs: manifest.report.durationMs,
    },
  };
}

/**
 * How the record's artifacts disagree with the files: a failed record carries no files and no
 * artifacts; a succeeded one lists exactly the files written to the task's artifacts folder (by
 * valid output path, with their size and SHA-256 when given) and, when outputs are declared, only
 * declared outputs at their declared paths, every required one included.
 */
function artifactProblems(
  record: ResultRecord,
  files: readonly TaskFile[],
  expected: BundleExpectation,
): string[] {
  if (record.status === "failed") {
    const problems: string[] = [];
    if (files.length > 0) problems.push("a failed record carries files");
    if (record.artifacts.length > 0) problems.push("a failed record lists artifacts");
    return problems;
  }
  const folder = `${artifactsFolder(expected.issue, expected.task)}/`;
  const written = new Map<string, Buffer>();
  for (const f of files)
    if (f.path.startsWith(folder) && f.content !== null) written.set(f.path.slice(folder.length), f.content);
  const problems: string[] = [];
  const listed = new Set<string>();
  const declared = Object.entries(expected.outputs);
  for (const artifact of record.artifacts) {
    const shown = JSON.stringify(artifact.path);
    const pathProblem = checkOutputPath(artifact.path);
    if (pathProblem || normalizeOutputPath(artifact.path) !== artifact.path) {
      problems.push(`artifact "${artifact.name}": ${pathProblem ?? `${shown} is not a normalized path`}`);
      continue;
    }
    if (listed.has(artifact.path)) problems.push(`artifact ${shown} is listed more than once`);
    listed.add(artifact.path);
    const content = written.get(artifact.path);
    if (content === undefined) {
      problems.push(`artifact "${artifact.name}" (${shown}) has no file in the bundle`);
    } else if (
      (artifact.bytes !== undefined && artifact.bytes !== content.length) ||
      (artifact.sha256 !== undefined && artifact.sha256 !== sha256(content))
    ) {
      problems.push(`artifact "${artifact.name}" (${shown}) does not match its file (size or SHA-256)`);
    }
    if (declared.length > 0) {
      const output = expected.outputs[artifact.name];
      if (!output) problems.push(`artifact "${artifact.name}" is not a declared output`);
      else if (normalizeOutputPath(output.path) !== artifact.path)
        problems.push(
          `artifact "${artifact.name}" is at ${shown}, not at its declared path "${output.path}"`,
        );
    }
  }
  for (const path of written.keys()) {
    if (!listed.has(path)) problems.push(`${JSON.stringify(`${folder}${path}`)} is not a recorded artifact`);
  }
  for (const [name, output] of declared) {
    if (output.required && !record.artifacts.some((a) => a.name === name))
      problems.push(`the required output "${name}" is missing`);
  }
  return problems;
}

type Kind = "missing" | "directory" | "file" | "other";

async function kindOf(path: string): Promise<Kind> {
  try {
    const stats = await lstat(path);
    return stats.isDirectory() ? "directory" : stats.isFile() ? "file" : "other";
  } catch (error) {
    if (isMissing(error)) return "missing";
    throw error;
  }
}

/**
 * The content of a regular file (never through a symlink), "missing", or why it cannot be taken
 * (not a regular file, larger than `limit`).
 */
async function readRegular(path: string, limit: number): Promise<Buffer | "missing" | string> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    // No symlink is followed for the file itself, and a FIFO does not block the read.
    file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (isMissing(error)) return "missing";
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "EMLINK") return `${path} is a symlink, not a regular file`;
    throw error;
  }
  try {
    const stats = await file.stat();
    if (!stats.isFile()) return `${path} is not a regular file`;
    if (stats.size > limit) return `${path} is ${stats.size} bytes; the limit is ${limit}`;
    return await file.readFile();
  } finally {
    await file.close();
  }
}

function sha256(content: Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}
