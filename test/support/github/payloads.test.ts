import { describe, expect, it } from "vitest";
import { availableExamples, examplePayload, TEST_INSTALLATION_ID, withPatch } from "./payloads.ts";

describe("examplePayload", () => {
  const documented: Array<[Parameters<typeof examplePayload>[0], string | undefined]> = [
    ["issues", "opened"],
    ["issues", "labeled"],
    ["issues", "unlabeled"],
    ["issues", "edited"],
    ["issues", "reopened"],
    ["issue_comment", "created"],
    ["issue_comment", "edited"],
    ["issue_comment", "deleted"],
    ["pull_request", "opened"],
    ["pull_request", "synchronize"],
    ["pull_request", "closed"],
    ["pull_request_review", "submitted"],
    ["pull_request_review", "dismissed"],
    ["check_run", "created"],
    ["check_run", "completed"],
    ["check_run", "requested_action"],
    ["check_run", "rerequested"],
    ["check_suite", "completed"],
    ["check_suite", "requested"],
    ["workflow_job", "queued"],
    ["workflow_job", "in_progress"],
    ["workflow_job", "completed"],
    ["workflow_run", "requested"],
    ["workflow_run", "completed"],
    ["workflow_dispatch", undefined],
    ["push", undefined],
    ["create", undefined],
    ["delete", undefined],
    ["status", undefined],
    ["repository_dispatch", "on-demand-test"],
    ["deployment", "created"],
    ["deployment_status", "created"],
    ["installation", "created"],
    ["installation", "deleted"],
    ["installation_repositories", "added"],
    ["label", "created"],
    ["ping", undefined],
  ];

  it.each(documented)("has a real %s.%s example, with the test installation", (event, action) => {
    const payload = examplePayload(event, action) as { action?: string; installation: { id: number } };
    expect(payload.action).toBe(action);
    expect(payload.installation.id).toBe(TEST_INSTALLATION_ID);
  });

  it("lists what is not there, as the doc comment says", () => {
    const all = availableExamples();
    expect(all.issues).not.toContain("closed");
    expect(all.pull_request_review).not.toContain("edited");
    expect(all.workflow_run).not.toContain("in_progress");
    expect(() => examplePayload("issues", "closed")).toThrow(
      /no example #0 for issues.closed \(0 found\); actions with examples: .*labeled/,
    );
  });

  it("returns the real example, a fresh deep copy each time", () => {
    const labeled = examplePayload("issues", "labeled");
    expect(labeled.label?.name).toEqual(expect.any(String));
    expect(labeled.issue.number).toEqual(expect.any(Number));
    expect(labeled.repository.owner.login).toEqual(expect.any(String));
    labeled.issue.number = -1;
    expect(examplePayload("issues", "labeled").issue.number).not.toBe(-1);
    expect(examplePayload("issues", "labeled", 1)).not.toEqual(examplePayload("issues", "labeled", 0));
  });

  it("is typed by the action where the types know it", () => {
    const action = examplePayload("check_run", "requested_action");
    expect(action.requested_action?.identifier).toEqual(expect.any(String));
    const review = examplePayload("pull_request_review", "submitted");
    expect(review.review.state).toEqual(expect.any(String));
    const dispatch = examplePayload("repository_dispatch", "on-demand-test");
    expect(dispatch.client_payload).toBeDefined();
  });

  it("selects by index among examples of the action", () => {
    const count = availableExamples().check_run!.filter((a) => a === "completed").length;
    expect(count).toBeGreaterThan(1);
    expect(() => examplePayload("check_run", "completed", count)).toThrow(`no example #${count}`);
  });
});

describe("withPatch", () => {
  it("deep-merges objects, replaces arrays and scalars, removes keys set to undefined, copies", () => {
    const original = examplePayload("issues", "labeled");
    const patched = withPatch(original, {
      label: { name: "orchestrate" },
      issue: { number: 7, labels: [], body: undefined },
    });
    expect(patched.label?.name).toBe("orchestrate");
    expect(patched.label?.color).toBe(original.label?.color);
    expect(patched.issue.number).toBe(7);
    expect(patched.issue.labels).toEqual([]);
    expect("body" in patched.issue).toBe(false);
    expect(patched.issue.title).toBe(original.issue.title);
    expect(patched.installation.id).toBe(TEST_INSTALLATION_ID);
    expect(original.label?.name).not.toBe("orchestrate");
    expect(patched.repository).not.toBe(original.repository);
  });

  it("adjusts a comment body", () => {
    const comment = withPatch(examplePayload("issue_comment", "created"), {
      comment: { body: "/orchestrate approve" },
      issue: { number: 7 },
    });
    expect(comment.comment.body).toBe("/orchestrate approve");
    expect(comment.issue.number).toBe(7);
  });
});
