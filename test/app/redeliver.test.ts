import { describe, expect, it } from "vitest";
import { orchestrateApp } from "../../src/app/app.ts";
import { VirtualClock } from "../../src/engine/virtual-clock.ts";
import { useGitHubMock } from "../support/github/index.ts";
import { testProbot } from "../support/github/probot.ts";

const gh = useGitHubMock();
const NOW = Date.parse("2026-11-22T12:00:00Z");
const LIST = "GET /app/hook/deliveries";
const REDELIVER = "POST /app/hook/deliveries/{delivery_id}/attempts";

/** A delivery as GitHub lists it, `minutes` before NOW. */
function delivery(
  id: number,
  guid: string,
  minutes: number,
  status_code: number,
  event = "issue_comment",
  action = "created",
) {
  return {
    id,
    guid,
    delivered_at: new Date(NOW - minutes * 60_000).toISOString().replace(".000Z", "Z"),
    redelivery: false,
    duration: 0.1,
    status:
      status_code === 0
        ? "failed to connect to host"
        : status_code < 400
          ? "OK"
          : "Invalid HTTP Response: 503",
    status_code,
    event,
    action,
    installation_id: 12345,
    repository_id: 1,
    throttled_at: null,
  };
}

/** Serves `deliveries` (newest first) in pages of `size`, with GitHub's cursor `link` header. */
function serveDeliveries(deliveries: ReturnType<typeof delivery>[], size: number) {
  gh.on(LIST, ({ query }) => {
    const start = Number(query.cursor ?? 0);
    const page = deliveries.slice(start, start + size);
    const next = start + size < deliveries.length;
    const link = `<https://api.github.com/app/hook/deliveries?per_page=100&cursor=${start + size}>; rel="next"`;
    const headers: Record<string, string> = next ? { link } : {};
    return [200, page, headers];
  });
  const asked: number[] = [];
  gh.on(REDELIVER, ({ params }) => {
    asked.push(Number(params.delivery_id));
    return [202, {}];
  });
  return asked;
}

async function host(options: Parameters<typeof orchestrateApp>[0] = {}) {
  const clock = new VirtualClock(NOW);
  const { app, host } = orchestrateApp({ tickMs: 0, clock, ...options });
  await testProbot().load(app);
  return { host: host(), clock };
}

describe("redelivery of failed webhook deliveries", () => {
  it("asks again, oldest first, for every event none of whose deliveries succeeded, within the window", async () => {
    const asked = serveDeliveries(
      [
        delivery(9, "g-late-ok", 5, 200),
        delivery(8, "g-lost", 10, 0), // the app was down: connection refused
        delivery(7, "g-retried", 20, 200), // failed first, then redelivered by someone: fine
        delivery(6, "g-retried", 30, 502),
        delivery(5, "g-503", 40, 503),
        delivery(4, "g-lost", 60, 504), // an earlier attempt of g-lost
        delivery(3, "g-too-old", 25 * 60, 0), // before the 24 h window: not read further
        delivery(2, "g-older", 26 * 60, 0),
        delivery(1, "g-oldest", 27 * 60, 0),
      ],
      4,
    );
    const { host: h } = await host();
    const report = await h.redeliver();
    expect(report).toEqual({ read: 6, redelivered: ["g-503", "g-lost"], refused: [] });
    // The latest failed attempt of each lost event is the one redelivered.
    expect(asked).toEqual([5, 8]);
    // Pages stop at the window: the third page (older deliveries) is never requested.
    expect(gh.requests.filter((r) => r.route === LIST).map((r) => r.query.cursor ?? "first")).toEqual([
      "first",
      "4",
    ]);
    expect(gh.problems()).toEqual([]);
  });

  it("never asks twice for the same event, and the next look starts where the last one ended", async () => {
    const deliveries = [delivery(8, "g-lost", 10, 0)];
    const asked = serveDeliveries(deliveries, 100);
    const { host: h, clock } = await host();
    await h.redeliver();
    // GitHub's redelivery failed again (still down); a new event failed meanwhile.
    await clock.sleep(30 * 60_000);
    deliveries.unshift(delivery(11, "g-new", -25, 0), delivery(10, "g-lost", -20, 503));
    const second = await h.redeliver();
    expect(second!.redelivered).toEqual(["g-new"]);
    expect(asked).toEqual([8, 11]);
  });

  it("one look at a time: a look asked for while one runs (a tick during a slow look) reads nothing more", async () => {
    const asked = serveDeliveries([delivery(8, "g-lost", 10, 0)], 100);
    const { host: h } = await host();
    const [first, second] = await Promise.all([h.redeliver(), h.redeliver()]);
    expect(second).toBe(first);
    expect(gh.requests.filter((r) => r.route === LIST)).toHaveLength(1);
    expect(asked).toEqual([8]);
    // Once it is done, the next look runs.
    await h.redeliver();
    expect(gh.requests.filter((r) => r.route === LIST)).toHaveLength(2);
  });

  it("reports GitHub's refusals and goes on; a failed listing is logged, not thrown; 0 hours turns it off", async () => {
    serveDeliveries([delivery(8, "g-a", 10, 0), delivery(7, "g-b", 11, 0)], 100);
    gh.on(REDELIVER, ({ params }) =>
      params.delivery_id === "7" ? [422, { message: "Validation Failed" }] : [202, {}],
    );
    const { host: h } = await host();
    const report = await h.redeliver();
    expect(report!.redelivered).toEqual(["g-a"]);
    expect(report!.refused).toEqual([{ guid: "g-b", error: expect.stringContaining("Validation Failed") }]);

    gh.on(LIST, () => [401, { message: "A JSON web token could not be decoded" }]);
    const { host: broken } = await host();
    await expect(broken.redeliver()).resolves.toBeUndefined();

    const before = gh.requests.length;
    const { host: off } = await host({ redeliverHours: 0 });
    await expect(off.redeliver()).resolves.toBeUndefined();
    expect(gh.requests.length).toBe(before);
  });
  it("asks only for events the app handles; a redirect is not a delivery", async () => {
    const asked = serveDeliveries(
      [
        delivery(9, "g-own-check", 2, 0, "check_run", "completed"), // caused by the app's own edits
        delivery(8, "g-label", 3, 0, "issues", "labeled"),
        delivery(7, "g-opened", 4, 0, "issues", "opened"),
        delivery(6, "g-moved", 5, 301, "issue_comment", "created"),
      ],
      100,
    );
    const { host: h } = await host();
    expect((await h.redeliver())!.redelivered).toEqual(["g-moved", "g-label"]);
    expect(asked).toEqual([6, 8]);
  });

  it("lost events beyond the cap, and redeliveries GitHub refused for now, are asked for at the next look", async () => {
    const deliveries = Array.from({ length: 60 }, (_, i) => delivery(1000 - i, `g${i}`, 15 + i, 0));
    const asked = serveDeliveries(deliveries, 100);
    let n = 0;
    gh.on(REDELIVER, ({ params }) => {
      asked.push(Number(params.delivery_id));
      return n++ === 0 ? [502, { message: "Server Error" }] : [202, {}];
    });
    const { host: h, clock } = await host();
    const first = (await h.redeliver())!;
    expect(first.redelivered).toHaveLength(49);
    expect(first.refused).toEqual([{ guid: "g59", error: expect.stringContaining("Server Error") }]);
    await clock.sleep(5 * 60_000);
    const second = (await h.redeliver())!;
    // The oldest first: the refused one, then the 10 beyond the cap.
    expect(second.redelivered).toEqual(["g59", ...Array.from({ length: 10 }, (_, i) => `g${9 - i}`)]);
    expect(new Set(asked).size).toBe(60);
  });
});
