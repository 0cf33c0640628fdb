// Business strategist. Discovery: breaks the request down into goals, scope, per-requirement acceptance
// criteria and a timeline that fits the deadline (requirements.md). Specification: writes the PRD with
// user stories per requirement (prd.md) and the numbered requirements baseline (requirements.md).
import { TOPICS } from "./knowledge.mjs";
import { count, deadlineDays, deadlineLine, main, requirementIds, table, unknownPhase } from "./lib.mjs";

await main((self) => {
  const { request } = self;
  const reqs = requirementIds(request);
  const days = deadlineDays(request.deadline_text);
  if (self.phase === "discovery") {
    self.write("requirements.md", discovery(request, reqs, days));
    self.share({ requirements: reqs });
    return self.done(
      `Broke "${request.project}" into ${count(reqs.length, "requirement")} with acceptance criteria`,
    );
  }
  if (self.phase === "specification") {
    const stories = reqs.flatMap((req) => storiesOf(req));
    self.write("prd.md", prd(request, reqs, days));
    self.write("requirements.md", baseline(request, reqs, stories));
    self.share({ requirements: reqs, stories: stories.map(({ id, req }) => ({ id, requirement: req.id })) });
    return self.done(
      `Wrote the PRD: ${count(stories.length, "user story", "user stories")} for ${count(reqs.length, "requirement")}`,
    );
  }
  throw unknownPhase(self);
});

function timeline(days) {
  const work = [
    ["Specification and design, approved at their gates", 0.25],
    ["Back-end and front-end modules with their tests", 0.75],
    ["Testing, security review, performance check, delivery", 1],
  ];
  if (!days) return "No deadline was given; the phases run back to back.";
  let start = 1;
  const rows = work.map(([what, until]) => {
    const end = Math.max(start, Math.min(days, Math.round(days * until)));
    const row = [start === end ? `Day ${start}` : `Days ${start}–${end}`, what];
    start = Math.min(days, end + 1);
    return row;
  });
  return table(["When", "Work"], rows);
}

function discovery(request, reqs, days) {
  const sections = reqs.map((req) => {
    const topic = TOPICS[req.feature];
    return [
      `### ${req.id}. ${req.text}`,
      "",
      `Maps to: ${topic.title}.`,
      "",
      "Acceptance criteria:",
      "",
      ...topic.criteria.map((c) => `- ${c}`),
    ].join("\n");
  });
  return [
    `# Requirements breakdown: ${request.project}`,
    "",
    "## Goals",
    "",
    `- Let visitors create an account and sign in to ${request.project} securely.`,
    ...reqs.map((req) => `- ${req.id}: ${TOPICS[req.feature].title} (requested as "${req.text}").`),
    `- Build on the requested stack: ${request.stack.join(", ") || "not specified"}.`,
    "",
    "## Scope",
    "",
    "In scope: the sign-up and sign-in flows, their API, their data and their tests.",
    "Out of scope: SMS codes, WebAuthn/passkeys, SAML single sign-on, admin consoles.",
    "",
    "## Requirements",
    "",
    ...sections.flatMap((s) => [s, ""]),
    "## Timeline",
    "",
    deadlineLine(request, days),
    "",
    timeline(days),
  ].join("\n");
}

function storiesOf(req) {
  const topic = TOPICS[req.feature];
  const stories = req.feature === "other" ? [["member", req.text, "the request is met"]] : topic.stories;
  return stories.map(([as, want, so], i) => ({ id: `US-${req.id.slice(1)}.${i + 1}`, req, as, want, so }));
}

function prd(request, reqs, days) {
  const password = TOPICS.password;
  const features = reqs.map((req) => {
    const lines = storiesOf(req).map(
      (s) => `- **${s.id}** As a ${s.as}, I want to ${s.want}, so that ${s.so}.`,
    );
    const criteria = TOPICS[req.feature].criteria.map((c) => `- [ ] ${c}`);
    return [`### ${req.id}. ${req.text}`, "", ...lines, "", "Acceptance criteria:", "", ...criteria].join(
      "\n",
    );
  });
  return [
    `# Product requirements: ${request.project}`,
    "",
    "## Problem",
    "",
    `Visitors need an account to use ${request.project}. Sign-up must be quick, and accounts must resist`,
    "password theft and fake addresses.",
    "",
    "## Baseline: password sign-up",
    "",
    ...password.stories.map(
      ([as, want, so], i) => `- **US-0.${i + 1}** As a ${as}, I want to ${want}, so that ${so}.`,
    ),
    "",
    ...password.criteria.map((c) => `- [ ] ${c}`),
    "",
    "## Features",
    "",
    ...features.flatMap((f) => [f, ""]),
    "## Non-functional requirements",
    "",
    "- Sign-up, login and 2FA endpoints answer within 300 ms at the 95th percentile under 50 requests/s.",
    "- Every authentication event is logged without secrets, codes or tokens.",
    "- The flow is usable with a keyboard and a screen reader (WCAG 2.1 AA).",
    "",
    "## Release",
    "",
    deadlineLine(request, days),
    `Stack: ${request.stack.join(" + ") || "not specified"}.`,
  ].join("\n");
}

function baseline(request, reqs, stories) {
  const rows = reqs.map((req) => [
    req.id,
    req.text,
    TOPICS[req.feature].title,
    stories
      .filter((s) => s.req === req)
      .map((s) => s.id)
      .join(", "),
    TOPICS[req.feature].operations.join(", ") || "to be designed",
  ]);
  return [
    `# Requirements baseline: ${request.project}`,
    "",
    "Each requirement keeps its id from here to the test report.",
    "",
    table(["Id", "Requirement", "Feature", "User stories", "API operations"], rows),
  ].join("\n");
}
