export { BUILTIN_TEMPLATES } from "./builtin-templates.ts";
export { checkPlan, MAX_PHASE_TASKS, MAX_PLAN_TASKS } from "./check-plan.ts";
export {
  type Condition,
  type ConditionResult,
  evaluateCondition,
  explainCondition,
  type FactType,
  parseCondition,
} from "./condition.ts";
export { didYouMean } from "./did-you-mean.ts";
export { type DurationInput, formatDuration, parseDuration } from "./duration.ts";
export {
  EMPTY_REPO,
  FACT_TYPES,
  type FactName,
  type Facts,
  type FactValue,
  factsOf,
  type RepoFacts,
} from "./facts.ts";
export { type LoadPlanOptions, type LoadPlanResult, loadPlan, MAX_PLAN_BYTES } from "./load-plan.ts";
export { checkOutputPath, normalizeOutputPath } from "./output-path.ts";
export { formatPath, formatProblem, type Problem } from "./problem.ts";
export * from "./schema.ts";
