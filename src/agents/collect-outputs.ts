import { lstat, readdir, realpath } from "node:fs/promises";
import { join } from "node:path";
import { TaskFailure } from "../core/errors.ts";
import { checkOutputPath, normalizeOutputPath } from "../core/plan/output-path.ts";
import type { OutputConfig } from "../core/plan/schema.ts";
import type { Artifact } from "../core/state/index.ts";
import { hashFile } from "./hash-file.ts";
import { isMissing, resolveInside } from "./resolve-inside.ts";

/**
 * Checks the files an attempt left in its artifacts folder against the declared outputs and
 * returns them with their SHA-256 and size; paths are relative to the artifacts folder.
 *
 * With declared outputs, each one's path must stay inside the folder (no `..`, not absolute, no
 * symlink leading out) or the attempt fails with `output_invalid`; a required output that is absent
 * fails it with `output_missing`. With none declared, every regular file in the folder is recorded,
 * sorted by path. Every problem found is named in the message.
 */
export async function collectOutputs(
  artifactsDir: string,
  outputs: Record<string, OutputConfig>,
): Promise<Artifact[]> {
  let root: string;
  try {
    // The folder itself must be a folder: an agent that puts a link in its place would have files
    // from anywhere recorded (and handed to the next tasks) as its outputs.
    if (!(await lstat(artifactsDir)).isDirectory()) {
      throw new TaskFailure(
        "output_invalid",
        `the artifacts folder ${artifactsDir} was replaced by something that is not a folder (a symlink?)`,
      );
    }
    root = await realpath(artifactsDir);
  } catch (error) {
    if (error instanceof TaskFailure) throw error;
    if (!isMissing(error)) throw error;
    const required = Object.keys(outputs).filter((name) => outputs[name]?.required);
    if (required.length === 0) return [];
    throw new TaskFailure(
      "output_missing",
      `the artifacts folder ${artifactsDir} was removed; missing: ${required.join(", ")}`,
    );
  }
  const names = Object.keys(outputs);
  return names.length === 0 ? listAll(root) : checkDeclared(root, artifactsDir, outputs);
}

async function checkDeclared(
  root: string,
  shownRoot: string,
  outputs: Record<string, OutputConfig>,
): Promise<Artifact[]> {
  const invalid: string[] = [];
  const missing: string[] = [];
  const artifacts: Artifact[] = [];
  for (const [name, output] of Object.entries(outputs)) {
    const problem = checkOutputPath(output.path);
    if (problem) {
      invalid.push(`output "${name}": ${problem}`);
      continue;
    }
    const path = normalizeOutputPath(output.path);
    const found = await resolveInside(root, path);
    switch (found.kind) {
      case "file":
        artifacts.push({ name, path, ...(await hashFile(found.real)) });
        break;
      case "missing":
        if (output.required) missing.push(`output "${name}" is missing: expected ${join(shownRoot, path)}`);
        break;
      case "outside":
        invalid.push(`output "${name}" (${path}) is a symlink leading out of the artifacts folder`);
        break;
      case "broken":
        invalid.push(`output "${name}" (${path}) is a broken symlink`);
        break;
      case "not_file":
        invalid.push(`output "${name}" (${path}) is not a regular file`);
        break;
    }
  }
  if (invalid.length > 0) throw new TaskFailure("output_invalid", [...invalid, ...missing].join("; "));
  if (missing.length > 0) throw new TaskFailure("output_missing", missing.join("; "));
  return artifacts;
}

/** Every regular file under `root`; a symlink counts when it leads to a file inside the folder. */
async function listAll(root: string): Promise<Artifact[]> {
  const paths: string[] = [];
  const invalid: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true });
    for (const entry of entries) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) paths.push(path);
      else if (entry.isSymbolicLink()) {
        const found = await resolveInside(root, path);
        if (found.kind === "file") paths.push(path);
        else if (found.kind === "outside")
          invalid.push(`${path} is a symlink leading out of the artifacts folder`);
        else if (found.kind === "broken") invalid.push(`${path} is a broken symlink`);
        // A symlink to a folder inside: its files are recorded under their own paths.
      }
    }
  };
  await walk("");
  if (invalid.length > 0) throw new TaskFailure("output_invalid", invalid.join("; "));
  paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const artifacts: Artifact[] = [];
  for (const path of paths) artifacts.push({ name: path, path, ...(await hashFile(join(root, path))) });
  return artifacts;
}
