import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { createTestOctokit } from "../../src/github/octokit.ts";
import { ConflictError, CorruptStateError, STATE_BRANCH } from "../../src/github/ports.ts";
import { StateStore } from "../../src/github/state-store.ts";
import { fakeRepo } from "../support/github/fake-repo.ts";
import { useGitHubMock } from "../support/github/mock-github.ts";
import { startExecution } from "./executions.ts";
import { serveAsLargeFiles } from "./large-files.ts";

const gh = useGitHubMock();
const ref = { owner: "o", repo: "r", issue: 12 };
const STATE = "executions/12/state.json";
const EVENTS = "executions/12/events.jsonl";

const GET_REF = "GET /repos/{owner}/{repo}/git/ref/{ref}";
const GET_COMMIT = "GET /repos/{owner}/{repo}/git/commits/{commit_sha}";
const GET_CONTENTS = "GET /repos/{owner}/{repo}/contents/{path}";
const POST_TREE = "POST /repos/{owner}/{repo}/git/trees";
const POST_COMMIT = "POST /repos/{owner}/{repo}/git/commits";
const PATCH_REF = "PATCH /repos/{owner}/{repo}/git/refs/{ref}";
const POST_REF = "POST /repos/{owner}/{repo}/git/refs";
const COMMIT_ON_BRANCH = "POST /graphql createCommitOnBranch";

/** Requests made while `fn` runs, by route. */
async function counted<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; counts: Record<string, number>; total: number }> {
  const before = gh.requests.length;
  const result = await fn();
  const counts: Record<string, number> = {};
  for (const r of gh.requests.slice(before)) counts[r.route ?? r.path] = (counts[r.route ?? r.path] ?? 0) + 1;
  return { result, counts, total: gh.requests.length - before };
}

function writes(): string[] {
  return gh.requests.filter((r) => r.method !== "GET").map((r) => r.route ?? r.path);
}

/** A repository whose state branch holds issue 12's execution (and another issue's files). */
function seeded(files: Record<string, string | null> = {}) {
  const x = startExecution();
  x.send({ type: "task_dispatched", task: "a", attempt: 1 });
  const repo = fakeRepo(gh);
  const git = repo.git;
  git.commitFiles(STATE_BRANCH, {
    "executions/7/state.json": "{}",
    [STATE]: `${JSON.stringify(x.state, null, 2)}\n`,
    [EVENTS]: x.events.map((e) => `${JSON.stringify(e)}\n`).join(""),
    ...files,
  });
  return { x, repo, git };
}

describe("StateStore.load", () => {
  it("returns undefined when the state branch does not exist (one request)", async () => {
    fakeRepo(gh);
    const { result, counts } = await counted(() => new StateStore(createTestOctokit()).load(ref));
    expect(result).toBeUndefined();
    expect(counts).toEqual({ [GET_REF]: 1 });
  });

  it("returns undefined when the issue has no execution on the branch", async () => {
    seeded();
    const store = new StateStore(createTestOctokit());
    expect(await store.load({ ...ref, issue: 99 })).toBeUndefined();
    // Cached as absent: the next load at the same head is the ref alone.
    const again = await counted(() => store.load({ ...ref, issue: 99 }));
    expect(again.result).toBeUndefined();
    expect(again.total).toBe(1);
  });

  it("reads state and events at the head; version is the head commit", async () => {
    const { x, git } = seeded();
    const store = new StateStore(createTestOctokit());
    const cold = await counted(() => store.load(ref));
    expect(cold.result?.state).toEqual(x.state);
    expect(cold.result?.events).toEqual(x.events);
    expect(cold.result?.version).toBe(git.head(STATE_BRANCH));
    expect(cold.counts).toEqual({ [GET_REF]: 1, [GET_CONTENTS]: 2 });
    // Contents are read at the commit, not at the branch name.
    const contents = gh.requests.filter((r) => r.route === GET_CONTENTS);
    expect(contents.map((r) => r.query.ref)).toEqual([cold.result?.version, cold.result?.version]);
  });

  it("reads no ref when the caller passes the head it read", async () => {
    const { x, git } = seeded();
    const store = new StateStore(createTestOctokit());
    const { result, counts } = await counted(() => store.load(ref, { head: git.head(STATE_BRANCH)! }));
    expect(result?.state).toEqual(x.state);
    expect(counts).toEqual({ [GET_CONTENTS]: 2 });
    const warm = await counted(() => store.load(ref, { head: git.head(STATE_BRANCH)! }));
    expect(warm.total).toBe(0);
    expect(warm.result?.version).toBe(git.head(STATE_BRANCH));
    expect(await store.load(ref, { head: null })).toBeUndefined();
  });

  it("costs one request at an unchanged head, and returns copies", async () => {
    const { x } = seeded();
    const store = new StateStore(createTestOctokit());
    const first = await store.load(ref);
    first!.state.status = "failed";
    first!.events.length = 0;
    const warm = await counted(() => store.load(ref));
    expect(warm.counts).toEqual({ [GET_REF]: 1 });
    expect(warm.result?.state).toEqual(x.state);
    expect(warm.result?.events).toHaveLength(x.events.length);
  });

  it("reads files over 1 MB through the blob API", async () => {
    const { x, repo } = seeded();
    serveAsLargeFiles(gh, repo);
    const { result, counts } = await counted(() => new StateStore(createTestOctokit()).load(ref));
    expect(result?.state).toEqual(x.state);
    expect(counts["GET /repos/{owner}/{repo}/git/blobs/{file_sha}"]).toBe(2);
  });

  it("reports corrupt JSON in state.json and writes nothing", async () => {
    seeded({ [STATE]: '{ "id": ' });
    const error = await new StateStore(createTestOctokit()).load(ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptStateError);
    expect((error as CorruptStateError).path).toBe(STATE);
    expect((error as Error).message).toMatch(/invalid JSON/);
    expect(writes()).toEqual([]);
  });

  it("reports a state of the wrong shape, naming the field", async () => {
    const x = startExecution();
    seeded({ [STATE]: JSON.stringify({ ...x.state, status: "dancing" }) });
    const error = await new StateStore(createTestOctokit()).load(ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptStateError);
    expect((error as Error).message).toMatch(/state\.json: not a valid execution state: status/);
    expect(writes()).toEqual([]);
  });

  it("reports a bad event line with its number", async () => {
    const x = startExecution();
    const lines = `${JSON.stringify(x.events[0])}\n{"id":"e2","at":1,"type":"nonsense"}\n`;
    seeded({ [EVENTS]: lines });
    const error = await new StateStore(createTestOctokit()).load(ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptStateError);
    expect((error as CorruptStateError).path).toBe(EVENTS);
    expect((error as Error).message).toMatch(/events\.jsonl: line 2: not a valid event/);
    expect(writes()).toEqual([]);
  });

  it("reports a line that is not JSON, and a log missing beside its state", async () => {
    seeded({ [EVENTS]: "not json\n" });
    await expect(new StateStore(createTestOctokit()).load(ref)).rejects.toThrow(/line 1: invalid JSON/);
    seeded({ [EVENTS]: null });
    await expect(new StateStore(createTestOctokit()).load(ref)).rejects.toThrow(/events\.jsonl: missing/);
    expect(writes()).toEqual([]);
  });
});

describe("StateStore.save", () => {
  it("creates the branch with an orphan commit for the first execution (3 requests after a load)", async () => {
    const { git } = fakeRepo(gh);
    const x = startExecution();
    const store = new StateStore(createTestOctokit());
    expect(await store.load(ref)).toBeUndefined();
    const { result: sha, counts } = await counted(() =>
      store.save(ref, { state: x.state, newEvents: x.events, version: undefined }),
    );
    expect(counts).toEqual({ [POST_TREE]: 1, [POST_COMMIT]: 1, [POST_REF]: 1 });
    expect(git.head(STATE_BRANCH)).toBe(sha);
    expect(git.commits.get(sha)!.parents).toEqual([]);
    expect(git.readFile(sha, STATE)).toBe(`${JSON.stringify(x.state, null, 2)}\n`);
    expect(git.readFile(sha, EVENTS)).toBe(x.events.map((e) => `${JSON.stringify(e)}\n`).join(""));
    const tree = gh.requests.find((r) => r.route === POST_TREE)!.body as {
      base_tree?: string;
      tree: unknown[];
    };
    expect(tree.base_tree).toBeUndefined();
    expect(tree.tree).toEqual([
      { path: STATE, mode: "100644", type: "blob", content: expect.any(String) },
      { path: EVENTS, mode: "100644", type: "blob", content: expect.any(String) },
      { path: "executions/12/finished", mode: "100644", type: "blob", content: "false\n" },
    ]);
    // What was saved is cached: loading it back is the ref alone.
    const back = await counted(() => store.load(ref));
    expect(back.total).toBe(1);
    expect(back.result).toEqual({ state: x.state, events: x.events, version: sha });
  });

  it("adds a new execution beside others: one GraphQL commit on the head where load found it missing", async () => {
    const { git } = seeded();
    const head = git.head(STATE_BRANCH)!;
    const other = { ...ref, issue: 13 };
    const x = startExecution(13);
    const store = new StateStore(createTestOctokit());
    expect(await store.load(other)).toBeUndefined();
    const { result: sha, counts } = await counted(() =>
      store.save(other, { state: x.state, newEvents: x.events, version: undefined }),
    );
    expect(counts).toEqual({ [COMMIT_ON_BRANCH]: 1 });
    const input = (gh.requests.at(-1)!.body as { variables: { input: Record<string, unknown> } }).variables
      .input;
    expect(input).toMatchObject({ expectedHeadOid: head });
    expect(git.commits.get(sha)!.parents).toEqual([head]);
    expect(JSON.parse(git.readFile(sha, "executions/13/state.json")!)).toEqual(x.state);
    expect(git.readFile(sha, STATE)).toBe(git.readFile(head, STATE));
    expect((await store.load(other))?.version).toBe(sha);
  });

  it("a new execution: ConflictError when the branch moved since it was found missing, or when it exists", async () => {
    const { git } = seeded();
    const other = { ...ref, issue: 13 };
    const x = startExecution(13);
    const store = new StateStore(createTestOctokit());
    expect(await store.load(other)).toBeUndefined();
    // Another process starts the same execution in between.
    git.commitFiles(STATE_BRANCH, {
      "executions/13/state.json": `${JSON.stringify(x.state)}\n`,
      "executions/13/events.jsonl": x.events.map((e) => `${JSON.stringify(e)}\n`).join(""),
    });
    const save = () => store.save(other, { state: x.state, newEvents: x.events, version: undefined });
    await expect(save()).rejects.toBeInstanceOf(ConflictError);
    // Saved without a load before it: the execution is found at the head, and nothing is written.
    const head = git.head(STATE_BRANCH);
    await expect(save()).rejects.toThrow(/o\/r#13: the execution was created meanwhile/);
    expect(git.head(STATE_BRANCH)).toBe(head);
  });

  it("a first execution whose branch was created meanwhile: ConflictError, then committed on that branch", async () => {
    const { git } = fakeRepo(gh);
    const x = startExecution();
    const store = new StateStore(createTestOctokit());
    expect(await store.load(ref)).toBeUndefined();
    const created = git.commitFiles(STATE_BRANCH, { "executions/7/state.json": "{}" }).sha;
    const save = () => store.save(ref, { state: x.state, newEvents: x.events, version: undefined });
    await expect(save()).rejects.toThrow(/branch was created meanwhile/);
    // Reloaded (as the orchestrator does on a conflict), the save lands on the new branch.
    expect(await store.load(ref)).toBeUndefined();
    const sha = await save();
    expect(git.commits.get(sha)!.parents).toEqual([created]);
    expect(git.readFile(sha, "executions/7/state.json")).toBe("{}");
    expect(JSON.parse(git.readFile(sha, STATE)!)).toEqual(x.state);
  });

  it("appends to the log in one GraphQL commit whose expected head is the version (1 request after a load)", async () => {
    const { x, git } = seeded();
    const store = new StateStore(createTestOctokit());
    const loaded = (await store.load(ref))!;
    const added = x.send(
      { type: "task_started", task: "a", attempt: 1 },
      { type: "task_succeeded", task: "a", attempt: 1 },
    );
    const { result: sha, counts } = await counted(() =>
      store.save(ref, { state: x.state, newEvents: added, version: loaded.version }),
    );
    expect(counts).toEqual({ [COMMIT_ON_BRANCH]: 1 });
    const input = (gh.requests.at(-1)!.body as { variables: { input: Record<string, unknown> } }).variables
      .input;
    expect(input).toMatchObject({
      branch: { repositoryNameWithOwner: "o/r", branchName: STATE_BRANCH },
      expectedHeadOid: loaded.version,
      message: { headline: "orchestrate #12: task_started, task_succeeded" },
    });
    expect(git.head(STATE_BRANCH)).toBe(sha);
    expect(git.commits.get(sha)!.parents).toEqual([loaded.version]);
    expect(git.readFile(sha, EVENTS)).toBe(x.events.map((e) => `${JSON.stringify(e)}\n`).join(""));
    expect(JSON.parse(git.readFile(sha, STATE)!)).toEqual(x.state);
    // The other execution's files are kept.
    expect(git.readFile(sha, "executions/7/state.json")).toBe("{}");
    const back = await counted(() => store.load(ref));
    expect(back.total).toBe(1);
    expect(back.result?.events).toEqual(x.events);
    expect(back.result?.version).toBe(sha);
  });

  it("fails with ConflictError when the branch moved (stale expected head), and writes nothing", async () => {
    const { x, git } = seeded();
    const store = new StateStore(createTestOctokit());
    const loaded = (await store.load(ref))!;
    const moved = git.commitFiles(STATE_BRANCH, { "executions/8/state.json": "{}" }).sha;
    const added = x.send({ type: "task_started", task: "a", attempt: 1 });
    const save = store.save(ref, { state: x.state, newEvents: added, version: loaded.version });
    await expect(save).rejects.toBeInstanceOf(ConflictError);
    await expect(save).rejects.toThrow(/moved since .*Expected branch to point to/);
    expect(git.head(STATE_BRANCH)).toBe(moved);
    // Reload and re-apply: the save then goes through.
    const again = (await store.load(ref))!;
    expect(again.version).toBe(moved);
    const sha = await store.save(ref, { state: x.state, newEvents: added, version: again.version });
    expect(git.commits.get(sha)!.parents).toEqual([moved]);
    expect(git.readFile(sha, "executions/8/state.json")).toBe("{}");
  });

  it("reports any other GraphQL failure with the permission it needs, not as a conflict", async () => {
    const { x } = seeded();
    const store = new StateStore(createTestOctokit());
    const loaded = (await store.load(ref))!;
    gh.onGraphQL("createCommitOnBranch", () => {
      throw new Error("Resource not accessible by integration");
    });
    const save = store.save(ref, { state: x.state, newEvents: [], version: loaded.version });
    await expect(save).rejects.not.toBeInstanceOf(ConflictError);
    await expect(save).rejects.toThrow(/commit the state to orchestrate-state.*contents: write/s);
  });

  /** A client whose GraphQL answers are lost: the request reaches GitHub, the caller sees a 502. */
  const answerLost = () =>
    createTestOctokit({
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        return String(url).endsWith("/graphql") ? new Response("Bad Gateway", { status: 502 }) : response;
      },
    });

  it("takes a save whose answer was lost as done when the head is its commit", async () => {
    const { x, git } = seeded();
    const store = new StateStore(answerLost());
    const loaded = (await store.load(ref))!;
    const added = x.send({ type: "task_started", task: "a", attempt: 1 });
    const sha = await store.save(ref, { state: x.state, newEvents: added, version: loaded.version });
    expect(git.head(STATE_BRANCH)).toBe(sha);
    expect(git.commits.get(sha)!.parents).toEqual([loaded.version]);
    expect(git.commits.get(sha)!.message).toMatch(/^orchestrate #12: task_started\n\nsave [0-9a-f-]{36}$/);
    // What it saved is cached like any save.
    const back = await counted(() => store.load(ref));
    expect(back.result?.events).toEqual(x.events);
    expect(back.counts).toEqual({ [GET_REF]: 1 });
  });

  it("fails (no conflict) when a save with no answer did not land, and reports a conflict when another did", async () => {
    const { x, git } = seeded();
    // GitHub fails the commit (nothing lands) and answers 502.
    gh.onGraphQL("createCommitOnBranch", () => {
      throw new Error("Something went wrong while executing your query");
    });
    const store = new StateStore(answerLost());
    const loaded = (await store.load(ref))!;
    const added = x.send({ type: "task_started", task: "a", attempt: 1 });
    const save = () => store.save(ref, { state: x.state, newEvents: added, version: loaded.version });
    const error = await save().catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/commit the state to orchestrate-state failed \(HTTP 502\)/);
    expect(writes()).toEqual([COMMIT_ON_BRANCH]);
    expect(git.head(STATE_BRANCH)).toBe(loaded.version);
    git.commitFiles(STATE_BRANCH, { "executions/8/state.json": "{}" }, "another writer");
    await expect(save()).rejects.toBeInstanceOf(ConflictError);
  });

  /**
   * A client whose first answer to a request `lost` picks is lost after the request reached
   * GitHub (a 502 comes back instead); `meanwhile` runs before that answer, as another writer.
   */
  const losing = (lost: (method: string, url: string) => boolean, meanwhile: () => void = () => {}) => {
    let done = false;
    return createTestOctokit({
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        if (done || !lost(String(init?.method ?? "GET").toUpperCase(), String(url))) return response;
        done = true;
        meanwhile();
        return new Response("Bad Gateway", { status: 502 });
      },
    });
  };

  it("takes a save whose answer was lost as done when another writer committed on top of it", async () => {
    const { x, git } = seeded();
    const store = new StateStore(
      losing(
        (_, url) => url.endsWith("/graphql"),
        () => git.commitFiles(STATE_BRANCH, { "executions/8/state.json": "{}" }, "another writer"),
      ),
    );
    const loaded = (await store.load(ref))!;
    const added = x.send({ type: "task_started", task: "a", attempt: 1 });
    const sha = await store.save(ref, { state: x.state, newEvents: added, version: loaded.version });
    // Its own commit, under the other writer's: the save landed (its effects are carried out).
    const head = git.head(STATE_BRANCH)!;
    expect(sha).not.toBe(head);
    expect(git.commits.get(head)!.parents).toEqual([sha]);
    expect(git.commits.get(sha)!.parents).toEqual([loaded.version]);
    expect(git.commits.get(sha)!.message).toMatch(/^orchestrate #12: task_started\n\nsave [0-9a-f-]{36}$/);
    expect(git.readFile(head, EVENTS)).toBe(x.events.map((e) => `${JSON.stringify(e)}\n`).join(""));
    // Nothing was written again.
    expect(writes()).toEqual([COMMIT_ON_BRANCH]);
  });

  it("a save whose answer was lost, under more writers than it walks back: a failure, not a conflict", async () => {
    const { x, git } = seeded();
    const store = new StateStore(
      losing(
        (_, url) => url.endsWith("/graphql"),
        () => {
          for (let i = 0; i < 11; i++)
            git.commitFiles(STATE_BRANCH, { [`executions/${30 + i}/state.json`]: "{}" });
        },
      ),
    );
    const loaded = (await store.load(ref))!;
    const added = x.send({ type: "task_started", task: "a", attempt: 1 });
    const error = await store
      .save(ref, { state: x.state, newEvents: added, version: loaded.version })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(
      /could not tell whether the state commit landed on orchestrate-state: .*moved more than 10 commits/,
    );
  });

  it("creates the state branch when the answer to creating it was lost: its own commit there is done", async () => {
    const { git } = fakeRepo(gh);
    const x = startExecution();
    const store = new StateStore(losing((method, url) => method === "POST" && url.endsWith("/git/refs")));
    expect(await store.load(ref)).toBeUndefined();
    const sha = await store.save(ref, { state: x.state, newEvents: x.events, version: undefined });
    expect(git.head(STATE_BRANCH)).toBe(sha);
    expect(JSON.parse(git.readFile(sha, STATE)!)).toEqual(x.state);
    expect(gh.countByRoute()[POST_REF]).toBe(1);
  });

  it("the answer to creating the state branch lost: a failure when nothing landed, a conflict when another writer created it", async () => {
    const { git } = fakeRepo(gh);
    const x = startExecution();
    // GitHub fails to create the branch (nothing lands) and answers 502.
    gh.on(POST_REF, () => [502, { message: "Server Error" }]);
    const save = (store: StateStore) =>
      store.save(ref, { state: x.state, newEvents: x.events, version: undefined }).catch((e: unknown) => e);
    const store = new StateStore(createTestOctokit());
    expect(await store.load(ref)).toBeUndefined();
    const error = await save(store);
    expect(error).not.toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/move the orchestrate-state branch to .* failed \(HTTP 502\)/);
    expect(gh.countByRoute()[POST_REF]).toBe(1);
    expect(git.head(STATE_BRANCH)).toBeUndefined();
    expect(await store.load(ref)).toBeUndefined();
    git.commitFiles(STATE_BRANCH, { "executions/7/state.json": "{}" }, "another writer");
    const conflict = await save(store);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as Error).message).toMatch(/branch was created meanwhile/);
  });

  it("reports a deleted state branch as a conflict (reload, then start over)", async () => {
    const { x, git } = seeded();
    const store = new StateStore(createTestOctokit());
    const loaded = (await store.load(ref))!;
    git.refs.delete(`refs/heads/${STATE_BRANCH}`);
    const save = store.save(ref, { state: x.state, newEvents: [], version: loaded.version });
    await expect(save).rejects.toBeInstanceOf(ConflictError);
    expect(await store.load(ref)).toBeUndefined();
  });

  describe("with the git data API (graphql: false)", () => {
    it("appends in one fast-forward commit (3 requests after a load)", async () => {
      const { x, git } = seeded();
      const store = new StateStore(createTestOctokit(), { graphql: false });
      const loaded = (await store.load(ref))!;
      const added = x.send({ type: "task_started", task: "a", attempt: 1 });
      const { result: sha, counts } = await counted(() =>
        store.save(ref, { state: x.state, newEvents: added, version: loaded.version }),
      );
      expect(counts).toEqual({ [GET_COMMIT]: 1, [POST_TREE]: 1, [POST_COMMIT]: 1, [PATCH_REF]: 1 });
      expect(gh.requests.find((r) => r.route === PATCH_REF)!.body).toEqual({ sha, force: false });
      expect(git.commits.get(sha)!.parents).toEqual([loaded.version]);
      expect(git.readFile(sha, "executions/7/state.json")).toBe("{}");
      // The tree of a commit it wrote is known: the next save is three requests.
      const more = x.send({ type: "task_succeeded", task: "a", attempt: 1 });
      const next = await counted(() => store.save(ref, { state: x.state, newEvents: more, version: sha }));
      expect(next.counts).toEqual({ [POST_TREE]: 1, [POST_COMMIT]: 1, [PATCH_REF]: 1 });
      expect(git.readFile(next.result, EVENTS)).toBe(x.events.map((e) => `${JSON.stringify(e)}\n`).join(""));
    });

    it("moves the branch when the answer was lost and another writer committed on top", async () => {
      const { x, git } = seeded();
      const store = new StateStore(
        losing(
          (method) => method === "PATCH",
          () => git.commitFiles(STATE_BRANCH, { "executions/8/state.json": "{}" }, "another writer"),
        ),
        { graphql: false },
      );
      const loaded = (await store.load(ref))!;
      const added = x.send({ type: "task_started", task: "a", attempt: 1 });
      const sha = await store.save(ref, { state: x.state, newEvents: added, version: loaded.version });
      const head = git.head(STATE_BRANCH)!;
      expect(git.commits.get(head)!.parents).toEqual([sha]);
      expect(git.commits.get(sha)!.parents).toEqual([loaded.version]);
      // Sent once: the move is not repeated after its answer was lost.
      expect(gh.countByRoute()[PATCH_REF]).toBe(1);
    });

    it("fails with ConflictError on 422 not a fast forward, and on a 409", async () => {
      const { x, git } = seeded();
      const store = new StateStore(createTestOctokit(), { graphql: false });
      const loaded = (await store.load(ref))!;
      const moved = git.commitFiles(STATE_BRANCH, { "executions/8/state.json": "{}" }).sha;
      const added = x.send({ type: "task_started", task: "a", attempt: 1 });
      const save = store.save(ref, { state: x.state, newEvents: added, version: loaded.version });
      await expect(save).rejects.toBeInstanceOf(ConflictError);
      await expect(save).rejects.toThrow(/not a fast forward/);
      expect(git.head(STATE_BRANCH)).toBe(moved);
      gh.on(PATCH_REF, () => [409, { message: "Reference update failed" }]);
      const again = (await store.load(ref))!;
      await expect(
        store.save(ref, { state: x.state, newEvents: [], version: again.version }),
      ).rejects.toBeInstanceOf(ConflictError);
    });
  });

  it("reads the old log when saving at a version it never loaded (3 requests)", async () => {
    const { x, git } = seeded();
    const version = git.head(STATE_BRANCH)!;
    const added = x.send({ type: "task_started", task: "a", attempt: 1 });
    const { result: sha, counts } = await counted(() =>
      new StateStore(createTestOctokit()).save(ref, { state: x.state, newEvents: added, version }),
    );
    expect(counts).toEqual({ [GET_CONTENTS]: 2, [COMMIT_ON_BRANCH]: 1 });
    expect(git.readFile(sha, EVENTS)).toBe(x.events.map((e) => `${JSON.stringify(e)}\n`).join(""));
  });

  it("never appends to a corrupt log it did not load", async () => {
    const { git } = seeded({ [EVENTS]: "garbage\n" });
    const x = startExecution();
    const save = new StateStore(createTestOctokit()).save(ref, {
      state: x.state,
      newEvents: x.events,
      version: git.head(STATE_BRANCH),
    });
    await expect(save).rejects.toBeInstanceOf(CorruptStateError);
    expect(writes()).toEqual([]);
  });

  it("uploads a large log as a blob instead of inline", async () => {
    const { x, git } = seeded();
    const store = new StateStore(createTestOctokit(), { inlineLimit: 200 });
    const loaded = (await store.load(ref))!;
    const added = x.send({ type: "task_started", task: "a", attempt: 1 });
    const { result: sha, counts } = await counted(() =>
      store.save(ref, { state: x.state, newEvents: added, version: loaded.version }),
    );
    expect(counts["POST /repos/{owner}/{repo}/git/blobs"]).toBe(2);
    expect(git.readFile(sha, EVENTS)).toBe(x.events.map((e) => `${JSON.stringify(e)}\n`).join(""));
  });

  it("lists the executions a tick concerns: not those finished (known from the tree alone)", async () => {
    const { git } = seeded();
    const store = new StateStore(createTestOctokit());
    // Issue 7 is stored as executions were before the `finished` file: it is listed.
    const running = startExecution(20);
    const done = startExecution(21);
    const finished = { ...done.state, status: "succeeded" as const, finished_at: done.state.created_at + 1 };
    let version = git.head(STATE_BRANCH);
    version = await store.save(
      { ...ref, issue: 20 },
      { state: running.state, newEvents: running.events, version },
    );
    version = await store.save({ ...ref, issue: 21 }, { state: finished, newEvents: done.events, version });
    expect(git.readFile(STATE_BRANCH, "executions/21/finished")).toBe("true\n");
    const listed = await counted(() => store.list(ref));
    expect(listed.result).toEqual([7, 12, 20]);
    expect(listed.counts).toEqual({ [GET_REF]: 1, "GET /repos/{owner}/{repo}/git/trees/{tree_sha}": 1 });
    // A retry makes it unfinished again: listed again.
    await store.save({ ...ref, issue: 21 }, { state: done.state, newEvents: [], version });
    expect(await store.list(ref)).toEqual([7, 12, 20, 21]);
  });

  it("keeps two executions on one branch apart", async () => {
    fakeRepo(gh);
    const store = new StateStore(createTestOctokit());
    const a = startExecution(12);
    const b = startExecution(13);
    const v1 = await store.save(ref, { state: a.state, newEvents: a.events, version: undefined });
    const v2 = await store.save({ ...ref, issue: 13 }, { state: b.state, newEvents: b.events, version: v1 });
    const loadedA = await counted(() => store.load(ref));
    // Issue 12's files were carried over to the commit that saved issue 13: no re-read.
    expect(loadedA.total).toBe(1);
    expect(loadedA.result).toEqual({ state: a.state, events: a.events, version: v2 });
    expect((await store.load({ ...ref, issue: 13 }))?.state).toEqual(b.state);
  });
});

describe("StateStore memory", () => {
  /** The heap in use after a full collection. */
  function heapUsed(): number {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  }

  it("keeps one copy of an execution's log, not one per cached commit, with no more requests", async () => {
    const x = startExecution(12);
    const y = startExecution(13);
    // A long execution: about 480 KB of events (within the inline limit: one GraphQL commit a save).
    for (let i = 0; i < 1200; i++)
      x.send({ type: "task_dispatched", task: "a", attempt: 1, ref: `actions/runs/${i}${"x".repeat(300)}` });
    const log = x.events.map((e) => `${JSON.stringify(e)}\n`).join("");
    const repo = fakeRepo(gh);
    repo.git.commitFiles(STATE_BRANCH, { [STATE]: `${JSON.stringify(x.state, null, 2)}\n`, [EVENTS]: log });
    const before = heapUsed();
    let store: StateStore | undefined = new StateStore(createTestOctokit());
    let loaded = await store.load(ref);
    let version = await store.save(
      { ...ref, issue: 13 },
      { state: y.state, newEvents: y.events, version: loaded!.version },
    );
    const cycles = await counted(async () => {
      for (let i = 0; i < 24; i++) {
        // Saves of another execution in between carry this one's files over from commit to commit.
        const added = x.send({ type: "task_dispatched", task: "a", attempt: 1, ref: `actions/runs/z${i}` });
        loaded = await store!.load(ref);
        version = await store!.save(ref, { state: x.state, newEvents: added, version: loaded!.version });
        if (i % 4 === 0) {
          const other = y.send({ type: "task_dispatched", task: "b", attempt: 1, ref: `actions/runs/y${i}` });
          version = await store!.save({ ...ref, issue: 13 }, { state: y.state, newEvents: other, version });
        }
      }
    });
    // Each load reads the ref alone, each save is one GraphQL commit: no file is read again.
    expect(cycles.counts).toEqual({ [GET_REF]: 24, [COMMIT_ON_BRANCH]: 30 });
    expect((await store.load(ref))!.events).toEqual(x.events);
    loaded = undefined;
    const kept = heapUsed();
    store = undefined;
    const held = kept - heapUsed();
    // One parsed copy of a 480 KB log is a few MB; a copy per cached commit was about 10 MB.
    expect(log.length).toBeGreaterThan(450_000);
    expect(held).toBeLessThan(6_000_000);
    expect(kept).toBeGreaterThan(before);
  }, 60_000);
});
