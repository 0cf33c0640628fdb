import { copyFile, lstat, mkdir, realpath, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { TaskFailure } from "../core/errors.ts";
import { checkOutputPath, normalizeOutputPath } from "../core/plan/output-path.ts";
import type { UpstreamInput } from "./command-agent.ts";
import { hashFile } from "./hash-file.ts";
import { ATTEMPT_LAYOUT, taskDirName } from "./layout.ts";
import { isMissing, resolveInside } from "./resolve-inside.ts";

/** Absolute paths of one attempt's files; see `ATTEMPT_LAYOUT`. */
export type AttemptPaths = { workDir: string } & { [K in keyof typeof ATTEMPT_LAYOUT]: string };

/** The absolute paths of the files of the attempt folder `workDir`. */
export function attemptPaths(workDir: string): AttemptPaths {
  const root = resolve(workDir);
  const at = (name: string): string => join(root, name);
  return {
    workDir: root,
    artifacts: at(ATTEMPT_LAYOUT.artifacts),
    inputs: at(ATTEMPT_LAYOUT.inputs),
    inputsIndex: join(at(ATTEMPT_LAYOUT.inputs), ATTEMPT_LAYOUT.inputsIndex),
    stdout: at(ATTEMPT_LAYOUT.stdout),
    stderr: at(ATTEMPT_LAYOUT.stderr),
    request: at(ATTEMPT_LAYOUT.request),
    context: at(ATTEMPT_LAYOUT.context),
    contextOut: at(ATTEMPT_LAYOUT.contextOut),
    result: at(ATTEMPT_LAYOUT.result),
    feedback: at(ATTEMPT_LAYOUT.feedback),
  };
}

/** One entry of `inputs/index.json`. */
export interface InputIndexEntry {
  task: string;
  agent: string;
  phase?: string;
  /** The task's folder, relative to the inputs folder (`taskDirName(task)`). */
  dir: string;
  artifacts: { name: string; path: string; sha256: string; bytes: number }[];
}

/**
 * Makes the attempt folder ready: fresh `artifacts/` and `inputs/`, the request, context and
 * feedback files, no stale agent-written files. Throws a `TaskFailure` (`prepare`, `input_missing`,
 * `input_invalid`) when it cannot.
 */
export async function prepareAttempt(
  paths: AttemptPaths,
  data: { request: unknown; context: Record<string, unknown>; feedback?: string; inputs: UpstreamInput[] },
): Promise<void> {
  try {
    await mkdir(paths.workDir, { recursive: true });
    for (const stale of [paths.artifacts, paths.inputs, paths.contextOut, paths.result, paths.feedback]) {
      await rm(stale, { recursive: true, force: true });
    }
    await mkdir(paths.artifacts);
    await mkdir(paths.inputs);
    await writeFile(paths.request, `${JSON.stringify(data.request ?? null, null, 2)}\n`);
    await writeFile(paths.context, `${JSON.stringify(data.context, null, 2)}\n`);
    if (data.feedback !== undefined) await writeFile(paths.feedback, data.feedback);
  } catch (error) {
    throw new TaskFailure("prepare", `cannot prepare ${paths.workDir}: ${(error as Error).message}`);
  }
  const index: InputIndexEntry[] = [];
  const seen = new Set<string>([ATTEMPT_LAYOUT.inputsIndex]);
  for (const input of data.inputs) {
    const dir = taskDirName(input.task);
    if (seen.has(dir)) throw new TaskFailure("prepare", `upstream task ${input.task} is listed twice`);
    seen.add(dir);
    index.push(await copyInput(input, join(paths.inputs, dir), dir));
  }
  await writeFile(paths.inputsIndex, `${JSON.stringify(index, null, 2)}\n`);
}

/** Copies one upstream task's artifacts into `dest`, checking each against its recorded digest. */
async function copyInput(input: UpstreamInput, dest: string, dir: string): Promise<InputIndexEntry> {
  let root: string;
  try {
    if (!(await lstat(input.dir)).isDirectory())
      throw new TaskFailure(
        "input_missing",
        `artifacts folder of ${input.task} is not a folder: ${input.dir}`,
      );
    root = await realpath(input.dir);
  } catch (error) {
    if (error instanceof TaskFailure) throw error;
    if (!isMissing(error)) throw error;
    throw new TaskFailure("input_missing", `artifacts folder of ${input.task} not found: ${input.dir}`);
  }
  await mkdir(dest, { recursive: true });
  const entry: InputIndexEntry = {
    task: input.task,
    agent: input.agent,
    ...(input.phase !== undefined ? { phase: input.phase } : {}),
    dir,
    artifacts: [],
  };
  const copied = new Set<string>();
  for (const artifact of input.artifacts) {
    const problem = checkOutputPath(artifact.path);
    if (problem)
      throw new TaskFailure("input_invalid", `artifact "${artifact.name}" of ${input.task}: ${problem}`);
    const path = normalizeOutputPath(artifact.path);
    const where = `artifact "${artifact.name}" of ${input.task} (${join(input.dir, path)})`;
    const found = await resolveInside(root, path);
    if (found.kind === "missing") throw new TaskFailure("input_missing", `${where} is missing`);
    if (found.kind !== "file") {
      throw new TaskFailure("input_invalid", `${where} is not a regular file inside its artifacts folder`);
    }
    const target = join(dest, path);
    if (!copied.has(path)) {
      try {
        await mkdir(dirname(target), { recursive: true });
        await copyFile(found.real, target);
      } catch (error) {
        throw new TaskFailure("prepare", `cannot copy ${where}: ${(error as Error).message}`);
      }
      copied.add(path);
    }
    const digest = await hashFile(target);
    if (artifact.sha256 !== undefined && artifact.sha256 !== digest.sha256) {
      throw new TaskFailure("input_invalid", `${where} changed since it was recorded (sha256 differs)`);
    }
    entry.artifacts.push({ name: artifact.name, path, ...digest });
  }
  return entry;
}
