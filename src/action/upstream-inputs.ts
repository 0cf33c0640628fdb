import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { UpstreamInput } from "../agents/command-agent.ts";
import { hashFile } from "../agents/hash-file.ts";
import { taskDirName } from "../agents/layout.ts";
import { normalizeOutputPath } from "../core/plan/output-path.ts";
import type { ExecutionState } from "../core/state/types.ts";
import type { BranchesPort, RepoRef } from "../github/ports.ts";
import { artifactsFolder } from "../github/task-artifacts.ts";

/** Fetches a task's artifacts from its task branch into `dest` (see `downloadArtifacts`). */
export type ArtifactDownloader = (
  task: string,
  commit: string,
  folder: string,
  artifacts: UpstreamInput["artifacts"],
  dest: string,
) => Promise<void>;

/** Every task `id` depends on, directly or not, in plan order. */
export function ancestors(state: ExecutionState, id: string): string[] {
  const seen = new Set<string>();
  const stack = [...(state.specs[id]?.needs ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(state.specs[next]?.needs ?? []));
  }
  return [...seen].sort((a, b) => (state.specs[a]?.order ?? 0) - (state.specs[b]?.order ?? 0));
}

/** Where each upstream task's artifacts were found. */
export type InputSource = { task: string; from: "checkout" | "task branch" };

/**
 * The artifacts of every succeeded upstream task, as the command agent takes them. Each task's
 * files are taken from the checkout (`.orchestrate/issue-<n>/artifacts/<task dir>/`, present once the
 * orchestrator merged the task's branch into the working branch) when every recorded file is
 * there with its recorded sha256; otherwise they are downloaded from the task's own branch, which
 * holds exactly what its result record lists even when the fan-in merge has not happened yet (a
 * task is dispatched before its upstream's merge lands) or could not happen (a conflict).
 */
export async function upstreamInputs(options: {
  state: ExecutionState;
  task: string;
  issue: number;
  repo: RepoRef;
  cwd: string;
  /** Folder for downloaded artifacts (one sub-folder per upstream task). */
  downloads: string;
  branches: BranchesPort;
  download: ArtifactDownloader;
  taskBranch: (issue: number, task: string) => string;
}): Promise<{ inputs: UpstreamInput[]; sources: InputSource[] }> {
  const { state } = options;
  const inputs: UpstreamInput[] = [];
  const sources: InputSource[] = [];
  for (const up of ancestors(state, options.task)) {
    const t = state.tasks[up];
    const spec = state.specs[up];
    if (!t || !spec || t.status !== "succeeded") continue;
    const folder = artifactsFolder(options.issue, up);
    const local = join(options.cwd, folder);
    let dir = local;
    let from: InputSource["from"] = "checkout";
    if (t.artifacts.length === 0 || !(await allPresent(local, t.artifacts))) {
      dir = join(options.downloads, taskDirName(up));
      await mkdir(dir, { recursive: true });
      if (t.artifacts.length > 0) {
        const head = await options.branches.head(options.repo, options.taskBranch(options.issue, up));
        from = "task branch";
        // No branch: the copy step reports each recorded file as missing (input_missing).
        if (head !== undefined) await options.download(up, head, folder, t.artifacts, dir);
      }
    }
    inputs.push({
      task: up,
      agent: spec.agent,
      ...(spec.phase ? { phase: spec.phase } : {}),
      dir,
      artifacts: t.artifacts,
    });
    sources.push({ task: up, from });
  }
  return { inputs, sources };
}

async function allPresent(dir: string, artifacts: UpstreamInput["artifacts"]): Promise<boolean> {
  for (const artifact of artifacts) {
    try {
      const digest = await hashFile(join(dir, normalizeOutputPath(artifact.path)));
      if (artifact.sha256 !== undefined && digest.sha256 !== artifact.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}
