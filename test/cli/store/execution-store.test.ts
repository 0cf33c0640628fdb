import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExecutionStore } from "../../../src/cli/store/execution-store.ts";
import { OrchestrateError } from "../../../src/core/errors.ts";
import { EventSchema, type ExecutionEvent, reduce, replay } from "../../../src/core/state/index.ts";
import { filesIn, Recorder, tempRoot } from "./store-helpers.ts";

/** The OrchestrateError `fn` throws. */
function caught(fn: () => unknown): OrchestrateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OrchestrateError) return error;
    throw error;
  }
  throw new Error("expected an OrchestrateError");
}

function started(id = "x1") {
  const store = new ExecutionStore(tempRoot(), id);
  store.create();
  return new Recorder(store);
}

describe("ExecutionStore: folders", () => {
  it("creates an execution folder and refuses an existing id", () => {
    const root = join(tempRoot(), "nested", ".orchestrate");
    const store = new ExecutionStore(root, "x1");
    expect(store.exists()).toBe(false);
    store.create();
    expect(store.exists()).toBe(true);
    expect(store.dir).toBe(join(root, "x1"));
    expect(store.statePath).toBe(join(root, "x1", "state.json"));
    expect(store.eventsPath).toBe(join(root, "x1", "events.jsonl"));
    const error = caught(() => new ExecutionStore(root, "x1").create());
    expect(error.code).toBe("execution_exists");
    expect(error.message).toContain("x1");
  });

  it("rejects ids that are not plain folder names", () => {
    for (const id of ["../x", "a/b", "", ".hidden"]) {
      expect(caught(() => new ExecutionStore(tempRoot(), id)).code).toBe("execution_id_invalid");
    }
  });

  it("reports a missing execution on load", () => {
    const store = new ExecutionStore(tempRoot(), "nope");
    expect(caught(() => store.loadState()).code).toBe("execution_not_found");
    expect(caught(() => store.loadEvents()).code).toBe("execution_not_found");
  });

  it("names attempt folders with the task folder name", () => {
    const store = new ExecutionStore("/r", "x1");
    expect(store.taskDir("development/dev@backend", 2)).toBe(
      join("/r", "x1", "tasks", "development__dev@backend", "2"),
    );
  });
});

describe("ExecutionStore: append and load", () => {
  it("round-trips state and events", () => {
    const r = started();
    const state = r.start();
    expect(r.store.loadState()).toEqual(state);
    expect(r.store.loadEvents()).toEqual(r.events);
    const last = r.send({ type: "task_started", task: "build/a", attempt: 1 });
    expect(r.store.loadState()).toEqual(last);
    expect(r.store.loadEvents()).toEqual(r.events);
    const lines = readFileSync(r.store.eventsPath, "utf8").split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
  });

  it("rebuilds the stored state by replaying the stored events", () => {
    const r = started();
    const final = r.fullRun();
    expect(final.status).toBe("succeeded");
    const events = r.store.loadEvents();
    expect(events.length).toBeGreaterThan(8);
    expect(replay(events)).toEqual(r.store.loadState());
    expect(r.store.loadState()).toEqual(final);
  });

  it("leaves no temporary files behind", () => {
    const r = started();
    r.fullRun();
    expect(filesIn(r.store.dir)).toEqual(["events.jsonl", "state.json"]);
  });

  it("refuses a state of another execution", () => {
    const r = started("x1");
    const other = new ExecutionStore(r.store.root, "x2");
    other.create();
    const state = r.start();
    expect(caught(() => other.append(r.events[0]!, state)).code).toBe("state_mismatch");
  });
});

describe("ExecutionStore: corrupt state", () => {
  it("reports truncated JSON with its place, and leaves the file as it was", () => {
    const r = started();
    r.fullRun();
    const text = readFileSync(r.store.statePath, "utf8");
    writeFileSync(r.store.statePath, text.slice(0, 200));
    const before = readFileSync(r.store.statePath);
    const error = caught(() => r.store.loadState());
    expect(error.code).toBe("state_corrupt");
    expect(error.message).toContain(r.store.statePath);
    expect(error.message).toMatch(/invalid JSON: .*line \d+ column \d+/);
    expect(error.hint).toContain("orchestrate replay x1");
    expect(readFileSync(r.store.statePath).equals(before)).toBe(true);
  });

  it("reports a state of the wrong shape with the path of the problem", () => {
    const r = started();
    const state = r.start();
    const bad = {
      ...state,
      tasks: { ...state.tasks, "build/a": { ...state.tasks["build/a"], status: "lost" } },
    };
    const text = JSON.stringify(bad);
    writeFileSync(r.store.statePath, text);
    const error = caught(() => r.store.loadState());
    expect(error.code).toBe("state_corrupt");
    expect(error.message).toContain(r.store.statePath);
    expect(error.message).toContain("tasks.build/a.status");
    expect(readFileSync(r.store.statePath, "utf8")).toBe(text);
    writeFileSync(r.store.statePath, "[]");
    expect(caught(() => r.store.loadState()).message).toContain("not a valid execution state");
    writeFileSync(r.store.statePath, JSON.stringify({ ...state, id: "other" }));
    expect(caught(() => r.store.loadState()).message).toContain("holds execution other");
  });

  it("reports a missing state.json", () => {
    const store = new ExecutionStore(tempRoot(), "x1");
    store.create();
    expect(caught(() => store.loadState()).code).toBe("state_corrupt");
    expect(store.loadEvents()).toEqual([]);
  });
});

describe("ExecutionStore: corrupt events", () => {
  it("names the file and line of a bad event", () => {
    const r = started();
    r.fullRun();
    const lines = readFileSync(r.store.eventsPath, "utf8").split("\n");
    writeFileSync(
      r.store.eventsPath,
      [...lines.slice(0, 2), '{"id":"z","at":1,"type":"nope"}', ...lines.slice(2)].join("\n"),
    );
    const wrong = caught(() => r.store.loadEvents({ tolerateTornTail: true }));
    expect(wrong.code).toBe("events_corrupt");
    expect(wrong.message).toContain(`${r.store.eventsPath}:3: not a valid event`);
    writeFileSync(r.store.eventsPath, [...lines.slice(0, 3), '{"id":', ...lines.slice(3)].join("\n"));
    const broken = caught(() => r.store.loadEvents({ tolerateTornTail: true }));
    expect(broken.code).toBe("events_corrupt");
    expect(broken.message).toContain(`${r.store.eventsPath}:4: invalid JSON`);
  });

  it("reports a torn last line distinctly and ignores it only when asked", () => {
    const r = started();
    r.fullRun();
    const whole = readFileSync(r.store.eventsPath, "utf8");
    appendFileSync(r.store.eventsPath, '{"id":"e99","at":17000');
    const torn = caught(() => r.store.loadEvents());
    expect(torn.code).toBe("events_torn");
    expect(torn.message).toContain(`${r.store.eventsPath}:${r.events.length + 1}`);
    expect(r.store.loadEvents({ tolerateTornTail: true })).toEqual(r.events);
    expect(readFileSync(r.store.eventsPath, "utf8")).toBe(`${whole}{"id":"e99","at":17000`);
  });

  it("refuses to append after a torn line until it is dropped", () => {
    const r = started();
    r.start();
    appendFileSync(r.store.eventsPath, '{"id":"e2","at');
    const again = new Recorder(new ExecutionStore(r.store.root, r.store.id));
    again.state = r.state;
    expect(caught(() => again.send({ type: "task_started", task: "build/a", attempt: 1 })).code).toBe(
      "events_torn",
    );
    expect(again.store.dropTornTail()).toBe('{"id":"e2","at');
    expect(again.store.dropTornTail()).toBeUndefined();
    again.send({ type: "task_started", task: "build/a", attempt: 1 });
    expect(again.store.loadEvents().map((e) => e.type)).toEqual(["execution_started", "task_started"]);
  });

  it("keeps a whole last event that only lacks its line end", () => {
    const r = started();
    r.start();
    const text = readFileSync(r.store.eventsPath, "utf8");
    writeFileSync(r.store.eventsPath, text.trimEnd());
    expect(r.store.loadEvents()).toEqual(r.events);
    expect(r.store.dropTornTail()).toBeUndefined();
    expect(readFileSync(r.store.eventsPath, "utf8")).toBe(text);
  });
});

describe("ExecutionStore: a log that lost events", () => {
  /** A run stopped before its end (so commands still append), with a copy of its log. */
  function midway() {
    const r = started();
    r.start();
    r.send({ type: "task_started", task: "build/a", attempt: 1 });
    r.send({ type: "task_succeeded", task: "build/a", attempt: 1 });
    const text = readFileSync(r.store.eventsPath, "utf8");
    const state = readFileSync(r.store.statePath, "utf8");
    /** A store of the same execution, as the next command opens it. */
    const reopened = () => new ExecutionStore(r.store.root, r.store.id);
    const untouched = (log: string | undefined) => {
      expect(existsSync(r.store.eventsPath) ? readFileSync(r.store.eventsPath, "utf8") : undefined).toBe(log);
      expect(readFileSync(r.store.statePath, "utf8")).toBe(state);
    };
    return { r, text, reopened, untouched };
  }

  /** Records one more event through a new store, as `approve` or `resume` would. */
  function appendNext(store: ExecutionStore, r: Recorder): void {
    const event = EventSchema.parse({
      id: "next",
      at: 1_800_000_000_000,
      type: "task_started",
      task: "build/b",
      attempt: 1,
    }) as ExecutionEvent;
    const { state } = reduce(r.state, event);
    expect(state.seq).toBe(r.state!.seq + 1);
    store.append(event, state);
  }

  it("a log whose first line is gone is corrupt at line 1, for reading and writing, and is left as it is", () => {
    const { r, text, reopened, untouched } = midway();
    const damaged = text.split("\n").slice(1).join("\n");
    writeFileSync(r.store.eventsPath, damaged);
    for (const read of [
      () => reopened().loadEvents(),
      () => reopened().loadCurrentState(),
      () => reopened().loadCurrentState({ write: true }),
      () => appendNext(reopened(), r),
    ]) {
      const error = caught(read);
      expect(error.code).toBe("events_corrupt");
      expect(error.message).toBe(
        `${r.store.eventsPath}:1: the first event is task_started, not execution_started: the start of the log is missing`,
      );
      expect(error.hint).toContain("restore events.jsonl from a copy");
    }
    untouched(damaged);
    // The same line count as the state records (a line replaced) is caught as well.
    const replaced = [text.split("\n")[1], ...text.split("\n").slice(1)].join("\n");
    writeFileSync(r.store.eventsPath, replaced);
    expect(caught(() => reopened().loadCurrentState()).message).toContain(
      ":1: the first event is task_started",
    );
    untouched(replaced);
  });

  it("a missing log: nothing is appended (no new log starts with a later event), state.json is kept", () => {
    const { r, reopened, untouched } = midway();
    rmSync(r.store.eventsPath);
    for (const use of [() => reopened().loadCurrentState({ write: true }), () => appendNext(reopened(), r)]) {
      const error = caught(use);
      expect(error.code).toBe("events_corrupt");
      expect(error.message).toBe(
        `${r.store.eventsPath} is missing or empty, yet ${r.store.statePath} records 3 events: the execution's history is gone`,
      );
    }
    untouched(undefined);
    writeFileSync(r.store.eventsPath, "");
    expect(caught(() => appendNext(reopened(), r)).message).toContain("is missing or empty");
    untouched("");
  });

  it("a log with fewer events than the state records: refused before appending, with both counts", () => {
    const { r, text, reopened, untouched } = midway();
    const lines = text.split("\n");
    const shorter = [lines[0], ...lines.slice(2)].join("\n");
    writeFileSync(r.store.eventsPath, shorter);
    for (const use of [() => reopened().loadCurrentState({ write: true }), () => appendNext(reopened(), r)]) {
      const error = caught(use);
      expect(error.code).toBe("events_corrupt");
      expect(error.message).toBe(
        `${r.store.eventsPath} holds 2 events, but ${r.store.statePath} records 3: events are missing from the log`,
      );
      expect(error.hint).toContain("`orchestrate replay x1 --write`");
    }
    untouched(shorter);
    // Restored, the log takes the next event.
    writeFileSync(r.store.eventsPath, text);
    appendNext(reopened(), r);
    expect(reopened().loadEvents()).toHaveLength(4);
  });
});

describe("ExecutionStore: secret names", () => {
  it("keeps the names given with --secret, each once; a damaged file is refused, not read as none", () => {
    const r = started();
    expect(r.store.secretNames()).toEqual([]);
    r.store.addSecretNames(["A_TOKEN"]);
    r.store.addSecretNames(["A_TOKEN", "B_TOKEN"]);
    expect(r.store.secretNames()).toEqual(["A_TOKEN", "B_TOKEN"]);
    expect(readFileSync(r.store.secretNamesPath, "utf8")).toBe('["A_TOKEN","B_TOKEN"]\n');
    writeFileSync(r.store.secretNamesPath, '{"A_TOKEN": 1}');
    const damaged = caught(() => r.store.secretNames());
    expect(damaged.code).toBe("state_corrupt");
    expect(damaged.message).toBe(`${r.store.secretNamesPath} is not a JSON list of variable names`);
    expect(caught(() => r.store.addSecretNames(["C_TOKEN"])).code).toBe("state_corrupt");
    expect(readFileSync(r.store.secretNamesPath, "utf8")).toBe('{"A_TOKEN": 1}');
  });
});

describe("ExecutionStore.list and latest", () => {
  it("lists executions newest first, corrupt ones included", () => {
    const root = tempRoot();
    const now = Date.now();
    for (const [id, at] of [
      ["old", now - 30_000],
      ["new", now - 10_000],
      ["mid", now - 20_000],
    ] as const) {
      const store = new ExecutionStore(root, id);
      store.create();
      new Recorder(store, at).start();
    }
    const broken = new ExecutionStore(root, "broken");
    broken.create();
    writeFileSync(broken.statePath, "{");
    mkdirSync(join(root, "empty"));
    writeFileSync(join(root, "notes.txt"), "not an execution");
    const list = ExecutionStore.list(root);
    expect(list.map((e) => [e.id, e.status])).toEqual([
      ["broken", "corrupt"],
      ["new", "running"],
      ["mid", "running"],
      ["old", "running"],
    ]);
    expect(list[1]!.created_at).toBe(now - 10_000 + 1000);
    expect(list[1]!.updated_at).toBeGreaterThanOrEqual(list[1]!.created_at - 1000);
    expect(ExecutionStore.latest(root)).toBe("broken");
  });

  it("finds nothing under a missing or empty root", () => {
    expect(ExecutionStore.list(join(tempRoot(), "missing"))).toEqual([]);
    expect(ExecutionStore.latest(tempRoot())).toBeUndefined();
  });
});

describe("ExecutionStore: kept out of git", () => {
  it("a new state root gets a .gitignore of everything; an existing one is kept", () => {
    const root = join(tempRoot(), ".orchestrate");
    new ExecutionStore(root, "x1").create();
    expect(readFileSync(join(root, ".gitignore"), "utf8")).toMatch(/^\*$/m);
    writeFileSync(join(root, ".gitignore"), "mine\n");
    new ExecutionStore(root, "x2").create();
    expect(readFileSync(join(root, ".gitignore"), "utf8")).toBe("mine\n");
  });

  it("a root of earlier executions gets one; a folder holding anything else does not", () => {
    const root = join(tempRoot(), ".orchestrate");
    new Recorder(createdStore(root, "x1")).start();
    rmSync(join(root, ".gitignore"));
    new ExecutionStore(root, "x2").create();
    expect(readFileSync(join(root, ".gitignore"), "utf8")).toContain("*");
    // `--state-dir .` in a project: `*` there would ignore the project itself.
    const project = tempRoot();
    writeFileSync(join(project, "package.json"), "{}");
    new ExecutionStore(project, "x1").create();
    expect(existsSync(join(project, ".gitignore"))).toBe(false);
  });
});

function createdStore(root: string, id: string): ExecutionStore {
  const store = new ExecutionStore(root, id);
  store.create();
  return store;
}
