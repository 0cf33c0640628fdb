import type { Context } from "probot";
import { ResultDispatchSchema } from "../../github/result-record.ts";
import type { AppHost } from "../host.ts";

/** `repository_dispatch` `orchestrate-result`: a task job committed its result. */
export function onRepositoryDispatch(host: AppHost) {
  return async (context: Context<"repository_dispatch">): Promise<void> => {
    const { payload } = context;
    if (payload.action !== "orchestrate-result" || !payload.installation) return;
    const parsed = ResultDispatchSchema.safeParse(payload.client_payload);
    if (!parsed.success) {
      context.log.warn(
        { issues: parsed.error.issues },
        "ignored an orchestrate-result dispatch with an invalid payload",
      );
      return;
    }
    const { owner, repo } = context.repo();
    void host.enqueue(
      payload.installation.id,
      { owner, repo, issue: parsed.data.issue },
      {
        kind: "result",
        delivery: context.id,
        result: parsed.data,
      },
    );
  };
}
