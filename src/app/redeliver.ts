import { messageOf, statusOf } from "../github/errors.ts";
import type { GitHubClient } from "../github/octokit.ts";

/** One webhook delivery as `GET /app/hook/deliveries` lists it (the fields used here). */
interface Delivery {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
  event: string;
  action?: string | null;
}

export interface RedeliveryOptions {
  /** Deliveries made before this time (epoch ms) are not looked at. */
  since: number;
  /** Events (delivery GUIDs) already asked for again by this process: never asked twice. */
  asked: Set<string>;
  /** Whether the app handles an event (`issues`, `labeled`): others are not asked for. Default: all. */
  handles?: (event: string, action: string | undefined) => boolean;
  /** At most this many redeliveries per call (default 50), so a long outage does not hit the secondary rate limit. */
  max?: number;
}

export interface RedeliveryReport {
  /** Deliveries read. */
  read: number;
  /** GUIDs of the events asked for again. */
  redelivered: string[];
  /** Events whose redelivery GitHub refused, with why. */
  refused: { guid: string; error: string }[];
  /**
   * When the oldest lost event still to ask for was delivered (epoch ms): beyond the cap, or
   * refused for now (5xx, rate limit). The next look must reach back to it.
   */
  oldestLeft?: number;
}

/** GitHub follows no redirect: only a 2xx answer means the app got the event. */
const ok = (d: Delivery) => d.status_code >= 200 && d.status_code < 300;

/**
 * GitHub does not retry a webhook it could not deliver (the app was down, restarting, or answered
 * 5xx): those events are lost unless asked for again. Reads the app's deliveries newest first back
 * to `since`, and asks GitHub to deliver again every event none of whose deliveries succeeded.
 * Redelivered events keep their GUID, which the app's event ids derive from, so an event that was
 * in fact handled changes nothing. Needs the app's own authentication (JWT), no permission.
 */
export async function redeliverFailed(
  app: GitHubClient,
  options: RedeliveryOptions,
): Promise<RedeliveryReport> {
  const byGuid = new Map<string, { succeeded: boolean; latest: Delivery }>();
  let read = 0;
  try {
    const pages = app.paginate.iterator("GET /app/hook/deliveries", { per_page: 100 });
    scan: for await (const page of pages) {
      for (const d of page.data as Delivery[]) {
        if (Date.parse(d.delivered_at) < options.since) break scan;
        read++;
        if (options.handles && !options.handles(d.event, d.action ?? undefined)) continue;
        const seen = byGuid.get(d.guid);
        // Newest first: the first delivery seen of an event is its latest attempt.
        if (!seen) byGuid.set(d.guid, { succeeded: ok(d), latest: d });
        else if (ok(d)) seen.succeeded = true;
      }
    }
  } catch (error) {
    const status = statusOf(error);
    throw new Error(
      `GitHub: list the app's webhook deliveries failed${status ? ` (HTTP ${status})` : ""}: ${messageOf(error)}. This uses the app's own credentials (APP_ID and PRIVATE_KEY), not an installation's.`,
      { cause: error },
    );
  }
  const report: RedeliveryReport = { read, redelivered: [], refused: [] };
  const max = options.max ?? 50;
  // Oldest first, so events arrive again in the order they happened.
  const lost = [...byGuid.entries()]
    .filter(([guid, e]) => !e.succeeded && !options.asked.has(guid))
    .reverse();
  const left = (d: Delivery) => {
    const at = Date.parse(d.delivered_at);
    report.oldestLeft = Math.min(report.oldestLeft ?? at, at);
  };
  for (const [i, [guid, { latest }]] of lost.entries()) {
    if (i >= max) {
      left(latest);
      continue;
    }
    try {
      await app.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
        delivery_id: latest.id,
        request: { retries: 0 },
      });
      options.asked.add(guid);
      report.redelivered.push(guid);
    } catch (error) {
      report.refused.push({ guid, error: error instanceof Error ? error.message : String(error) });
      const status = statusOf(error);
      // Refused for now: asked again next time; refused for good (too old, say): never again.
      if (status === undefined || status >= 500 || status === 429) left(latest);
      else options.asked.add(guid);
    }
  }
  return report;
}
