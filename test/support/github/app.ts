/**
 * The GitHub App on a fresh Probot, over a served repository (`Codertocat/Hello-World` with
 * `files`) and the fake issue side, for end-to-end app tests.
 */
import { orchestrateApp } from "../../../src/app/app.ts";
import { fakeIssueSide } from "./fake-issues.ts";
import { fakeRepo } from "./fake-repo.ts";
import type { GitHubMock } from "./mock-github.ts";
import { webhookEvent } from "./payloads.ts";
import { mockInstallationTokens, testProbot } from "./probot.ts";

/** The repository of the app tests, as payloads name it. */
export const REPOSITORY = { name: "Hello-World", owner: { login: "Codertocat" } };

/** Loads the app (no tick unless `options` say); `receive` delivers a webhook and waits until its work is done. */
export async function appOn(
  gh: GitHubMock,
  files: Record<string, string>,
  options: Parameters<typeof orchestrateApp>[0] = {},
) {
  mockInstallationTokens(gh);
  const repo = fakeRepo(gh, { owner: REPOSITORY.owner.login, repo: REPOSITORY.name, files });
  const side = fakeIssueSide(gh);
  const { app, host } = orchestrateApp({ tickMs: 0, ...options });
  const probot = testProbot();
  await probot.load(app);
  const receive = async (name: Parameters<typeof webhookEvent>[0], payload: object, id?: string) => {
    await probot.receive(webhookEvent(name, payload, id));
    await host().queue.idle();
  };
  return { repo, side, host, receive };
}
