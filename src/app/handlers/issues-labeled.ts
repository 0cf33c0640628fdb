import type { Context } from "probot";
import type { AppHost } from "../host.ts";

/** `issues.labeled` with the orchestrate label: start an execution. */
export function onIssueLabeled(host: AppHost) {
  return async (context: Context<"issues.labeled">): Promise<void> => {
    const { payload } = context;
    if (payload.label?.name !== host.label || !payload.installation) return;
    const { owner, repo } = context.repo();
    void host.enqueue(
      payload.installation.id,
      { owner, repo, issue: payload.issue.number },
      {
        kind: "labeled",
        delivery: context.id,
        sender: payload.sender.login,
        author: payload.issue.user?.login ?? payload.sender.login,
        title: payload.issue.title,
        body: payload.issue.body ?? "",
      },
    );
  };
}
