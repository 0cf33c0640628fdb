/** The app over a served repository with a gated plan, and ways to drive issue 7 through its gates. */
import { seededRandom } from "../../src/engine/seeded-random.ts";
import { COMMENT_MARKER } from "../../src/github/comments.ts";
import { resultPath, taskBranch } from "../../src/github/result-record.ts";
import type { Clock } from "../../src/ports/clock.ts";
import { appOn, REPOSITORY } from "../support/github/app.ts";
import type { GitHubMock } from "../support/github/mock-github.ts";
import { examplePayload, withPatch } from "../support/github/payloads.ts";

/** The marker the dashboard comment starts with. */
const DASHBOARD = "<!-- orchestrate:dashboard -->";

/** Two gated phases side by side, then one that needs both. */
export const TWO_GATES = `version: 1
agents:
  architect: { run: ./architect.sh }
  dev: { run: ./dev.sh }
  ops: { run: ./ops.sh }
phases:
  - { id: a, agents: [architect], gate: {} }
  - { id: b, agents: [dev], gate: {} }
  - { id: c, needs: [a, b], agents: [ops] }
`;

/**
 * Starts the app with `plan` at a clock the test moves. Issue 7 is labeled by its author,
 * `Codertocat` (who, like everyone but `reader`, has write permission).
 */
export async function gatedApp(
  gh: GitHubMock,
  plan: string,
  options: { seed?: number; allowBots?: string[] } = {},
) {
  const time = { now: Date.parse("2026-11-22T00:00:00Z") };
  const clock: Clock = { now: () => time.now, setTimeout: () => 0, clearTimeout: () => {} };
  const { repo, side, host, receive } = await appOn(
    gh,
    { ".github/orchestrate.yml": plan },
    {
      clock,
      random: seededRandom(options.seed ?? 1),
      ...(options.allowBots ? { allowBots: options.allowBots } : {}),
    },
  );
  /** Labels issue 7 (with `issue` fields patched in). */
  const label = (issue: Record<string, unknown> = {}) =>
    receive(
      "issues",
      withPatch(examplePayload("issues", "labeled"), {
        label: { name: "orchestrate" },
        issue: { number: 7, ...issue },
        repository: REPOSITORY,
      }),
    );
  /** The payload of a new comment on issue 7, written now (by the test's clock). */
  const comment = (login: string, body: string, id: number, type: "User" | "Bot" = "User") =>
    withPatch(examplePayload("issue_comment", "created"), {
      issue: { number: 7 },
      comment: { id, body, user: { login, type }, created_at: new Date(time.now).toISOString() },
      repository: REPOSITORY,
    });
  /** The task's job: commits its result and work to its branch, then sends orchestrate-result. */
  const complete = async (task: string, attempt: number) => {
    const branch = taskBranch(7, task);
    if (!repo.git.head(branch)) repo.git.branch(branch, "orchestrate/issue-7");
    const commit = repo.git.commitFiles(branch, {
      [resultPath(7, task)]: JSON.stringify({
        execution: "Codertocat/Hello-World#7",
        task,
        attempt,
        status: "succeeded",
      }),
      [`${task.replace(/\//g, "_")}.md`]: `# ${task}, attempt ${attempt}\n`,
    });
    await receive(
      "repository_dispatch",
      withPatch(examplePayload("repository_dispatch"), {
        action: "orchestrate-result",
        client_payload: { issue: 7, task, attempt, sha: commit.sha },
        repository: REPOSITORY,
      } as never),
    );
  };
  let comments = 600;
  /** A comment by `login` on issue 7; its reply (if any) is returned. */
  const say = async (login: string, body: string) => {
    const before = side.comments.length;
    const id = ++comments;
    await receive("issue_comment", comment(login, body, id));
    return { id, replies: replies(before) };
  };
  /** A review by `login` of the working branch's pull request at `commit`, submitted now; its reply is returned. */
  const review = async (
    login: string,
    state: "approved" | "changes_requested",
    commit: string,
    id: number,
  ) => {
    const before = side.comments.length;
    await receive(
      "pull_request_review",
      withPatch(examplePayload("pull_request_review", "submitted"), {
        review: {
          id,
          state,
          commit_id: commit,
          body: "",
          user: { login, type: "User" },
          submitted_at: new Date(time.now).toISOString(),
        },
        pull_request: { head: { ref: "orchestrate/issue-7" } },
        repository: REPOSITORY,
      } as never),
    );
    return replies(before);
  };
  /** A click by `login` on a button of `phase`'s check run; its reply is returned. */
  const button = async (login: string, identifier: string, phase: string) => {
    const before = side.comments.length;
    await receive(
      "check_run",
      withPatch(examplePayload("check_run", "requested_action"), {
        check_run: { external_id: `7:${phase}` },
        requested_action: { identifier },
        sender: { login, type: "User" },
        repository: REPOSITORY,
      } as never),
    );
    return replies(before);
  };
  /** Comments posted since the `before`-th, other than the dashboard, without their hidden marker. */
  const replies = (before: number) =>
    side.comments
      .slice(before)
      .map((c) => c.body)
      .filter((b) => !b.startsWith(DASHBOARD))
      .map((b) => b.replace(`${COMMENT_MARKER}\n`, ""));
  const tick = async () => {
    await host().tick();
    await host().queue.idle();
  };
  const state = () => JSON.parse(repo.git.readFile("orchestrate-state", "executions/7/state.json")!);
  /** The tasks of each dispatch so far, as `task#attempt`. */
  const dispatched = () =>
    side.dispatches.flatMap((d) =>
      (JSON.parse(d.tasks!) as { id: string; attempt: number }[]).map((t) => `${t.id}#${t.attempt}`),
    );
  /** `phase`'s check run: conclusion, title, summary and the identifiers of its buttons. */
  const check = (phase: string) => {
    const run = [...side.checks.values()].find((c) => c.name === `orchestrate / ${phase}`)!;
    const output = run.output as { title: string; summary: string };
    const actions = (run.actions ?? []) as { identifier: string }[];
    return {
      conclusion: run.conclusion,
      title: output.title,
      summary: output.summary,
      actions: actions.map((a) => a.identifier),
    };
  };
  const dashboard = () => side.comments.find((c) => c.body.startsWith(DASHBOARD))!.body;
  const head = () => repo.git.head("orchestrate/issue-7")!;
  return {
    repo,
    side,
    host,
    receive,
    comment,
    time,
    label,
    complete,
    say,
    review,
    button,
    tick,
    state,
    dispatched,
    check,
    dashboard,
    head,
  };
}
